"""Sign-in throttling: so many attempts per address per window, counted in this
worker's memory (with several workers, each counts its own; the allowance is a
brake on guessing, not an exact quota)."""

from __future__ import annotations

import math
import time

from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import FixedWindowRateLimiter
from werkzeug.exceptions import TooManyRequests


class Throttle:
    """Counts attempts by key against a rate such as "10 per minute".

    >>> throttle = Throttle("2 per minute", "sign-in")
    >>> throttle.attempt("192.0.2.1"), throttle.attempt("192.0.2.1")
    (None, None)
    >>> throttle.attempt("192.0.2.1")
    Traceback (most recent call last):
    ...
    werkzeug.exceptions.TooManyRequests: 429 Too Many Requests: Too many sign-in attempts ...
    >>> throttle.attempt("192.0.2.2")     # another address has its own count
    """

    def __init__(self, rate: str, what: str):
        self.rate = parse(rate)  # ValueError, naming the string, if it is not a rate
        self.what = what
        self._counter = FixedWindowRateLimiter(MemoryStorage())

    def attempt(self, key: str) -> None:
        """Count one attempt; past the rate, a 429 saying when to try again."""
        if self._counter.hit(self.rate, self.what, key):
            return
        reset_at, _ = self._counter.get_window_stats(self.rate, self.what, key)
        wait = max(1, math.ceil(reset_at - time.time()))
        raise TooManyRequests(
            f"Too many {self.what} attempts from this address; try again in {wait} s.",
            retry_after=wait,
        )

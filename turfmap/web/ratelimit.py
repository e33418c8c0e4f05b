"""Rate limits: sign-in attempts, public writes, and every API request, counted per
client address (and per account or contact where that is what is being guessed
or drained), with the `limits` library.

Counters live where TURFMAP_RATE_LIMIT_STORAGE says: in this worker's memory by
default (each worker then counts its own, so the allowance multiplies with the
workers), or in Redis, shared by every worker and server. When the storage cannot
be reached, reads go on unlimited (and the log says so) while writes are refused
with 503: a Redis blip must not take the map down, nor open the door to draining.
"""

from __future__ import annotations

import logging
import math
import time
from functools import lru_cache

from limits import parse_many
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter
from werkzeug.exceptions import ServiceUnavailable, TooManyRequests

log = logging.getLogger(__name__)


@lru_cache(maxsize=64)
def _rates(rate: str):
    return tuple(parse_many(rate))


class Limits:
    """Counts hits by (scope, key) against rates such as "10 per minute".

    >>> limits = Limits("memory://")
    >>> limits.hit("2 per minute", "sign-in", "192.0.2.1", "sign-in attempts")
    >>> limits.hit("2 per minute", "sign-in", "192.0.2.1", "sign-in attempts")
    >>> limits.hit("2 per minute", "sign-in", "192.0.2.1", "sign-in attempts")
    Traceback (most recent call last):
    ...
    werkzeug.exceptions.TooManyRequests: 429 Too Many Requests: Too many sign-in attempts ...
    >>> limits.hit("2 per minute", "sign-in", "192.0.2.2", "sign-in attempts")  # its own count
    >>> limits.hit(None, "api", "192.0.2.1", "requests")     # no limit set
    """

    def __init__(self, storage_url: str):
        self.storage_url = storage_url
        self._storage = storage_from_string(storage_url)
        self._limiter = FixedWindowRateLimiter(self._storage)
        self._errors = _storage_errors(storage_url)

    def hit(self, rate: str | None, scope: str, key: str, what: str, *, write: bool = True):
        """Count one hit; past any of the rates, a 429 saying when to try again.
        ``write``: refuse (503) rather than let it through when the storage is down."""
        if rate is None:
            return
        try:
            rates = _rates(rate)
            if len(rates) == 1:  # the usual case: one storage call, not two
                over = [] if self._limiter.hit(rates[0], scope, key) else list(rates)
            else:  # count against each rate only when none of them is exceeded
                over = [item for item in rates if not self._limiter.test(item, scope, key)]
                if not over:
                    for item in rates:
                        self._limiter.hit(item, scope, key)
            if not over:
                return
            reset_at, _ = self._limiter.get_window_stats(over[0], scope, key)
        except self._errors as error:
            log.warning("rate-limit storage %s unreachable: %s", self.storage_url, error)
            if write:
                raise ServiceUnavailable(
                    "The service cannot check its rate limits just now; try again shortly.",
                    retry_after=5,
                ) from None
            return
        wait = max(1, math.ceil(reset_at - time.time()))
        raise TooManyRequests(
            f"Too many {what} from here ({over[0]}); try again in {wait} s.", retry_after=wait
        )

    def reachable(self) -> bool:
        try:
            return bool(self._storage.check())
        except self._errors:
            return False


def _storage_errors(storage_url: str) -> tuple[type[BaseException], ...]:
    errors: tuple[type[BaseException], ...] = (ConnectionError, TimeoutError, OSError)
    if storage_url.startswith(("redis", "rediss")):
        from redis.exceptions import RedisError

        errors += (RedisError,)
    return errors


def limits() -> Limits:
    """This app's rate limits (made in register_web)."""
    from flask import current_app

    return current_app.extensions["turfmap.limits"]


def client() -> str:
    """The client's address as rate limits count it (after ProxyFix, when turfmap
    is told how many proxies stand in front)."""
    from flask import request

    return str(request.remote_addr)

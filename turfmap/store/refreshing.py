"""A value a web worker builds from the store and keeps current.

Built on first use, then rebuilt when a small token read from the store changes
(an activation, a need edit, an RSVP made by another worker or the CLI). The token
is read at most every ``check_seconds``, so the hot path is a clock reading.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from turfmap.store.db import Database

T = TypeVar("T")


class Refreshing(Generic[T]):
    """``build(session, key)`` makes the value and ``token(session, key)`` says when
    it is out of date; ``key`` (the day, say) is part of what was built, so asking
    with another key rebuilds at once. ``after_build`` runs after each build,
    outside the database session."""

    def __init__(
        self,
        db: Database,
        *,
        build: Callable[..., T],
        token: Callable[..., str],
        check_seconds: float = 5.0,
        after_build: Callable[[], object] | None = None,
    ):
        self._db = db
        self._build = build
        self._token_of = token
        self._check_seconds = check_seconds
        self._after_build = after_build
        self._lock = threading.Lock()
        self._value: T | None = None
        self._key: Hashable = None
        self._token: str | None = None
        # Never checked: -inf, not 0, because time.monotonic() may start near 0
        # (it counts from boot) and a fresh machine would then look freshly checked.
        self._checked_at = -math.inf

    def get(self, key: Hashable = None) -> T:
        fresh = time.monotonic() - self._checked_at < self._check_seconds
        if self._value is not None and fresh and key == self._key:
            return self._value
        with self._lock:
            with self._db.session() as session:
                token = self._token_of(session, key)
                built = self._value is None or key != self._key or token != self._token
                if built:
                    self._value = self._build(session, key)
                    self._key, self._token = key, token
            if built and self._after_build is not None:
                self._after_build()
            self._checked_at = time.monotonic()
            return self._value

    def recheck(self) -> None:
        """Read the token on next use (after a write this process made)."""
        with self._lock:
            self._checked_at = -math.inf

    def invalidate(self) -> None:
        """Rebuild on next use."""
        with self._lock:
            self._value = None

    def update(self, change: Callable[[T], object]) -> None:
        """Apply to the current value a change this process has just stored, without
        a rebuild, and take the store's token as it now stands."""
        with self._lock:
            if self._value is None:
                return
            change(self._value)
            with self._db.session() as session:
                self._token = self._token_of(session, self._key)

"""A value a web worker builds from the store and keeps current.

Built on first use, then rebuilt when a small token read from the store changes
(an activation, a need edit, an RSVP made by another worker or the CLI). The token
is read at most every ``check_seconds``, so the hot path is a clock reading.

When the store cannot be reached, the last value built goes on being served (the
log says so once, and ``state()`` says since when), because an index or need
board a few seconds old is far better than no answer; only a worker that has
never built one has nothing to offer, and raises.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable, Hashable
from datetime import UTC, datetime
from typing import Generic, TypeVar

from sqlalchemy.exc import DBAPIError

from turfmap import metrics
from turfmap.store.db import Database

T = TypeVar("T")
log = logging.getLogger(__name__)


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
        watch: frozenset[str] = frozenset(),
        name: str = "value",
    ):
        self._db = db
        self._name = name  # in metrics: what was built
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
        self._rechecks = 0  # moved by every change heard, to catch one heard mid-build
        self._built_at: datetime | None = None
        self._unreachable_since: datetime | None = None
        # Writes applied to the value out of order (a later version heard before an
        # earlier one): their version moves, so that each is applied once however
        # often or in whatever order it is told; emptied by every build.
        self._ahead: set[frozenset] = set()
        self._watch = watch
        db.on_change(self._heard)

    def get(self, key: Hashable = None) -> T:
        fresh = time.monotonic() - self._checked_at < self._check_seconds
        if self._value is not None and fresh and key == self._key:
            return self._value
        with self._lock:
            rechecks = self._rechecks
            try:
                built = self._refresh(key)
            except DBAPIError as error:
                if self._value is None or key != self._key:
                    raise
                self._note_unreachable(error)
                built = False
            else:
                self._note_reachable()
            if built and self._after_build is not None:
                self._after_build()
            # Checked, or failed to: either way ask again only after the interval,
            # so a stopped database costs one attempt per interval, not one per
            # request; unless a change was heard meanwhile, which the check may
            # have read too early to see.
            if self._rechecks == rechecks:
                self._checked_at = time.monotonic()
            return self._value

    def held(self):
        """The token of the value held now (None before the first build): what a
        cache of answers derived from the value can be keyed on without asking the
        database."""
        return self._token

    def _refresh(self, key: Hashable) -> bool:
        with self._db.snapshot() as session:
            token = self._token_of(session, key)
            stale = self._value is None or key != self._key or token != self._token
            if stale:
                started = time.perf_counter()
                self._value = self._build(session, key)
                metrics.BUILDS.labels(self._name).observe(time.perf_counter() - started)
                self._key, self._token = key, token
                self._ahead.clear()
                self._built_at = datetime.now(UTC)
        return stale

    def _note_unreachable(self, error: DBAPIError) -> None:
        if self._unreachable_since is None:
            self._unreachable_since = datetime.now(UTC)
            log.warning(
                "%s: the database is unreachable (%s); serving what was built at %s",
                type(self).__name__,
                str(error.orig or error).splitlines()[0],
                self._built_at,
            )

    def _note_reachable(self) -> None:
        if self._unreachable_since is not None:
            log.warning("%s: the database answers again", type(self).__name__)
            self._unreachable_since = None

    def state(self) -> dict:
        """For /readyz: whether a value is built, when, and whether it is being
        served in place of a fresh one because the database is unreachable."""
        return {
            "built": self._value is not None,
            "built_at": self._built_at.isoformat() if self._built_at else None,
            "serving_last_good_since": self._unreachable_since.isoformat()
            if self._unreachable_since
            else None,
        }

    def _heard(self, changes: dict, deltas: tuple = ()) -> None:
        """A commit, this process's or (through LISTEN) another's, moved versions:
        apply what it described, where this value can (``apply_deltas``), else read
        the token on next use. (Runs inside the writer's commit or in the listening
        thread; a recheck is one atomic assignment, so it takes no lock.)"""
        if not self._watch & changes.keys():
            return
        if not (deltas and self.apply_deltas(changes, deltas)):
            self._rechecks += 1
            self._checked_at = -math.inf

    def apply_deltas(self, changes: dict, deltas: tuple) -> bool:
        """Bring the value up to date with a commit's described changes, without a
        rebuild; True if it now holds them. This class knows none."""
        return False

    def recheck(self) -> None:
        """Read the token on next use (after a write this process made)."""
        with self._lock:
            self._rechecks += 1
            self._checked_at = -math.inf

    def invalidate(self) -> None:
        """Rebuild on next use."""
        with self._lock:
            self._value = None

    def update(self, change: Callable[[T], object], changes: dict | None = None) -> bool:
        """Apply to the current value a change that was just stored, so this
        worker's next answer shows it at once, without a rebuild; True if the value
        now holds exactly what the store held after that write.

        ``changes`` is what that write's transaction moved (store.versions); each
        write is told twice in the writer's process (at its commit and again
        through LISTEN) and in any order with other servers' writes, so the
        versions decide. Where the value already has the write (its versions are
        past it, or it was applied out of order before), nothing is applied again.
        Where the write starts exactly at the versions the value holds, the value
        with the change applied is as good as a rebuild: its token moves on, past
        any out-of-order writes this one joins up with. Otherwise (a write in
        between not yet heard) the change is applied at once and the next check
        rebuilds. No database is asked here, so a write that was stored is never
        reported as failed.

        >>> from types import SimpleNamespace
        >>> held = Refreshing(SimpleNamespace(on_change=lambda _: None), build=None, token=None)
        >>> held._value, held._token = [], {"activity": 5}
        >>> add = lambda n: (lambda value: value.append(n))
        >>> held.update(add(7), {"activity": (6, 7)})  # 5 -> 6 not heard yet
        False
        >>> held.update(add(6), {"activity": (5, 6)}), held._token
        (True, {'activity': 7})
        >>> held.update(add(7), {"activity": (6, 7)}), held._value  # told again
        (True, [7, 6])
        """
        with self._lock:
            if self._value is None:
                return False
            held = self._token if isinstance(self._token, dict) else None
            moved = {k: v for k, v in (changes or {}).items() if held and k in held}
            if not moved:
                change(self._value)
                return False
            if all(held[k] >= after for k, (_, after) in moved.items()):
                return True  # rebuilt since, or applied in order before
            write = frozenset((k, before, after) for k, (before, after) in moved.items())
            if write in self._ahead:
                return False  # applied out of order before; still a gap below it
            change(self._value)
            if any(held[k] != before for k, (before, _) in moved.items()):
                self._ahead.add(write)
                return False
            self._token = held = held | {k: after for k, (_, after) in moved.items()}
            joined = True
            while joined:  # writes applied early that now follow on from the token
                joined = next((w for w in self._ahead if all(held[k] == b for k, b, _ in w)), None)
                if joined:
                    self._ahead.discard(joined)
                    self._token = held = held | {k: after for k, _, after in joined}
            return True

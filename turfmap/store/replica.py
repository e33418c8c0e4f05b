"""Public reads from a streaming replica, while it keeps up (TURFMAP_READ_DATABASE_URL).

Writes, and reads that must see a write just made, use the primary
(``Database.session``); pages and API answers anyone may see use
``ReadSessions.session``, which is a replica session when the replica answers
and is not behind what this worker has already seen, and a primary session
otherwise. "Behind" is measured in the store's state versions (store/versions.py):
a replica that has not replayed the commitment this worker has just counted, or
a session another server has just created, is behind; one that only lags on
tables volunteers do not see is not. Each switch between the two is logged once.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from turfmap import metrics
from turfmap.store import versions
from turfmap.store.db import Database, make_engine

log = logging.getLogger(__name__)
CHECK_SECONDS = 1.0  # how often the replica's versions are compared with ours
CONNECT_SECONDS = 2  # a replica that does not answer in this long is passed over


class ReadSessions:
    """Sessions for public reads: the replica's when it is usable, else the primary's."""

    def __init__(
        self,
        primary: Database,
        replica_url: str | None,
        *,
        schema: str | None = None,
        seen: Callable[[], dict] = dict,
    ):
        self._primary = primary
        self._seen = seen  # the versions this worker has already shown
        self._replica: sessionmaker | None = None
        if replica_url:
            engine = make_engine(replica_url, schema=schema, connect_timeout=CONNECT_SECONDS)
            self._replica = sessionmaker(engine, expire_on_commit=False)
        self._lock = threading.Lock()
        self._checked_at = -float("inf")
        self._usable = True
        self.reason = "no replica configured" if replica_url is None else "not yet checked"

    @property
    def configured(self) -> bool:
        return self._replica is not None

    def session(self) -> Session:
        """A session for a public read (opened now, so a stopped replica is found
        here rather than halfway through the answer)."""
        if self._replica is None:
            return self._primary.session()
        if self._replica_usable():
            session = self._replica()
            try:
                session.connection()
            except DBAPIError as error:
                session.close()
                self._switch(False, f"the replica is unreachable ({_first_line(error)})")
            else:
                metrics.PUBLIC_READS.labels("replica").inc()
                return session
        metrics.PUBLIC_READS.labels("primary").inc()
        return self._primary.session()

    def _replica_usable(self) -> bool:
        if time.monotonic() - self._checked_at < CHECK_SECONDS:
            return self._usable
        if not self._lock.acquire(blocking=False):
            return self._usable  # another thread is checking; go by the last answer
        try:
            self._usable = self._check()
            self._checked_at = time.monotonic()
        finally:
            self._lock.release()
        return self._usable

    def _check(self) -> bool:
        try:
            with self._replica() as session:
                theirs = versions.read(session)
        except DBAPIError as error:
            return self._switch(False, f"the replica is unreachable ({_first_line(error)})")
        ours = self._seen() or {}
        behind = {k: (theirs.get(k, 0), v) for k, v in ours.items() if theirs.get(k, 0) < v}
        if behind:
            detail = ", ".join(f"{k} {mine} < {seen}" for k, (mine, seen) in sorted(behind.items()))
            return self._switch(False, f"the replica is behind ({detail})")
        return self._switch(True, "the replica is up to date")

    def _switch(self, usable: bool, reason: str) -> bool:
        if usable != self._usable or self.reason == "not yet checked":
            where = "from the replica" if usable else "from the primary"
            log.warning("public reads now go %s: %s", where, reason)
        self._usable, self.reason = usable, reason
        if not usable:
            self._checked_at = time.monotonic()
        return usable

    def state(self) -> dict:
        """For /readyz: where public reads go, and why."""
        if self._replica is None:
            return {"configured": False}
        return {"configured": True, "in_use": self._usable, "reason": self.reason}

    def after_fork(self) -> None:
        """In a forked worker: open connections of its own (see extensions.after_fork)."""
        if self._replica is not None:
            self._replica.kw["bind"].dispose(close=False)

    def dispose(self) -> None:
        if self._replica is not None:
            self._replica.kw["bind"].dispose()


def _first_line(error: DBAPIError) -> str:
    text = str(error.orig or error).strip()
    return text.splitlines()[0] if text else type(error).__name__

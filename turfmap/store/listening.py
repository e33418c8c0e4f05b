"""Hearing other servers' writes at once, on PostgreSQL: LISTEN.

Every transaction that moves a state version ends with a NOTIFY (store/versions.py)
that PostgreSQL delivers to every listening connection when it commits. Each web
worker keeps one such connection in a thread of its own and passes what it hears
to the same listeners its own commits reach (the index and the need board), so a
commitment made through another server shows in this one's recommendations well
within a second, applied as a delta where the write described one.

Polling (TURFMAP_INDEX_CHECK_SECONDS) stays underneath: while the connection is
down nothing is heard, so on every (re)connection the listeners are told that
everything may have moved, and they check.
"""

from __future__ import annotations

import logging
import os
import threading

import psycopg
from psycopg import sql
from sqlalchemy.engine import URL

from turfmap import metrics
from turfmap.store import versions

log = logging.getLogger(__name__)
RETRY_SECONDS = (0.5, 1, 2, 5)  # waits between reconnections, the last repeated
WAKE_SECONDS = 1.0  # how often the thread looks up from waiting, to see if it must stop
# Told on (re)connection: any version may have moved while nobody was listening.
EVERYTHING = {kind: (-1, -1) for kind in versions.KINDS}


def channel_for(schema: str | None) -> str:
    """One channel per database schema: notifications are per database, and the
    tests run many schemas in one.

    >>> channel_for(None), channel_for("t_0a1b")
    ('turfmap_state', 'turfmap_state_t_0a1b')
    """
    return "turfmap_state" if not schema else f"turfmap_state_{schema}"


def libpq_dsn(url: URL) -> str:
    """The SQLAlchemy URL as psycopg's own connection string."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


class ChangeListener:
    """A thread holding one LISTENing connection; ``tell(changes, deltas)`` gets
    every notice. Started per process (a forked worker starts its own)."""

    def __init__(self, dsn: str, channel: str, tell):
        self._dsn = dsn
        self._channel = channel
        self._tell = tell
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid: int | None = None
        self.connected = threading.Event()

    def ensure_running(self) -> None:
        """Start the thread in this process unless it runs already (cheap: a
        process id compared; called before each request)."""
        if self._pid == os.getpid() and self._thread is not None:
            if self._thread.is_alive() or self._stop.is_set():
                return
            log.error("the listening thread had ended; starting it again")
        self._pid = os.getpid()
        self._stop.clear()
        self.connected.clear()
        self._thread = threading.Thread(target=self._run, name="turfmap-listen", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None and self._pid == os.getpid():
            self._thread.join(timeout=2 * WAKE_SECONDS)
        self._thread = None

    def _run(self) -> None:
        failures = 0
        while not self._stop.is_set():
            try:
                self._listen()
                failures = 0
            except psycopg.Error as error:
                self.connected.clear()
                wait = RETRY_SECONDS[min(failures, len(RETRY_SECONDS) - 1)]
                if failures == 0:
                    log.warning(
                        "not hearing other servers' changes (%s); polling meanwhile, "
                        "retrying in %g s",
                        str(error).splitlines()[0] if str(error) else type(error).__name__,
                        wait,
                    )
                failures += 1
                self._stop.wait(wait)

    def _listen(self) -> None:
        with psycopg.connect(self._dsn, autocommit=True, connect_timeout=5) as connection:
            connection.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self._channel)))
            self.connected.set()
            self._tell(EVERYTHING, ())  # whatever moved before we listened
            while not self._stop.is_set():
                for notice in connection.notifies(timeout=WAKE_SECONDS):
                    try:
                        changes, deltas = versions.read_notice(notice.payload)
                    except (ValueError, KeyError, TypeError):
                        log.warning("ignored a malformed notice: %.200r", notice.payload)
                        continue
                    self._hand_on(changes, deltas)
                    metrics.NOTICES.inc()
                    if self._stop.is_set():
                        return

    def _hand_on(self, changes, deltas) -> None:
        # A listener's failure must not end this worker's hearing for good: it is
        # logged, and everything is checked against the store on next use.
        try:
            self._tell(changes, deltas)
        except Exception:
            log.exception("a listener failed on a notice; everything will be checked")
            self._tell(EVERYTHING, ())

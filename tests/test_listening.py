"""Hearing other servers' commits through LISTEN (store/listening.py), on PostGIS:
what is heard, and that one listener's failure does not end the hearing."""

from __future__ import annotations

import logging
import queue
from datetime import date

import pytest

from tests.conftest import load_montreal, services_of
from turfmap.coordination.commitments import record_commitment
from turfmap.recommend.tokens import Granted
from turfmap.store import versions
from turfmap.store.listening import EVERYTHING, ChangeListener, channel_for, libpq_dsn

pytestmark = pytest.mark.parametrize("backend", ["postgis"], indirect=True)


@pytest.fixture
def montreal(app, cli):
    load_montreal(cli)
    return app


def listening(app, tell) -> ChangeListener:
    db = services_of(app).db
    channel = channel_for(app.config["TURFMAP_DATABASE_SCHEMA"])
    listener = ChangeListener(libpq_dsn(db.engine.url), channel, tell)
    listener.ensure_running()
    assert listener.connected.wait(10)
    return listener


def commit_one(app, nonce: str) -> None:
    with services_of(app).db.transaction() as session:
        record_commitment(session, Granted("mtl", "101", date(2026, 12, 4), nonce))


def next_notice(heard: queue.Queue):
    """The next notice other than the 'check everything' told on connecting."""
    while (notice := heard.get(timeout=10))[0] == EVERYTHING:
        pass
    return notice


def test_a_commit_is_heard_with_the_versions_it_moved_and_its_delta(montreal):
    heard: queue.Queue = queue.Queue()
    listener = listening(montreal, lambda changes, deltas: heard.put((changes, deltas)))
    try:
        commit_one(montreal, "heard-once")
        changes, deltas = next_notice(heard)
    finally:
        listener.stop()
    assert set(changes) == {versions.ACTIVITY}
    before, after = changes[versions.ACTIVITY]
    assert after == before + 1
    assert deltas == (("commit", "mtl", "101", "2026-12-04"),)


def test_a_listener_that_fails_does_not_end_the_hearing(montreal, caplog):
    heard: queue.Queue = queue.Queue()
    failures = []

    def tell(changes, deltas):
        if deltas and not failures:
            failures.append(deltas)
            raise KeyError("a bug in a listener")
        heard.put((changes, deltas))

    listener = listening(montreal, tell)
    try:
        assert heard.get(timeout=10) == (EVERYTHING, ())  # told on connecting
        with caplog.at_level(logging.ERROR, logger="turfmap.store.listening"):
            commit_one(montreal, "the failing one")
            # Told instead: check everything against the store.
            assert heard.get(timeout=10) == (EVERYTHING, ())
            commit_one(montreal, "the next one")
            _, deltas = next_notice(heard)
    finally:
        listener.stop()
    assert deltas == (("commit", "mtl", "101", "2026-12-04"),)
    assert "a listener failed on a notice" in caplog.text

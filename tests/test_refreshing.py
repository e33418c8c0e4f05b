"""A worker's index and need board follow the store: store.refreshing.Refreshing."""

from __future__ import annotations

import gc
import time
from datetime import date

import pytest
from sqlalchemy import func, select

from tests.conftest import load_montreal, services_of
from turfmap.coordination.commitments import record_commitment
from turfmap.extensions import services
from turfmap.recommend.tokens import Granted
from turfmap.store import versions
from turfmap.store.db import Database
from turfmap.store.models import Commitment
from turfmap.store.refreshing import Refreshing


class Store:
    """What the token and build functions read: a version the test moves on."""

    def __init__(self):
        self.version = 1
        self.builds = []

    def token(self, session, key):
        assert session is not None  # each read happens inside a real session
        return str(self.version)

    def build(self, session, key):
        self.builds.append((self.version, key))
        return {"version": self.version, "key": key, "commitments": 0}


@pytest.fixture
def db(tmp_path):
    database = Database()
    database.init(f"sqlite:///{tmp_path}/refreshing.sqlite3")
    yield database
    database.dispose()


def test_rebuilt_only_when_the_token_moves(db):
    store = Store()
    held = Refreshing(db, build=store.build, token=store.token, check_seconds=0)
    first = held.get()
    assert held.get() is first and store.builds == [(1, None)]
    store.version = 2
    assert held.get()["version"] == 2 and len(store.builds) == 2


# time.monotonic() counts from boot: a worker started within check_seconds of boot
# (a fresh container) must not take "never checked" for "just checked".
@pytest.mark.parametrize("seconds_since_boot", [None, 12.0], ids=["clock", "just-booted"])
def test_the_store_is_asked_at_most_every_check_seconds(db, monkeypatch, seconds_since_boot):
    if seconds_since_boot is not None:
        monkeypatch.setattr(time, "monotonic", lambda: seconds_since_boot)
    store = Store()
    held = Refreshing(db, build=store.build, token=store.token, check_seconds=3600)
    held.get()
    store.version = 2
    assert held.get()["version"] == 1  # within the interval: not asked
    held.recheck()
    assert held.get()["version"] == 2


def test_another_key_rebuilds_at_once(db):
    store = Store()
    held = Refreshing(db, build=store.build, token=store.token, check_seconds=3600)
    assert held.get("2026-11-23")["key"] == "2026-11-23"
    assert held.get("2026-11-24")["key"] == "2026-11-24"
    assert store.builds == [(1, "2026-11-23"), (1, "2026-11-24")]


def test_a_local_change_shows_at_once_and_the_next_check_rebuilds(db):
    """The stale adoption that kept a worker wrong for good: after its own write it
    took the store's new token as its own, so a write another server made just
    before was never seen. Now the next check rebuilds from the store."""
    store = Store()
    held = Refreshing(db, build=store.build, token=store.token, check_seconds=3600)
    held.get()
    store.version = 2  # this process's write moves the token, and perhaps another's did

    def count(value):
        value["commitments"] += 1

    held.update(count)
    assert held.get()["commitments"] == 1 and len(store.builds) == 1  # at once, no rebuild
    held.recheck()
    assert held.get()["version"] == 2 and len(store.builds) == 2  # the store has the last word


def test_invalidate_and_after_build(db):
    store, calls = Store(), []
    held = Refreshing(
        db,
        build=store.build,
        token=store.token,
        check_seconds=3600,
        after_build=lambda: calls.append(1),
    )
    held.update(lambda value: pytest.fail("nothing built yet, nothing to change"))
    held.get()
    held.get()
    held.invalidate()
    held.get()
    assert len(store.builds) == 2 and len(calls) == 2


def test_a_worker_freezes_its_index_out_of_the_collectors_sight(uk_app):
    """extensions.settle_heap: the cyclic collector no longer walks the index."""
    with uk_app.app_context():
        services().spatial.invalidate()
        district = services().spatial.get().districts[0]
    assert gc.is_tracked(district) and gc.get_freeze_count() > 0
    assert not any(o is district for o in gc.get_objects())  # frozen: in no generation


class CountedCommitments(Refreshing):
    """A value like the need board: commitments counted at build, then by delta."""

    def apply_deltas(self, changes, deltas):
        return self.update(lambda value: value.update(count=value["count"] + len(deltas)), changes)


@pytest.fixture
def another_server(app, cli):
    """(this worker's database, another server's, what the other's commits told)."""
    load_montreal(cli)
    other, told = Database(), []
    other.init(app.config["TURFMAP_DATABASE_URL"], schema=app.config["TURFMAP_DATABASE_SCHEMA"])
    other.on_change(lambda changes, deltas: told.append((changes, deltas)))
    yield services_of(app).db, other, told
    other.dispose()


def commit_one(database: Database, nonce: str) -> None:
    with database.transaction() as session:
        record_commitment(session, Granted("mtl", "101", date(2026, 12, 4), nonce))


def count_commitments(session) -> int:
    return session.scalar(select(func.count()).select_from(Commitment))


def following_activity(kind, db: Database, build) -> Refreshing:
    """A value of ``kind`` (a Refreshing) that follows the versions and hears
    commitments, checked only when told to."""
    return kind(
        db,
        build=build,
        token=lambda session, key: versions.read(session),
        check_seconds=3600,
        watch=frozenset({versions.ACTIVITY}),
    )


@pytest.mark.parametrize("backend", ["postgis"], indirect=True)
def test_a_commit_made_while_a_value_is_built_is_counted_once(another_server):
    """The versions and the rows a value is built from are read in one snapshot:
    another server's commitment, committed between the two reads, is in neither,
    so its delta, heard next, counts it once (read as they came, the build had it
    already and the delta counted it again, for good: the versions agreed)."""
    db, other, told = another_server

    def build(session, key):
        if not told:
            commit_one(other, "mid-build")  # between the versions read and the rows read
        return {"count": count_commitments(session)}

    held = following_activity(CountedCommitments, db, build)
    assert held.get() == {"count": 0}
    held._heard(*told[0])  # as the listening thread hands it on
    assert held.get() == {"count": 1}


def test_a_change_heard_while_a_value_is_built_is_checked_for(another_server):
    """A notice that arrives during a build that may have read too early to see
    it is not forgotten when the build ends: the next use reads the versions."""
    db, other, told = another_server
    held: Refreshing

    def build(session, key):
        built = {"count": count_commitments(session)}
        if not told:
            commit_one(other, "heard-mid-build")
            held._heard(told[0][0], ())  # a change that carries no delta: recheck
        return built

    held = following_activity(Refreshing, db, build)
    assert held.get() == {"count": 0}
    assert held.get() == {"count": 1}

"""Public reads from a real streaming replica (issue 22.5): a second PostgreSQL
cluster made with pg_basebackup, two gunicorn servers pointed at both. Public GETs
read from the replica; writes go to the primary; while the replica's replay is
paused (it lags) or the replica is stopped, public pages are still served, from
the primary, and the log says so."""

from __future__ import annotations

import json
import time
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest import services_of
from tests.servers import (
    STRONG_KEY,
    get,
    gunicorn,
    own_cluster,
    post_json,
    production_env,
    replica_of,
)
from tests.test_production import loaded
from tests.test_surge import UNLIMITED
from turfmap.store.models import CanvassSession
from turfmap.store.queries import get_set

pytestmark = pytest.mark.slow


def new_session(app, title: str) -> int:
    start = datetime.now(UTC) + timedelta(days=3)
    with services_of(app).db.transaction() as session:
        item = CanvassSession(
            set_id=get_set(session, "mtl").id,
            district_code="103",
            title=title,
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            lon=-73.6,
            lat=45.5,
            capacity=5,
            status="approved",
        )
        session.add(item)
    return item.id


def until(condition, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "not within time"
        time.sleep(0.05)


def test_public_reads_use_the_replica_and_fall_back_to_the_primary():
    """Two app servers of two workers, both reading from the replica."""
    with ExitStack() as stack:
        primary = stack.enter_context(own_cluster())
        app = stack.enter_context(loaded(primary.url))
        replica = stack.enter_context(replica_of(primary))
        first = new_session(app, "Before the replica lagged")
        env = production_env(
            primary.url,
            TURFMAP_SECRET_KEY=STRONG_KEY,
            TURFMAP_READ_DATABASE_URL=replica.url,
            **UNLIMITED,
        )
        servers = [stack.enter_context(gunicorn(env)) for _ in range(2)]

        def everywhere(path: str) -> set[int]:
            return {get(f"{base}{path}")[0] for _ in range(4) for _, base in servers}

        def every_log(says: str) -> bool:
            return all(says in server.log() for server, _ in servers)

        # 1. Public reads come from the replica (its log shows their statements).
        until(lambda: everywhere(f"/api/v1/sessions/{first}") == {200})
        reads_before = replica.log().count("FROM canvass_sessions")
        assert everywhere(f"/api/v1/sessions/{first}") == {200}
        assert everywhere("/d/101") == {200}
        assert replica.log().count("FROM canvass_sessions") >= reads_before + 8
        assert every_log("public reads now go from the replica")
        # 2. A write through a server goes to the primary: 201, never a read-only
        # transaction's 500.
        base = servers[0][1]
        point = json.loads(get(f"{base}/api/v1/districts/101")[2])["point"]
        asked = get(f"{base}/api/v1/recommend?lat={point['lat']}&lon={point['lon']}")
        token = json.loads(asked[2])["recommendations"][0]["commit_token"]
        body = json.dumps({"token": token}).encode()
        status, _, answer = post_json(f"{servers[1][1]}/api/v1/commitments", body)
        assert status == 201, answer
        assert primary.sql("SELECT count(*) FROM commitments") == 1
        # 3. The replica lags: what the servers have seen is not there yet, so their
        # public reads go to the primary, and a session made meanwhile is found.
        replica.sql("SELECT pg_wal_replay_pause()")
        lagging = new_session(app, "While the replica lagged")
        until(lambda: everywhere(f"/api/v1/sessions/{lagging}") == {200}, seconds=3)
        assert every_log("public reads now go from the primary: the replica is behind")
        assert replica.sql(f"SELECT count(*) FROM canvass_sessions WHERE id = {lagging}") == 0
        back = "public reads now go from the replica"
        switched = [server.log().count(back) for server, _ in servers]
        replica.sql("SELECT pg_wal_replay_resume()")
        until(
            lambda: (
                everywhere("/d/101") == {200}
                and all(
                    s.log().count(back) > n for (s, _), n in zip(servers, switched, strict=True)
                )
            )
        )
        # 4. The replica stops: public pages are still served, from the primary.
        replica.stop()
        assert everywhere(f"/api/v1/sessions/{lagging}") == {200}
        assert everywhere("/d/101") == {200}
        assert every_log("public reads now go from the primary: the replica is unreachable")
        for _, base in servers:
            ready = json.loads(get(f"{base}/readyz")[2])
            assert ready["status"] == "ready" and ready["replica"]["in_use"] is False

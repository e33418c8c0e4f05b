"""Public reads from a real streaming replica (issue 22.5): a second PostgreSQL
cluster made with pg_basebackup, a gunicorn server pointed at both. Public GETs
read from the replica; writes go to the primary; while the replica's replay is
paused (it lags) or the replica is stopped, public pages are still served, from
the primary, and the log says so."""

from __future__ import annotations

import json
import time
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
    with own_cluster() as primary, loaded(primary.url) as app, replica_of(primary) as replica:
        first = new_session(app, "Before the replica lagged")
        env = production_env(
            primary.url,
            TURFMAP_SECRET_KEY=STRONG_KEY,
            TURFMAP_READ_DATABASE_URL=replica.url,
            **UNLIMITED,
        )
        with gunicorn(env) as (server, base):
            # 1. Public reads come from the replica (its log shows their statements).
            until(lambda: get(f"{base}/api/v1/sessions/{first}")[0] == 200)
            for _ in range(10):
                assert get(f"{base}/api/v1/sessions/{first}")[0] == 200
                assert get(f"{base}/d/101")[0] == 200
            assert replica.log().count("FROM canvass_sessions") >= 10
            assert "public reads now go from the replica" in server.log()
            # 2. A write through the server goes to the primary: 201, never a
            # read-only transaction's 500.
            point = json.loads(get(f"{base}/api/v1/districts/101")[2])["point"]
            answer = json.loads(
                get(f"{base}/api/v1/recommend?lat={point['lat']}&lon={point['lon']}")[2]
            )
            token = answer["recommendations"][0]["commit_token"]
            status, _, body = post_json(
                f"{base}/api/v1/commitments", json.dumps({"token": token}).encode()
            )
            assert status == 201, body
            assert primary.sql("SELECT count(*) FROM commitments") == 1
            # 3. The replica lags: what the server has seen is not there yet, so its
            # public reads go to the primary, and a session made meanwhile is found.
            replica.sql("SELECT pg_wal_replay_pause()")
            lagging = new_session(app, "While the replica lagged")
            until(lambda: get(f"{base}/api/v1/sessions/{lagging}")[0] == 200, seconds=3)
            assert all(get(f"{base}/api/v1/sessions/{lagging}")[0] == 200 for _ in range(10))
            assert "public reads now go from the primary: the replica is behind" in server.log()
            assert replica.sql(f"SELECT count(*) FROM canvass_sessions WHERE id = {lagging}") == 0
            back = "public reads now go from the replica"
            switched = server.log().count(back)
            replica.sql("SELECT pg_wal_replay_resume()")
            until(lambda: get(f"{base}/d/101")[0] == 200 and server.log().count(back) > switched)
            # 4. The replica stops: public pages are still served, from the primary.
            replica.stop()
            for _ in range(10):
                assert get(f"{base}/api/v1/sessions/{lagging}")[0] == 200
                assert get(f"{base}/d/101")[0] == 200
            assert "public reads now go from the primary: the replica is unreachable" in (
                server.log()
            )
            ready = json.loads(get(f"{base}/readyz")[2])
            assert ready["status"] == "ready" and ready["replica"]["in_use"] is False

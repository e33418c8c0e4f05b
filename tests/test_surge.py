"""Several servers on one PostGIS (issue 22): two real gunicorn servers of two
workers each, polling only once a minute, so that what one server's worker sees
of another's writes it has heard through LISTEN/NOTIFY."""

from __future__ import annotations

import json
import re
import statistics
import tempfile
import threading
import time
import urllib.request
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest import Backend, _postgres_url, services_of
from tests.servers import STRONG_KEY, get, gunicorn, post_json, production_env, subprocess_database
from tests.test_production import loaded
from turfmap.store.models import CanvassSession
from turfmap.store.queries import get_set

pytestmark = pytest.mark.slow
UNLIMITED = {
    name: "none"
    for name in (
        "TURFMAP_API_RATE_LIMIT",
        "TURFMAP_COMMIT_LIMIT",
        "TURFMAP_RSVP_LIMIT",
        "TURFMAP_RSVP_CONTACT_LIMIT",
    )
}


@pytest.fixture(scope="module")
def two_servers():
    """(app that loaded Montreal, [server A, server B]) on a PostGIS database of
    the module's own."""
    backend = Backend("postgis", _postgres_url())
    with ExitStack() as stack:
        url = stack.enter_context(subprocess_database(backend))
        app = stack.enter_context(loaded(url))
        servers = []
        for _ in range(2):
            env = production_env(
                url,
                TURFMAP_SECRET_KEY=STRONG_KEY,
                TURFMAP_INDEX_CHECK_SECONDS="60",
                TURFMAP_LOG_FORMAT="json",
                TURFMAP_TRUSTED_PROXIES="1",
                PROMETHEUS_MULTIPROC_DIR=stack.enter_context(tempfile.TemporaryDirectory()),
                **UNLIMITED,
            )
            servers.append(stack.enter_context(gunicorn(env)))
        yield app, [base for _, base in servers], [process for process, _ in servers]


def committed(base: str, code: str) -> int:
    status, _, body = get(f"{base}/api/v1/districts/{code}")
    assert status == 200, body
    return json.loads(body)["need"]["committed"]


def recommended(base: str, lat: float, lon: float) -> dict:
    status, _, body = get(f"{base}/api/v1/recommend?lat={lat}&lon={lon}&own_area=1")
    assert status == 200, body
    return json.loads(body)["district"]


def test_a_write_on_either_server_shows_on_the_other_within_a_second(two_servers):
    """Commitments alternate between the servers, so each server both writes and
    must see the other's writes (a worker that records a write must still notice
    a write made elsewhere just before it)."""
    _, servers, _ = two_servers
    point = json.loads(get(f"{servers[0]}/api/v1/districts/101")[2])["point"]
    lags = []
    # What each district must show, counted here: a reading taken just after the
    # last write may meet a worker that has not heard it yet (it is milliseconds
    # from hearing it), and waiting for one more than that would wait for ever.
    # A district's first reading comes before anyone commits to it, so any worker
    # has it right.
    expected: dict[str, int] = {}
    for n in range(20):
        writer, reader = servers[n % 2], servers[1 - n % 2]
        home = recommended(writer, point["lat"], point["lon"])
        code = home["code"]
        expected.setdefault(code, committed(reader, code))
        status, _, body = post_json(
            f"{writer}/api/v1/commitments", json.dumps({"token": home["commit_token"]}).encode()
        )
        assert status == 201, body
        written = time.monotonic()
        expected[code] += 1
        while committed(reader, code) != expected[code]:
            assert time.monotonic() - written < 10, "the other server never heard"
            time.sleep(0.01)
        lags.append(time.monotonic() - written)
    # Every worker of both servers has them all (each reading may meet either worker).
    for base in servers:
        assert {committed(base, "101") for _ in range(12)} == {20}
    assert statistics.quantiles(lags, n=20)[18] <= 1.0, lags  # p95
    # And in the recommendations themselves, not only the district's page.
    assert all(
        recommended(base, point["lat"], point["lon"])["why_parts"]["committed"] == 20
        for base in servers
    )


def test_the_last_place_goes_to_exactly_one_of_twenty_across_two_servers(two_servers):
    app, servers, _ = two_servers
    point = json.loads(get(f"{servers[0]}/api/v1/districts/102")[2])["point"]
    start = datetime.now(UTC) + timedelta(days=2)
    with services_of(app).db.transaction() as session:
        item = CanvassSession(
            set_id=get_set(session, "mtl").id,
            district_code="102",
            title="The last place",
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            lon=point["lon"],
            lat=point["lat"],
            capacity=1,
            status="approved",
        )
        session.add(item)
    # A new session reaches both servers too (a rebuild: sessions are no delta).
    deadline = time.monotonic() + 1.0
    for base in servers:
        while listed(base, point, item.id) != 1:
            assert time.monotonic() < deadline, f"{base} does not offer the new session"
            time.sleep(0.02)
    answers: list[tuple[int, dict]] = []
    ready = threading.Barrier(20)

    def take(n: int) -> None:
        body = json.dumps({"name": f"Volunteer {n}", "contact": f"v{n}@example.org"}).encode()
        ready.wait()
        status, _, reply = post_json(f"{servers[n % 2]}/api/v1/sessions/{item.id}/rsvps", body)
        answers.append((status, json.loads(reply)))

    threads = [threading.Thread(target=take, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = sorted(status for status, _ in answers)
    assert statuses == [201] + [409] * 19
    assert {reply["error"]["code"] for status, reply in answers if status == 409} == {"full"}
    # Both servers' recommendations drop the full session at once (heard, not polled).
    deadline = time.monotonic() + 1.0
    for base in servers:
        while listed(base, point, item.id) is not None:
            assert time.monotonic() < deadline, f"{base} still offers the full session"
            time.sleep(0.02)


def listed(base: str, point: dict, session_id: int) -> int | None:
    """The free places a server's recommendation offers at the session, or None."""
    sessions = recommended(base, point["lat"], point["lon"])["sessions"]
    return next((s["free_places"] for s in sessions if s["id"] == session_id), None)


def test_metrics_add_up_every_worker_and_logs_are_json_lines(two_servers):
    """After the tests above: /metrics counts both workers' requests, builds,
    deltas and notices; each log line is a JSON object, and a request's line names
    the client the proxy saw (TURFMAP_TRUSTED_PROXIES=1)."""
    _, servers, processes = two_servers
    for _ in range(6):
        request = urllib.request.Request(
            f"{servers[0]}/api/v1/districts/101", headers={"X-Forwarded-For": "203.0.113.9"}
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            assert answer.status == 200
    status, headers, body = get(f"{servers[0]}/metrics")
    assert status == 200 and headers["Content-Type"].startswith("text/plain")
    text = body.decode()

    def total(name: str, labels: str = "") -> float:
        found = re.findall(rf"^{name}{{?([^}}\n]*)}}? ([0-9.e+]+)$", text, re.M)
        return sum(float(value) for found_labels, value in found if labels in found_labels)

    route = 'route="/api/v1/districts/<code>"'
    assert total("turfmap_requests_total", route) >= 30  # asked by both workers, summed
    assert total("turfmap_request_seconds_count", route) == total("turfmap_requests_total", route)
    assert total("turfmap_build_seconds_count", 'what="index"') >= 1
    assert total("turfmap_notices_total") >= 10  # the other server's commitments, heard
    assert total("turfmap_board_deltas_total") >= 10
    lines = [line for line in processes[0].log().splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    assert any("Booting worker" in r["message"] for r in records)
    asked = [r for r in records if r.get("route") == "/api/v1/districts/<code>"]
    assert asked and {r["status"] for r in asked} == {200}
    assert sum(r["client"] == "203.0.113.9" for r in asked) == 6

"""Recommendations on the real UK seats, and the JSON API around them."""

from __future__ import annotations

import copy
import dataclasses
import json
import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.conftest import load_montreal
from turfmap.errors import SourceUnavailable
from turfmap.travel.router import OsrmRouter


@pytest.fixture
def client(uk_app):
    return uk_app.test_client()


def get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.get_json()
    return response.get_json()


def test_aberdeen_postcode_resolves_and_recommends_scottish_seats(client):
    found = get(client, "/api/v1/postcodes/ab101an")
    assert found["postcode"] == "AB10 1AN"
    assert [d["code"] for d in found["districts"]] == ["S14000061"]  # Aberdeen South
    body = get(client, "/api/v1/recommend?postcode=AB10%201AN")
    assert body["origin"]["postcode"] == "AB10 1AN"
    assert body["district"]["code"] == "S14000061"
    codes = [r["code"] for r in body["recommendations"]]
    assert codes and all(code.startswith("S") for code in codes)
    first = body["recommendations"][0]
    assert first["code"] == "S14000060"  # Aberdeen North: SNP by 4.2%, next door
    assert first["why"].startswith(
        "Lab 4.2% behind SNP in the 2024 general election; 0 of about 73 volunteers it could use "
        "today (estimated from the electorate)"
    )
    assert first["why_parts"]["travel_source"] == "estimate"
    assert [r["score"] for r in body["recommendations"]] == sorted(
        (r["score"] for r in body["recommendations"]), reverse=True
    )


def test_hendon_first_for_labour(client):
    hendon = get(client, "/api/v1/districts/E14001279")["point"]
    body = get(client, f"/api/v1/recommend?lat={hendon['lat']}&lon={hendon['lon']}")
    assert body["district"]["code"] == "E14001279"
    first = body["recommendations"][0]
    assert (first["code"], first["majority"], first["travel_minutes"]) == ("E14001279", 15, 0)
    assert first["why"].startswith("Lab won it by 15 votes in the 2024 general election;")
    assert first["why"].endswith("you are in this district.")


def test_own_district_is_shown_even_when_its_need_is_low(client):
    # Central Glasgow point in a seat Labour holds by a wide margin? Use Orkney: LD, far.
    body = get(client, "/api/v1/recommend?lat=58.98&lon=-2.96")
    home = body["district"]
    assert home["name"] == "Orkney and Shetland" and home["need"] < 5
    assert "Orkney and Shetland" not in [r["name"] for r in body["recommendations"]]
    own = get(client, "/api/v1/recommend?lat=58.98&lon=-2.96&own_area=1")
    assert own["district"]["code"] == home["code"]
    assert all(r["code"] == home["code"] for r in own["recommendations"])


def test_own_area_only_keeps_to_the_home_district(client):
    body = get(client, "/api/v1/recommend?postcode=AB10%201AN&own_area=yes")
    assert [r["code"] for r in body["recommendations"]] == ["S14000061"]


@pytest.mark.parametrize(
    "mode, minutes", [("walk", 20), ("cycle", 30), ("transit", 45), ("drive", 30)]
)
def test_mode_and_max_minutes_are_honoured(client, mode, minutes):
    body = get(
        client,
        f"/api/v1/recommend?lat=51.5034&lon=-0.1276&mode={mode}&max_minutes={minutes}&limit=10",
    )
    assert body["constraints"]["mode"] == mode
    assert body["recommendations"]
    assert all(r["travel_minutes"] <= minutes for r in body["recommendations"])
    assert all(
        f"by {mode}" in r["why"] or r["travel_minutes"] == 0 for r in body["recommendations"]
    )


def test_short_walks_only(client):
    walk = get(client, "/api/v1/recommend?lat=51.5034&lon=-0.1276&mode=walk&limit=20")
    short = get(
        client, "/api/v1/recommend?lat=51.5034&lon=-0.1276&mode=walk&limit=20&short_walks=1"
    )
    assert max(r["travel_minutes"] for r in walk["recommendations"]) > 10
    assert all(r["travel_minutes"] <= 10 for r in short["recommendations"])


def test_limit(client):
    body = get(client, "/api/v1/recommend?lat=51.5034&lon=-0.1276&limit=2")
    assert len(body["recommendations"]) == 2


def test_origin_at_sea_still_gets_the_nearest_districts(client):
    body = get(client, "/api/v1/recommend?lat=56.5&lon=1.0&mode=walk&max_minutes=30")
    assert body["district"] is None
    assert len(body["recommendations"]) == 5
    assert "these are the nearest" in body["note"]
    assert body["recommendations"][0]["distance_km"] > 10


@pytest.mark.parametrize(
    "query, status, fragment",
    [
        ("", 400, "give a postcode, or lat and lon"),
        ("lat=57.1", 400, "lon is required"),
        ("lat=abc&lon=1", 400, "lat='abc' is not a number"),
        ("lat=91&lon=1", 400, "lat=91 is out of range"),
        ("lat=57&lon=-2&limit=100000", 400, "limit=100000 is out of range"),
        ("lat=57&lon=-2&limit=two", 400, "limit='two' is not a whole number"),
        ("lat=57&lon=-2&max_minutes=0", 400, "max_minutes=0 is out of range"),
        ("lat=57&lon=-2&mode=boat", 400, "mode='boat' must be one of walk, cycle"),
        ("lat=57&lon=-2&own_area=perhaps", 400, "own_area='perhaps' must be one of"),
        ("lat=57&lon=-2&set=nowhere", 404, "set='nowhere' is not an active boundary set"),
        ("postcode=hello", 400, "'hello' is not a UK postcode"),
        ("postcode=ZZ99%209ZZ", 404, "postcode ZZ99 9ZZ is not in the postcode directory"),
        ("postcode=AB10%201AA", 404, "no longer in use"),  # terminated in ONSPD
        ("postcode=AB10%201AN&lat=57&lon=-2", 400, "not both"),
    ],
)
def test_bad_recommend_queries(client, query, status, fragment):
    error = get(client, f"/api/v1/recommend?{query}", status)["error"]
    assert fragment in error["message"]


def test_bad_postcode_lookups(client):
    assert "not a UK postcode" in get(client, "/api/v1/postcodes/12345", 400)["error"]["message"]
    get(client, "/api/v1/postcodes/ZZ99%209ZZ", 404)


@pytest.fixture
def montreal(app, cli):
    load_montreal(cli)
    return app.test_client()


def test_accepting_a_recommendation_lowers_remaining_need(montreal):
    before = get(montreal, "/api/v1/recommend?lat=45.52&lon=-73.58&limit=1")
    first = before["recommendations"][0]
    capacity = first["why_parts"]["capacity"]
    tokens = montreal.application.extensions["turfmap"].tokens
    for _ in range(capacity):
        # Each volunteer with a token of their own (as a recommendation gives one).
        token = tokens.issue("mtl", first["code"], date.fromisoformat(before["day"]))
        response = montreal.post("/api/v1/commitments", json={"token": token})
        assert response.status_code == 201
    assert response.get_json()["remaining_need"] == 0
    after = get(montreal, "/api/v1/recommend?lat=45.52&lon=-73.58&limit=5")
    codes = [r["code"] for r in after["recommendations"]]
    assert first["code"] not in codes  # full: the next volunteer goes elsewhere


@pytest.mark.parametrize(
    "body, status, fragment",
    [
        (None, 400, "send JSON (Content-Type: application/json) like"),
        ([1, 2], 400, "send a JSON object like"),
        ({"code": 7}, 400, "token is required"),
        ({"token": "nope"}, 400, "token='nope' is not a commit_token"),
        ({"token": "bm9wZQ.bm9wZQ"}, 403, "not a commitment token this server issued"),
        ({"token": "x" * 500}, 400, "must have 1 to 400 characters"),
        ({"token": "TOKEN", "day": "soon"}, 400, "day='soon' is not a date"),
        ({"token": "TOKEN", "day": "2000-01-01"}, 409, "field 'day': '2000-01-01' is not what"),
        ({"token": "TOKEN", "set": "other"}, 409, "field 'set': 'other' is not what the token"),
        ({"token": "TOKEN", "volunteers": 50}, 400, "field 'volunteers' is not one this"),
    ],
)
def test_bad_commitments(montreal, body, status, fragment):
    if isinstance(body, dict) and body.get("token") == "TOKEN":
        answer = get(montreal, "/api/v1/recommend?lat=45.52&lon=-73.58&limit=1")
        body["token"] = answer["recommendations"][0]["commit_token"]
    response = (
        montreal.post("/api/v1/commitments", json=body)
        if body
        else montreal.post("/api/v1/commitments", data="x")
    )
    assert response.status_code == status
    assert fragment in response.get_json()["error"]["message"]


class FakeOsrm(BaseHTTPRequestHandler):
    """Answers OSRM's table service: 2 minutes per listed place, in order."""

    requests: list[str] = []

    def do_GET(self):
        FakeOsrm.requests.append(self.path)
        if "/table/v1/foot/" not in self.path:
            self.send_response(400)
            self.end_headers()
            self.wfile.write(json.dumps({"code": "InvalidQuery", "message": "no"}).encode())
            return
        places = self.path.split("/table/v1/foot/")[1].split("?")[0].split(";")
        body = {"code": "Ok", "durations": [[0.0] + [120.0 * i for i in range(1, len(places))]]}
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps(body).encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def osrm():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeOsrm)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    FakeOsrm.requests = []
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_osrm_router_contract(osrm):
    router = OsrmRouter(osrm)
    got = router.minutes((-2.1, 57.1), [(-2.0, 57.2), (-2.2, 57.3)], [100.0, 200.0], "walk")
    assert got == [2.0, 4.0]
    path = FakeOsrm.requests[0]
    assert path.startswith("/table/v1/foot/-2.100000,57.100000;-2.000000,57.200000;")
    assert "sources=0" in path and "annotations=duration" in path
    with pytest.raises(SourceUnavailable, match="InvalidQuery"):
        router.minutes((-2.1, 57.1), [(-2.0, 57.2)], [100.0], "drive")
    with pytest.raises(SourceUnavailable, match="no 'transit' profile"):
        router.minutes((-2.1, 57.1), [(-2.0, 57.2)], [100.0], "transit")
    with pytest.raises(SourceUnavailable, match="failed"):
        OsrmRouter("http://127.0.0.1:9").minutes((0, 0), [(1, 1)], [1.0], "walk")


def test_recommend_through_a_router_and_its_failure(backend, tmp_path, osrm):
    from tests.conftest import Cli, make_app

    app = make_app(backend, tmp_path, TURFMAP_ROUTER_URL=osrm)
    load_montreal(Cli(app))
    client = app.test_client()
    walk = get(client, "/api/v1/recommend?lat=45.52&lon=-73.58&mode=walk&limit=10")
    sources = {r["travel_source"] for r in walk["recommendations"]}
    assert sources == {"osrm"} and walk["note"] is None
    transit = get(client, "/api/v1/recommend?lat=45.52&lon=-73.58&mode=transit")
    assert {r["travel_source"] for r in transit["recommendations"]} == {"estimate"}
    assert transit["note"].startswith("Travel times are estimates: the OSRM router has no")


def test_sessions_with_free_places_and_rsvps_count_as_committed(app, montreal):
    from datetime import UTC, datetime, timedelta

    from tests.conftest import services_of
    from turfmap.store.models import CanvassSession, Rsvp
    from turfmap.store.queries import get_set

    point = get(montreal, "/api/v1/districts/101")["point"]
    now = datetime.now(UTC)
    with services_of(app).db.transaction() as session:
        set_id = get_set(session, "mtl").id

        def add(title, capacity, rsvps, status="approved", short_walks=False, start=now):
            item = CanvassSession(
                set_id=set_id,
                district_code="101",
                title=title,
                starts_at=start,
                ends_at=start + timedelta(hours=3),
                lon=point["lon"],
                lat=point["lat"],
                capacity=capacity,
                status=status,
                short_walks=short_walks,
                accessibility="Step-free meeting point" if short_walks else "",
            )
            item.rsvps = [Rsvp(name=f"v{i}", contact=f"v{i}@example.org") for i in range(rsvps)]
            session.add(item)

        add("Saturday doors", 5, 3)
        add("Full already", 2, 2)
        add("Awaiting approval", 10, 0, status="proposed")
        add("Short walks only", 4, 0, short_walks=True, start=now + timedelta(days=1))
    url = f"/api/v1/recommend?lat={point['lat']}&lon={point['lon']}&own_area=1"
    home = get(montreal, url)["district"]
    titles = {s["title"]: s["free_places"] for s in home["sessions"]}
    assert titles == {"Saturday doors": 2, "Short walks only": 4}
    # today's RSVPs (3 + 2) are volunteers already committed to the district
    assert home["why_parts"]["committed"] == 5
    short = get(montreal, url + "&short_walks=1")["district"]["sessions"]
    assert [s["title"] for s in short] == ["Short walks only"]


def test_board_columns_follow_the_index_and_commitments(uk_app):
    """The board's cached columns line up with the index they were asked for (a
    rebuilt index gets its own) and are rebuilt after a commitment."""
    import gc

    from turfmap.extensions import services
    from turfmap.spatial.index import SpatialIndex

    with uk_app.app_context():
        index, board = services().spatial.get(), services().board.get()
    slug = "westminster-2024"
    board = dataclasses.replace(board, districts=copy.deepcopy(board.districts))
    columns = board.columns(index, slug)
    assert columns.codes == [d.code for d in index.districts]
    for row, district in enumerate(index.districts):
        entry = board.get(slug, district.code)
        assert columns.entries[row] is entry
        assert columns.remaining[row] == entry.need.remaining

    small = SpatialIndex(index.districts[5:10], index.geometries[5:10])
    assert board.columns(small, slug).codes == columns.codes[5:10]
    assert len(board._aligned) == 2
    del small
    gc.collect()
    assert len(board._aligned) == 1  # weakly kept: gone with its index

    code = columns.codes[0]
    before = columns.remaining[0]
    board.commit(slug, code, volunteers=3)
    assert board.columns(index, slug).remaining[0] < before


@pytest.mark.parametrize("scale", [0.10, 0.20])
def test_margin_scale_setting_reaches_the_map_and_the_recommendations(backend, tmp_path, scale):
    """TURFMAP_MARGIN_SCALE sets how fast need falls with the margin, and the
    district JSON (read from the same need board) agrees with the recommendation."""
    from tests.conftest import Cli, make_app
    from turfmap.scoring.need import NeedWeights, baseline_need

    app = make_app(backend, tmp_path, TURFMAP_MARGIN_SCALE=scale)
    load_montreal(Cli(app))
    client = app.test_client()
    body = get(client, "/api/v1/recommend?lat=45.52&lon=-73.58&limit=10")
    # Beyond 5 points from a tie the two scales part: 0.10 gives 78 or less, 0.20 94.
    far = [r for r in body["recommendations"] if abs(r["margin"]) > 0.05]
    assert far, "expected a district more than 5 points from a tie near the origin"
    weights = NeedWeights(margin_scale=scale)
    for r in far:
        expected = baseline_need(r["margin"], r["why_parts"]["status"], weights=weights)
        assert r["need"] == pytest.approx(expected, abs=0.1)
        stored = get(client, f"/api/v1/districts/{r['code']}")["need"]["score"]
        assert stored == pytest.approx(expected, abs=0.1)


def test_a_bad_margin_scale_stops_start_up(monkeypatch):
    from turfmap import create_app

    monkeypatch.setenv("TURFMAP_MARGIN_SCALE", "20%")
    with pytest.raises(
        ValueError, match="TURFMAP_MARGIN_SCALE: a share of the vote between 0 and 1"
    ):
        create_app({"TESTING": True})


@pytest.mark.parametrize(
    "constraints",
    [
        dict(),
        dict(mode="drive", max_minutes=90, limit=20),  # 100+ seats within reach
        dict(mode="walk", max_minutes=30),
        dict(short_walks=True, limit=3),
    ],
)
def test_recommendations_are_the_best_of_everything_within_reach(uk_app, constraints):
    """Measuring best-first (service._best_within) gives exactly the ranking of every
    district worth a trip within reach, however many there are."""
    import numpy as np

    from turfmap.extensions import services
    from turfmap.recommend import service
    from turfmap.recommend.ranking import MIN_REMAINING, Constraints, rank
    from turfmap.travel.estimate import max_metres
    from turfmap.travel.router import EstimateRouter

    with uk_app.app_context():
        index, board = services().spatial.get(), services().board.get()
    slug, rules, router = "westminster-2024", Constraints(**constraints), EstimateRouter()
    columns = board.columns(index, slug)
    rng = np.random.default_rng(9)
    checked = 0
    for lon, lat in np.column_stack([rng.uniform(-3, 0, 60), rng.uniform(51, 54, 60)]):
        origin = service.Origin(float(lon), float(lat))
        everything = index.reach(
            origin.lon,
            origin.lat,
            max_metres(rules.max_minutes, rules.mode),
            set_slug=slug,
            mask=board.worth_a_trip(index, slug, MIN_REMAINING),
        )
        home = (index.district_at(origin.lon, origin.lat, slug) or [None])[0]
        trip = service._trip(router, everything, rules.mode)
        candidates = [
            (columns.codes[row], columns.place_value[row], columns.remaining[row], m, w)
            for row, m, w in zip(everything.rows, trip.minutes, trip.walking, strict=True)
        ]
        best = [candidates[p][0] for p, _ in rank(candidates, rules, home.code if home else None)]
        got = service.recommend(index, board, router, origin, rules)
        assert [r["code"] for r in got["recommendations"]] == best
        checked += bool(best)
    assert checked > 40

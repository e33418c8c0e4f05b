"""GET /api/v1/sessions?near=: sessions a volunteer could join near a postcode or
point, on Montreal's real districts, quickest first, with places and travel."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest import load_montreal, services_of
from tests.test_api_schemas import check
from turfmap.recommend.nearby import metres_from
from turfmap.store.models import CanvassSession
from turfmap.store.queries import get_set


@pytest.fixture
def montreal(app, cli):
    load_montreal(cli)
    return app


def point_of(client, code: str) -> dict:
    return client.get(f"/api/v1/districts/{code}").get_json()["point"]


def add_session(app, client, code: str, *, starts_in: timedelta = timedelta(days=1), **fields):
    point = point_of(client, code)
    start = datetime.now(UTC) + starts_in
    with services_of(app).db.transaction() as session:
        item = CanvassSession(
            set_id=get_set(session, "mtl").id,
            district_code=code,
            title=fields.pop("title", f"Doors in {code}"),
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            lon=point["lon"],
            lat=point["lat"],
            capacity=fields.pop("capacity", 10),
            status=fields.pop("status", "approved"),
            **fields,
        )
        session.add(item)
    return item.id


def farthest_from(client, code: str) -> str:
    features = client.get("/api/v1/sets/mtl/districts.geojson").get_json()["features"]
    codes = [f["properties"]["code"] for f in features if f["properties"]["code"] != code]
    points = [point_of(client, c) for c in codes]
    home = point_of(client, code)
    metres = metres_from(
        home["lon"], home["lat"], [p["lon"] for p in points], [p["lat"] for p in points]
    )
    return codes[int(metres.argmax())]


def listed(client, query: str) -> list[int]:
    answer = client.get(f"/api/v1/sessions?{query}")
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return [s["id"] for s in answer.get_json()["sessions"]]


def test_open_sessions_near_a_point_quickest_first(montreal):
    client = montreal.test_client()
    far_code = farthest_from(client, "101")
    far = add_session(montreal, client, far_code, short_walks=True)
    near = add_session(montreal, client, "101", starts_in=timedelta(days=3))
    # Not listed: not approved, already over, starting past the window.
    add_session(montreal, client, "101", status="pending")
    add_session(montreal, client, "101", starts_in=timedelta(hours=-3))
    later = add_session(montreal, client, "101", starts_in=timedelta(days=30))
    home = point_of(client, "101")
    at = f"near={home['lat']},{home['lon']}"

    document = client.get("/api/v1/openapi.json").get_json()
    answer = check(document, client, f"/api/v1/sessions?{at}")
    assert [s["id"] for s in answer["sessions"]] == [near, far]
    first, second = answer["sessions"]
    assert first["travel"]["straight_line_km"] == 0.0 and first["district"]["code"] == "101"
    assert second["district"]["code"] == far_code
    assert first["travel"]["minutes"] == 0 < second["travel"]["minutes"]  # at the door
    assert second["travel"]["straight_line_km"] > 10  # across the island
    assert answer["travel_source"] == "estimate" and answer["note"] is None
    assert first["free_places"] == 10 and first["page"] == f"/s/{near}"

    assert listed(client, f"{at}&days=60") == [near, later, far]  # at the door, then soonest
    assert listed(client, f"{at}&within_km=2") == [near]
    assert listed(client, f"{at}&short_walks=1") == [far]
    assert listed(client, f"{at}&limit=1") == [near]
    assert client.get(f"/api/v1/sessions?{at}&limit=1").get_json()["count"] == 2
    assert listed(client, f"{at}&set=mtl") == [near, far]


def test_a_full_session_leaves_the_list(montreal):
    client = montreal.test_client()
    only = add_session(montreal, client, "102", capacity=1)
    home = point_of(client, "102")
    at = f"near={home['lat']},{home['lon']}"
    assert listed(client, at) == [only]
    taken = client.post(
        f"/api/v1/sessions/{only}/rsvps",
        data=json.dumps({"name": "Sam", "contact": "sam@example.org"}),
        content_type="application/json",
    )
    assert taken.status_code == 201, taken.get_data(as_text=True)
    assert listed(client, at) == []


@pytest.mark.parametrize(
    "query, status, says",
    [
        ("", 400, "near"),
        ("near=", 400, "near"),
        ("near=somewhere", 400, "near='somewhere' is not a postcode"),
        ("near=95.1,-73.6", 400, "not a point on Earth"),
        ("near=45.5,-73.6&within_km=0", 400, "within_km"),
        ("near=45.5,-73.6&days=1000", 400, "days"),
        ("near=45.5,-73.6&mode=teleport", 400, "mode"),
        ("near=45.5,-73.6&set=atlantis", 404, "'atlantis' is not an active boundary set"),
        ("near=ZZ1%201ZZ", 404, "not in the postcode directory"),
    ],
)
def test_bad_questions_are_refused_by_name(montreal, query, status, says):
    answer = montreal.test_client().get(f"/api/v1/sessions?{query}")
    assert answer.status_code == status, answer.get_data(as_text=True)
    assert says in answer.get_json()["error"]["message"]

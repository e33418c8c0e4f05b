"""A district's need today has one owner, the need board, and every reader shows
its figure: recommendations, the map's GeoJSON and hexes, the district JSON and
page, point and postcode lookups. Served under a different need setting from the
one in force when the results were imported, they all still agree, for every
district of the UK set."""

from __future__ import annotations

import pytest

from tests.conftest import make_app, services_of
from turfmap.scoring.need import NeedWeights, baseline_need

SCALE = 0.03  # far from the default (0.10): the two rules part for most seats


@pytest.fixture(scope="module")
def rescaled(uk_app, backend, tmp_path_factory):
    """A second app on the UK database, serving at another margin scale."""
    app = make_app(
        backend,
        tmp_path_factory.mktemp("rescaled"),
        TURFMAP_DATABASE_URL=uk_app.config["TURFMAP_DATABASE_URL"],
        TURFMAP_DATABASE_SCHEMA=uk_app.config["TURFMAP_DATABASE_SCHEMA"],
        TURFMAP_MARGIN_SCALE=SCALE,
        TURFMAP_API_RATE_LIMIT=None,  # a request per district
    )
    yield app
    services_of(app).db.dispose()


def test_every_reader_shows_the_boards_need(rescaled):
    client = rescaled.test_client()
    board = services_of(rescaled).board.get()
    slug = "westminster-2024"
    expected = {
        code: round(e.need.score, 1) for (s, code), e in board.districts.items() if s == slug
    }
    assert len(expected) == 650
    weights = NeedWeights(margin_scale=SCALE)
    hendon = board.get(slug, "E14001279")
    assert hendon.need.score == pytest.approx(
        baseline_need(hendon.inputs.margin, hendon.inputs.status, weights=weights)
    )

    geojson = client.get(f"/api/v1/sets/{slug}/districts.geojson?zoom=5").get_json()
    assert {f["id"]: f["properties"]["need"] for f in geojson["features"]} == expected
    hexes = client.get(f"/api/v1/sets/{slug}/hexes.json").get_json()["hexes"]
    assert {h["code"]: h["need"] for h in hexes} == expected
    for code, score in expected.items():
        detail = client.get(f"/api/v1/districts/{code}").get_json()
        assert detail.get("need", {}).get("score") == score, (code, detail)

    firsts = [min(code for code in expected if code.startswith(nation)) for nation in "SWN"]
    points = [board.get(slug, c) for c in ("E14001279", *firsts)]
    index = services_of(rescaled).spatial.get()
    for entry in points:
        district = next(d for d in index.districts if d.code == entry.code)
        at = client.get(f"/api/v1/point?lat={district.point_lat}&lon={district.point_lon}")
        (found,) = at.get_json()["districts"]
        assert found["need"]["score"] == expected[entry.code]
        answer = client.get(
            f"/api/v1/recommend?lat={district.point_lat}&lon={district.point_lon}&limit=10"
        ).get_json()
        assert answer["district"]["need"] == expected[entry.code]
        for item in answer["recommendations"]:
            assert item["need"] == expected[item["code"]], item["code"]
    postcode = client.get("/api/v1/postcodes/AB10 1XG").get_json()
    for found in postcode["districts"]:
        assert found["need"]["score"] == expected[found["code"]]
    page = client.get("/d/E14001279").get_data(as_text=True)
    assert f"<strong>{round(expected['E14001279'])} / 100</strong>" in page


def test_a_worker_that_writes_still_sees_the_others_writes(app, cli, backend, tmp_path):
    """Two workers on one database. Each records a commitment for the same
    district, the second just after the first: both then count both. (A worker
    that recorded one used to adopt the store's freshness token without a
    rebuild, and so never saw the write made just before its own.)"""
    from datetime import date

    from tests.conftest import load_montreal

    load_montreal(cli)
    config = {
        "TURFMAP_DATABASE_URL": app.config["TURFMAP_DATABASE_URL"],
        "TURFMAP_DATABASE_SCHEMA": app.config["TURFMAP_DATABASE_SCHEMA"],
    }
    other = make_app(backend, tmp_path / "other", **config)
    workers = [app, other]
    code, day = "101", None
    for worker in workers:
        board = services_of(worker).board.get()  # each holds a board before the writes
        day = board.day
        assert board.get("mtl", code).need.committed == 0
    for worker in workers:
        token = services_of(worker).tokens.issue("mtl", code, date.fromisoformat(day.isoformat()))
        response = worker.test_client().post("/api/v1/commitments", json={"token": token})
        assert response.status_code == 201, response.get_json()
    for worker in workers:
        assert services_of(worker).board.get().get("mtl", code).need.committed == 2
    services_of(other).db.dispose()

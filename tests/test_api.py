"""The minimal JSON API over the UK seats: shapes, caching and refused queries."""

from __future__ import annotations

import gzip
import json

import pytest


@pytest.fixture
def client(uk_app):
    return uk_app.test_client()


def test_district_json_and_geojson(client):
    hendon = client.get("/api/v1/districts/E14001279").get_json()
    assert hendon["name"] == "Hendon" and hendon["set"] == "westminster-2024"
    assert hendon["result"]["majority"] == 15 and hendon["result"]["winner"] == "Lab"
    assert hendon["need"]["source"] == "computed" and hendon["need"]["score"] > 99
    assert 10 < hendon["area_km2"] < 40
    feature = client.get("/api/v1/districts/E14001279.geojson")
    assert feature.mimetype == "application/geo+json"
    body = feature.get_json()
    assert body["type"] == "Feature" and body["geometry"]["type"] == "MultiPolygon"
    assert body["properties"]["code"] == "E14001279"


def test_whole_country_band_is_small(client):
    response = client.get("/api/v1/sets/westminster-2024/districts.geojson?zoom=5")
    assert response.status_code == 200
    body = response.get_json()
    assert body["band"] == "country" and len(body["features"]) == 650
    hendon = next(f for f in body["features"] if f["id"] == "E14001279")
    assert hendon["properties"]["majority"] == 15 and hendon["properties"]["need"] > 99
    assert len(gzip.compress(response.data)) <= 250 * 1024


def test_bbox_and_zoom_choose_band_and_features(client):
    box = "-2.2,57.1,-2.0,57.2"  # Aberdeen
    region = client.get(f"/api/v1/sets/westminster-2024/districts.geojson?zoom=9&bbox={box}")
    assert region.get_json()["band"] == "region"
    full = client.get(f"/api/v1/sets/westminster-2024/districts.geojson?zoom=15&bbox={box}")
    codes = {f["id"] for f in full.get_json()["features"]}
    assert full.get_json()["band"] == "full"
    assert {"S14000060", "S14000061"} <= codes and len(codes) < 10


def test_street_zoom_over_the_whole_country_gets_the_finest_band_and_says_so(client):
    answer = client.get("/api/v1/sets/westminster-2024/districts.geojson?zoom=16").get_json()
    assert answer["band"] == "local" and len(answer["features"]) == 650


def test_a_map_view_past_the_worlds_edge_or_across_the_antimeridian(client):
    """Leaflet's bounds run past 180 degrees at low zooms; west beyond east crosses
    the antimeridian (RFC 7946): neither is an error."""
    url = "/api/v1/sets/westminster-2024/districts.geojson?zoom=3&bbox="
    world = client.get(url + "-540,-100,540,100").get_json()
    assert len(world["features"]) == 650
    wrapped = client.get(url + "357.5,57.1,358,57.2").get_json()  # Aberdeen, one world east
    assert {"S14000060", "S14000061"} <= {f["id"] for f in wrapped["features"]}
    across = client.get(url + "170,50,-1,60").get_json()  # from 170E east to 1W
    assert "S14000061" in {f["id"] for f in across["features"]}
    swapped = client.get(url + "-2.2,57.2,-2.0,57.1").get_json()
    assert {f["id"] for f in swapped["features"]} >= {"S14000060", "S14000061"}


def test_geometry_responses_are_cacheable(client):
    url = "/api/v1/sets/westminster-2024/districts.geojson?zoom=5"
    first = client.get(url)
    assert first.headers["ETag"] and "max-age=300" in first.headers["Cache-Control"]
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


@pytest.mark.parametrize(
    "url, status, fragment",
    [
        ("/api/v1/point?lon=-2.1", 400, "lat is required"),
        ("/api/v1/point?lat=abc&lon=-2.1", 400, "lat='abc' is not a number"),
        ("/api/v1/point?lat=91&lon=0", 400, "lat=91 is out of range"),
        ("/api/v1/point?lat=57&lon=181", 400, "lon=181 is out of range"),
        ("/api/v1/point?lat=nan&lon=0", 400, "lat=nan is out of range"),
        ("/api/v1/sets/westminster-2024/districts.geojson?bbox=1,2,3", 400, "four numbers"),
        ("/api/v1/sets/westminster-2024/districts.geojson?bbox=3,2,1,4e3", 400, "four numbers"),
        ("/api/v1/sets/westminster-2024/districts.geojson?bbox=", 400, "bbox is empty"),
        ("/api/v1/point?lat=57&lon=-2&lat=58", 400, "'lat' is given 2 times"),
        ("/api/v1/sets/westminster-2024/districts.geojson?zoom=99", 400, "zoom=99"),
        ("/api/v1/sets/nowhere/districts.geojson", 404, "no boundary set 'nowhere'"),
        ("/api/v1/districts/NOPE", 404, "no district with code 'NOPE'"),
        ("/api/v1/districts/NOPE.geojson", 404, "no district with code 'NOPE'"),
        ("/api/v1/no-such-endpoint", 404, "not found"),
    ],
)
def test_bad_requests_get_json_errors(client, url, status, fragment):
    response = client.get(url)
    assert response.status_code == status
    error = response.get_json()["error"]
    assert fragment.lower() in error["message"].lower() and error["code"]


def test_point_at_sea_finds_nothing(client):
    assert client.get("/api/v1/point?lat=56.5&lon=1.0").get_json()["districts"] == []


def test_healthz(client):
    assert client.get("/healthz").get_json() == {
        "status": "ok",
        "districts_indexed": 650,
        "sets": ["westminster-2024"],
    }


def test_names_are_data_not_markup(app, cli, tmp_path):
    feature = {
        "type": "Feature",
        "geometry": {
            "type": "Polygon",
            "coordinates": [[[-2, 53], [-1, 53], [-1, 54], [-2, 54], [-2, 53]]],
        },
        "properties": {"code": "X1", "name": "<script>alert(1)</script>"},
    }
    path = tmp_path / "x.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    cli.ok("import", "boundaries", path, "--set", "x", "--commit")
    cli.ok("generations", "activate", "x")
    response = app.test_client().get("/api/v1/districts/X1")
    assert response.mimetype == "application/json"
    assert response.get_json()["name"] == "<script>alert(1)</script>"

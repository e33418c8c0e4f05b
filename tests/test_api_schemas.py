"""Real answers meet the schemas the OpenAPI document states: every one of the 650
seats' district pages and GeoJSON features, every map band, hexes, postcodes and
recommendations from real places, validated with jsonschema (the document's
OpenAPI 3.0 schemas read as JSON Schema: ``nullable`` becomes a null type)."""

from __future__ import annotations

import re

import jsonschema
import pytest

UK_PATHS = [
    "/api/v1/sets",
    "/api/v1/point?lat=51.5865&lon=-0.247",
    "/api/v1/postcodes/AB10%201XG",
    "/api/v1/places?q=Hendon",
    "/api/v1/sets/westminster-2024/hexes.json",
    "/api/v1/recommend?postcode=AB10%201XG&limit=50",
    "/api/v1/recommend?lat=54.7761&lon=-1.5733&mode=drive&max_minutes=90",
    "/api/v1/recommend?lat=51.5865&lon=-0.247&own_area=1",
    "/api/v1/recommend?lat=56.0&lon=-4.0&mode=walk&max_minutes=5",
    "/api/v1/recommend?lat=59.5&lon=-12.0",  # at sea: the nearest, with a note
]


def as_json_schema(schema):
    """OpenAPI 3.0's dialect to JSON Schema: nullable and $ref into definitions."""
    if isinstance(schema, list):
        return [as_json_schema(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    converted = {}
    for key, value in schema.items():
        if key == "$ref":
            converted["$ref"] = value.replace("#/components/schemas/", "#/definitions/")
        elif key != "nullable":
            converted[key] = as_json_schema(value)
    if schema.get("nullable"):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


@pytest.fixture
def client(uk_app):
    """A client past the API's rate limit (650 pages in a minute is past it)."""
    saved = uk_app.config["TURFMAP_API_RATE_LIMIT"]
    uk_app.config["TURFMAP_API_RATE_LIMIT"] = None
    yield uk_app.test_client()
    uk_app.config["TURFMAP_API_RATE_LIMIT"] = saved


@pytest.fixture(scope="module")
def document(uk_app):
    return uk_app.test_client().get("/api/v1/openapi.json").get_json()


def check(document, client, url: str, method: str = "get") -> dict:
    answer = client.get(url)
    assert answer.status_code == 200, (url, answer.get_data(as_text=True)[:300])
    template = url.split("?")[0]
    for path in sorted(document["paths"], key=len, reverse=True):
        pattern = "^" + path.replace("{", "(?P<").replace("}", ">[^/]+?)") + "$"
        if re.match(pattern, template):
            break
    else:
        raise AssertionError(f"{url} is not in the document")
    content = document["paths"][path][method]["responses"]["200"]["content"]
    schema = next(iter(content.values()))["schema"]
    definitions = as_json_schema(document["components"]["schemas"])
    body = answer.get_json(force=True)
    jsonschema.validate(body, as_json_schema(schema) | {"definitions": definitions})
    return body


@pytest.mark.parametrize("url", UK_PATHS)
def test_answers_meet_their_schema(document, client, url):
    check(document, client, url)


@pytest.mark.slow  # 650 district pages
def test_every_seat_and_every_band_meets_its_schema(document, client):
    codes = [
        f["id"]
        for f in check(document, client, "/api/v1/sets/westminster-2024/districts.geojson")[
            "features"
        ]
    ]
    assert len(codes) == 650
    for zoom in (9, 12):
        check(document, client, f"/api/v1/sets/westminster-2024/districts.geojson?zoom={zoom}")
    check(
        document,
        client,
        "/api/v1/sets/westminster-2024/districts.geojson?zoom=15&bbox=-0.3,51.5,-0.2,51.6",
    )
    for code in codes:
        check(document, client, f"/api/v1/districts/{code}")
    for code in codes[::25]:
        check(document, client, f"/api/v1/districts/{code}.geojson")


def test_a_broken_answer_is_caught(document, uk_app):
    """The check itself bites: a district page without its need is refused."""
    body = uk_app.test_client().get("/api/v1/districts/E14001279").get_json()
    del body["need"]
    schema = as_json_schema(document["components"]["schemas"]["DistrictPage"])
    definitions = as_json_schema(document["components"]["schemas"])
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(body, schema | {"definitions": definitions})

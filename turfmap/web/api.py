"""JSON API, /api/v1. Views parse, call one lookup function, serialize."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from flask import Blueprint, current_app

from turfmap import lookup
from turfmap.extensions import map_state, services
from turfmap.geometry.bands import FULL_DETAIL_DECIMALS
from turfmap.geometry.geojson import geojson_geometry
from turfmap.web import params, schemas
from turfmap.web.clock import board, today
from turfmap.web.declare import Operation, declared, number, text
from turfmap.web.openapi import document as openapi_document
from turfmap.web.payloads import GEOJSON, Payload, map_data_response

api = Blueprint("api", __name__, url_prefix="/api/v1")

# A code or slug in the path: anything but a slash or NUL (the edge refuses NUL).
KEY = re.compile(r"^[^/\x00]{1,64}$")
LAT = number("lat", -90, 90, required=True, example=51.5865)
LON = number("lon", -180, 180, required=True, example=-0.247)
CODE = text("code", max_length=64, pattern=KEY, example="E14001279")
SLUG = text("slug", max_length=64, pattern=KEY, example="westminster-2024")
NOT_FOUND = {404: "No such thing (the message says which)"}
CACHED = {
    304: "Not modified since the ETag sent in If-None-Match",
    **NOT_FOUND,
}
ETAG = {"ETag": {"description": "Names the content", "schema": {"type": "string"}}}


@api.get("/openapi.json")
@declared(Operation("This document", schemas.DOCUMENT))
def openapi():
    return openapi_document(current_app)


@api.get("/sets")
@declared(Operation("Boundary sets and their active generations", schemas.SETS))
def sets():
    with services().reads.session() as session:
        return {"sets": lookup.list_sets(session)}


@api.get("/point")
@declared(
    Operation("Districts containing a point, in every active set", schemas.POINT, query=(LAT, LON))
)
def point(lat: float, lon: float):
    index = services().spatial.get()
    with services().reads.session() as session:
        found = lookup.districts_at_point(session, index, board(), lon, lat)
    return {"point": {"lat": lat, "lon": lon}, "districts": found}


@api.get("/districts/<code>")
@declared(
    Operation(
        "A district: result, need, history, sessions, wards",
        schemas.ref("DistrictPage"),
        path=(CODE,),
        errors=NOT_FOUND,
    )
)
def district(code: str):
    with services().reads.session() as session:
        return lookup.district_page(session, board(), code, datetime.now(UTC))


@api.get("/districts/<code>.geojson")
@declared(
    Operation(
        "A district as a GeoJSON Feature, at full detail",
        schemas.DISTRICT_FEATURE,
        path=(CODE,),
        content=GEOJSON,
        errors=CACHED,
        headers=ETAG,
    )
)
def district_geojson(code: str):
    with services().reads.session() as session:
        summary, geometry = lookup.district_detail(session, board(), code)
    feature = {
        "type": "Feature",
        "id": code,
        "properties": summary,
        "geometry": geojson_geometry(geometry, FULL_DETAIL_DECIMALS),
    }
    return map_data_response(feature)


BBOX = text(
    "bbox",
    max_length=80,
    pattern=re.compile(r"^-?[0-9]{1,3}(\.[0-9]{1,10})?(,-?[0-9]{1,3}(\.[0-9]{1,10})?){3}$"),
    expected="four numbers: west,south,east,north",
    description="west,south,east,north in degrees. A side past the world's edge is "
    "kept within it; west beyond east crosses the antimeridian (RFC 7946); the "
    "latitudes may come in either order",
    example="-0.3,51.5,-0.2,51.6",
)


@api.get("/sets/<slug>/districts.geojson")
@declared(
    Operation(
        "A set's districts simplified for a map zoom, optionally in a box",
        schemas.SET_FEATURES,
        path=(SLUG,),
        query=(number("zoom", 0, 22, description="the map's zoom: picks the detail"), BBOX),
        content=GEOJSON,
        errors=CACHED | {409: "The set has no active generation"},
        headers=ETAG,
    )
)
def set_districts(slug: str, zoom: float | None, bbox: str | None):
    boxes = params.bbox({"bbox": bbox})
    index, need_board = services().spatial.get(), board()
    # Shapes change only when a generation is activated and properties only when
    # needs or results change: the versions this worker holds say when, and the
    # payload is reused with no query at all.
    key = (slug, zoom, boxes, today(), map_state(services()))
    payload = services().answers.get(key)
    if payload is None:
        with services().reads.session() as session:
            found = lookup.set_features(session, index, need_board, slug, zoom, boxes)
        collection = {
            "type": "FeatureCollection",
            "band": found["band"],
            "features": found["features"],
        }
        payload = services().answers.put(key, Payload.of(collection))
    return map_data_response(payload)


@api.get("/sets/<slug>/hexes.json")
@declared(
    Operation(
        "A set's hex cartogram layout",
        schemas.HEXES,
        path=(SLUG,),
        errors=CACHED,
        headers=ETAG,
    )
)
def set_hexes(slug: str):
    index, need_board = services().spatial.get(), board()
    # As the boundaries' GeoJSON: reused while the versions held say nothing changed.
    key = ("hexes", slug, today(), map_state(services()))
    payload = services().answers.get(key)
    if payload is None:
        with services().reads.session() as session:
            layout = lookup.set_hexes(session, index, need_board, slug)
        payload = services().answers.put(key, Payload.of(layout))
    return map_data_response(payload, mimetype="application/json")


# At least two characters besides spaces, and no NUL.
_PLACE = re.compile(r"^[^\x00]*[^\s\x00][^\x00]*[^\s\x00][^\x00]*$")


@api.get("/places")
@declared(
    Operation(
        "Districts whose name contains q (place search)",
        schemas.PLACES,
        query=(
            text(
                "q",
                max_length=100,
                pattern=_PLACE,
                expected="at least two characters besides spaces",
                required=True,
                example="Hendon",
            ),
        ),
    )
)
def places(q: str):
    return {"places": lookup.find_places(services().spatial.get(), q)}

"""JSON API, /api/v1. Views parse, call one lookup function, serialize."""

from __future__ import annotations

import gzip
import hashlib
from datetime import UTC, datetime

from flask import Blueprint, Response, request

from turfmap import lookup
from turfmap.extensions import services
from turfmap.geometry.bands import FULL_DETAIL_DECIMALS
from turfmap.geometry.geojson import geojson_geometry
from turfmap.web import params
from turfmap.web.clock import board, today
from turfmap.web.json_provider import dumps_bytes
from turfmap.web.openapi import document as openapi_document

api = Blueprint("api", __name__, url_prefix="/api/v1")


@api.get("/openapi.json")
def openapi():
    return openapi_document()


@api.get("/sets")
def sets():
    with services().db.session() as session:
        return {"sets": lookup.list_sets(session)}


@api.get("/point")
def point():
    lat = params.number(request.args, "lat", low=-90, high=90)
    lon = params.number(request.args, "lon", low=-180, high=180)
    index = services().spatial.get()
    with services().db.session() as session:
        found = lookup.districts_at_point(session, index, board(), lon, lat)
    return {"point": {"lat": lat, "lon": lon}, "districts": found}


@api.get("/districts/<code>")
def district(code: str):
    with services().db.session() as session:
        return lookup.district_page(session, board(), code, datetime.now(UTC))


@api.get("/districts/<code>.geojson")
def district_geojson(code: str):
    with services().db.session() as session:
        summary, geometry = lookup.district_detail(session, board(), code)
    feature = {
        "type": "Feature",
        "id": code,
        "properties": summary,
        "geometry": geojson_geometry(geometry, FULL_DETAIL_DECIMALS),
    }
    return geojson_response(feature)


@api.get("/sets/<slug>/districts.geojson")
def set_districts(slug: str):
    zoom = params.number(request.args, "zoom", low=0, high=22, required=False)
    box = params.bbox(request.args)
    index = services().spatial.get()
    with services().db.session() as session:
        # Shapes change only when a generation is activated and properties only when
        # needs or results change: the token says when, and the payload is reused.
        key = (slug, zoom, box, today(), lookup.map_state(session))
        payload = services().geojson.get(key)
        if payload is None:
            found = lookup.set_features(session, index, board(), slug, zoom, box)
            collection = {
                "type": "FeatureCollection",
                "band": found["band"],
                "features": found["features"],
            }
            payload = services().geojson.put(key, Payload(_dumps(collection)))
    return geojson_response(payload)


@api.get("/sets/<slug>/hexes.json")
def set_hexes(slug: str):
    index = services().spatial.get()
    with services().db.session() as session:
        return lookup.set_hexes(session, index, board(), slug)


@api.get("/places")
def places():
    query = request.args.get("q", "")
    return {"places": lookup.find_places(services().spatial.get(), query)}


def _dumps(body: dict) -> bytes:
    return dumps_bytes(body)


class Payload:
    """Serialised GeoJSON with its ETag, gzipped once on first demand."""

    def __init__(self, data: bytes):
        self.data = data
        self.etag = hashlib.sha1(data).hexdigest()
        self._gzipped: bytes | None = None

    @property
    def gzipped(self) -> bytes:
        if self._gzipped is None:
            self._gzipped = gzip.compress(self.data, 6)
        return self._gzipped


def geojson_response(body: dict | Payload) -> Response:
    """GeoJSON with an ETag, so a map panning back and forth re-downloads nothing."""
    payload = body if isinstance(body, Payload) else Payload(_dumps(body))
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        response = Response(payload.gzipped, mimetype="application/geo+json")
        response.headers["Content-Encoding"] = "gzip"
        response.vary.add("Accept-Encoding")
        response.set_etag(payload.etag, weak=True)  # names the content, not these bytes
    else:
        response = Response(payload.data, mimetype="application/geo+json")
        response.set_etag(payload.etag)
    response.cache_control.public = True
    response.cache_control.max_age = 300
    return response.make_conditional(request)

"""The OpenAPI 3 document for /api/v1. A test compares it with the app's routes, so
an endpoint added without documentation fails the suite."""

from __future__ import annotations

from turfmap.travel.estimate import DEFAULT_MAX_MINUTES, DEFAULT_MODE, MAX_MINUTES_RANGE, MODES

LAT = {"name": "lat", "in": "query", "schema": {"type": "number", "minimum": -90, "maximum": 90}}
LON = {"name": "lon", "in": "query", "schema": {"type": "number", "minimum": -180, "maximum": 180}}
CODE = {"name": "code", "in": "path", "required": True, "schema": {"type": "string"}}
SLUG = {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}
SESSION = {"name": "session_id", "in": "path", "required": True, "schema": {"type": "integer"}}
ERROR = {
    "description": 'Bad input or unknown thing: {"error": {"code", "message"}}',
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}
RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before trying again",
        "schema": {"type": "integer"},
    }
}
# What any operation may answer, besides its own statuses.
EVERY_OPERATION = {
    "414": ERROR | {"description": "The address is longer than 4,096 characters"},
    "429": ERROR
    | {
        "description": "Past a rate limit for this client address (TURFMAP_API_RATE_LIMIT, "
        "and for writes their own limits)",
        "headers": RETRY_AFTER,
    },
    "503": ERROR
    | {"description": "The database cannot be reached just now", "headers": RETRY_AFTER},
}


def _get(summary: str, parameters: list, content: str = "application/json") -> dict:
    return {
        "get": {
            "summary": summary,
            "parameters": parameters,
            "responses": {
                "200": {"description": "OK", "content": {content: {}}},
                "400": ERROR,
                "404": ERROR,
                **EVERY_OPERATION,
            },
        }
    }


def _post(
    summary: str,
    parameters: list,
    properties: dict,
    *,
    required: list[str],
    created: str,
    conflict: str | None = None,
) -> dict:
    """A JSON-body write answering 201, with the errors it can give."""
    responses = {
        "201": {"description": created},
        "400": ERROR,
        "404": ERROR,
        "413": ERROR | {"description": "The body is larger than 16 KB"},
        **EVERY_OPERATION,
    }
    if conflict:
        responses["409"] = ERROR | {"description": conflict}
    body = {"type": "object", "required": required, "properties": properties}
    return {
        "post": {
            "summary": summary,
            "parameters": parameters,
            "requestBody": {"required": True, "content": {"application/json": {"schema": body}}},
            "responses": responses,
        }
    }


def document() -> dict:
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "turfmap API",
            "version": "1",
            "description": "Where volunteers' canvassing matters most. GET endpoints "
            "allow any origin (CORS).",
        },
        "paths": _lookup_paths() | _volunteer_paths(),
        "components": {"schemas": {"Error": ERROR_SCHEMA}},
    }


ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
        }
    },
}


def _lookup_paths() -> dict:
    """Read-only: sets, districts, places, map layers."""
    return {
        "/api/v1/sets": _get("Boundary sets and their active generations", []),
        "/api/v1/point": _get(
            "Districts containing a point, in every active set",
            [LAT | {"required": True}, LON | {"required": True}],
        ),
        "/api/v1/postcodes/{postcode}": _get(
            "A postcode's location and districts",
            [{"name": "postcode", "in": "path", "required": True, "schema": {"type": "string"}}],
        ),
        "/api/v1/places": _get(
            "Districts whose name contains q (place search)",
            [
                {
                    "name": "q",
                    "in": "query",
                    "required": True,
                    "schema": {"type": "string", "minLength": 2},
                }
            ],
        ),
        "/api/v1/districts/{code}": _get(
            "A district: result, need, history, sessions, wards", [CODE]
        ),
        "/api/v1/districts/{code}.geojson": _get(
            "A district as a GeoJSON Feature", [CODE], "application/geo+json"
        ),
        "/api/v1/sets/{slug}/districts.geojson": _get(
            "A set's districts simplified for a map zoom, optionally in a box",
            [
                SLUG,
                {"name": "zoom", "in": "query", "schema": {"type": "number"}},
                {
                    "name": "bbox",
                    "in": "query",
                    "description": "west,south,east,north",
                    "schema": {"type": "string"},
                },
            ],
            "application/geo+json",
        ),
        "/api/v1/sets/{slug}/hexes.json": _get("A set's hex cartogram layout", [SLUG]),
        "/api/v1/openapi.json": _get("This document", []),
    }


def _volunteer_paths() -> dict:
    """Recommendations, commitments and sessions."""
    return {
        "/api/v1/recommend": _get(
            "The origin's district and a ranked list of districts, each with its reason, "
            "travel time and sessions with free places",
            [
                {"name": "postcode", "in": "query", "schema": {"type": "string"}},
                LAT,
                LON,
                {
                    "name": "mode",
                    "in": "query",
                    "schema": {"enum": list(MODES), "default": DEFAULT_MODE},
                },
                {
                    "name": "max_minutes",
                    "in": "query",
                    "schema": {
                        "type": "number",
                        "minimum": MAX_MINUTES_RANGE[0],
                        "maximum": MAX_MINUTES_RANGE[1],
                        "default": DEFAULT_MAX_MINUTES,
                    },
                },
                {
                    "name": "limit",
                    "in": "query",
                    "schema": {"type": "integer", "minimum": 1, "maximum": 50, "default": 5},
                },
                {"name": "own_area", "in": "query", "schema": {"type": "boolean"}},
                {"name": "short_walks", "in": "query", "schema": {"type": "boolean"}},
                {
                    "name": "set",
                    "in": "query",
                    "description": "a boundary set; without it, the active top-level set "
                    "covering the origin (404 not_covered where none does)",
                    "schema": {"type": "string"},
                },
            ],
        ),
        "/api/v1/commitments": _post(
            "Accept a recommendation: one volunteer for a district today. The token is the "
            "commit_token of a district in a recommendation, valid on the campaign day it "
            "was issued and counted once",
            [],
            {
                "token": {"type": "string", "maxLength": 400},
                "code": {"type": "string", "description": "if sent, the token's district"},
                "set": {"type": "string", "description": "if sent, the token's set"},
                "day": {"type": "string", "format": "date", "description": "if sent, today"},
            },
            required=["token"],
            created="Stored; the remaining need is returned",
            conflict="This token was used already (already_used)",
        ),
        "/api/v1/sessions/{session_id}": _get(
            "An approved canvassing session with its free places", [SESSION]
        ),
        "/api/v1/sessions/{session_id}/rsvps": _post(
            "Take a place at a session (refused when full or already booked)",
            [SESSION],
            {
                "name": {"type": "string", "maxLength": 100},
                "contact": {"type": "string", "description": "An email address or phone number"},
            },
            required=["name", "contact"],
            created="A place is taken; places_left is returned",
            conflict="Full, ended, or this contact is booked",
        ),
    }

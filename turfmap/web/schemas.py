"""What the API answers, as OpenAPI 3.0 schemas: the document's components, which
the operations' declarations name and which the generated-request run and
tests/test_api_schemas.py check real answers against."""

from __future__ import annotations

STRING = {"type": "string"}
NUMBER = {"type": "number"}
INTEGER = {"type": "integer"}
BOOLEAN = {"type": "boolean"}
DATE = {"type": "string", "format": "date"}
TIME = {"type": "string", "format": "date-time"}


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: dict) -> dict:
    return schema | {"nullable": True}


def listing(items: dict) -> dict:
    return {"type": "array", "items": items}


def record(properties: dict, *, optional: tuple[str, ...] = ()) -> dict:
    """An object with these properties, all of them always present but ``optional``."""
    required = [name for name in properties if name not in optional]
    return {"type": "object", "required": required, "properties": properties}


LATLON = record({"lat": NUMBER, "lon": NUMBER})

ERROR = record({"error": record({"code": STRING, "message": STRING})})

RESULT = record(
    {
        "election": STRING,
        "winner": nullable(STRING),
        "runner_up": nullable(STRING),
        "majority": nullable(INTEGER),
        "electorate": nullable(INTEGER),
        "valid_votes": nullable(INTEGER),
        "turnout": nullable(NUMBER),
        "target_party": nullable(STRING),
        "target_margin": NUMBER,
        "target_status": {"type": "string", "enum": ["hold", "gain", "absent"]},
        "votes": {"type": "object", "additionalProperties": INTEGER},
        # Worked out from the lines before a redraw (pipeline/notional.py), and from
        # what; null for a result as published.
        "notional_from": nullable(STRING),
    }
)

CAPACITY = {
    "capacity": INTEGER,
    "capacity_source": {
        "type": "string",
        "enum": ["coordinator", "estimate"],
        "description": "coordinator: a daily capacity set for the district; estimate: "
        "worked out from capacity_basis (TURFMAP_PLACES_PER_1000_ELECTORS)",
    },
    "capacity_basis": STRING,
    "contest": nullable(STRING),
    "committed": INTEGER,
    "stale_override": BOOLEAN,
}

NEED = record(
    {
        "score": NUMBER,
        "remaining": NUMBER,
        **CAPACITY,
        "source": {"type": "string", "enum": ["computed", "coordinator"]},
        "reason": STRING,
        "author": STRING,
        "updated": nullable(STRING),
        "expires": nullable(DATE),
    }
)

DISTRICT = record(
    {
        "code": STRING,
        "name": STRING,
        "name_alt": nullable(STRING),
        "set": STRING,
        "parent_code": nullable(STRING),
        "area_km2": NUMBER,
        "point": LATLON,
        "result": nullable(ref("Result")),
        "need": nullable(ref("Need")),
    }
)

# A session as a recommendation offers it: where, when and how many places are free;
# its own page (SESSION) adds its district and how many are taken.
_OFFERED = {
    "id": INTEGER,
    "title": STRING,
    "starts_at": TIME,
    "ends_at": TIME,
    "lat": NUMBER,
    "lon": NUMBER,
    "free_places": INTEGER,
    "capacity": INTEGER,
    "accessibility": STRING,
    "contact": STRING,
}
OFFER = record(_OFFERED)
SESSION = record(
    _OFFERED
    | {
        "district": record({"set": STRING, "code": STRING, "name": STRING}),
        "taken": INTEGER,
        "short_walks": BOOLEAN,
    }
)

DISTRICT_PAGE = {
    "allOf": [
        ref("District"),
        record(
            {
                "set_name": STRING,
                "children": listing(record({"code": STRING, "name": STRING})),
                # Where the district came from (pipeline/crosswalk.py): null for a
                # set's first generation.
                "boundary_change": nullable(
                    record(
                        {
                            "outline": {"type": "string", "enum": ["same", "changed", "new"]},
                            "from_generation": INTEGER,
                            "predecessors": listing(
                                record(
                                    {
                                        "code": STRING,
                                        "name": nullable(STRING),
                                        "area_share": NUMBER,
                                        "people_share": nullable(NUMBER),
                                    }
                                )
                            ),
                        }
                    )
                ),
                "need_history": listing(
                    record(
                        {
                            "score": NUMBER,
                            "source": STRING,
                            "reason": STRING,
                            "author": STRING,
                            "created": TIME,
                            "expires": nullable(DATE),
                        }
                    )
                ),
                "sessions": listing(ref("Session")),
                "contact": nullable(ref("Contact")),
            }
        ),
    ]
}

WHY_PARTS = record(
    {
        "need": NUMBER,
        "remaining_need": NUMBER,
        "need_source": STRING,
        "reason": STRING,
        "margin": nullable(NUMBER),
        "status": nullable(STRING),
        "holder": nullable(STRING),
        "majority": nullable(INTEGER),
        **CAPACITY,
        "data_age_days": nullable(INTEGER),
        "travel_minutes": INTEGER,
        "travel_source": STRING,
    }
)

# What the origin's own district and each recommended one share.
_CHOSEN = {
    "code": STRING,
    "name": STRING,
    "holder": nullable(STRING),
    "majority": nullable(INTEGER),
    "need": NUMBER,
    "remaining_need": NUMBER,
    "why": STRING,
    "why_parts": ref("WhyParts"),
    "sessions": listing(ref("Offer")),
    "contact": nullable(ref("Contact")),
    "commit_token": {
        "type": "string",
        "description": "send it to POST /api/v1/commitments to accept this district",
    },
}

RECOMMENDED = record(
    _CHOSEN
    | {
        "set": STRING,
        "margin": nullable(NUMBER),
        "travel_minutes": NUMBER,
        "travel_source": STRING,
        "distance_km": NUMBER,
        "score": NUMBER,
    }
)

HOME = {
    "oneOf": [
        record(_CHOSEN),
        record(
            {"code": STRING, "name": STRING, "need": {"type": "number", "nullable": True}},
        )
        | {"description": "a district with no need recorded", "additionalProperties": False},
    ]
}

RECOMMENDATION = record(
    {
        "origin": record({"lat": NUMBER, "lon": NUMBER, "postcode": nullable(STRING)}),
        "set": STRING,
        "day": DATE,
        "constraints": record(
            {
                "mode": STRING,
                "max_minutes": NUMBER,
                "limit": INTEGER,
                "own_area_only": BOOLEAN,
                "short_walks": BOOLEAN,
            }
        ),
        "district": nullable(ref("Home")),
        "recommendations": listing(ref("Recommended")),
        "note": nullable(STRING),
    }
)
# GET /api/v1/sessions?near=: sessions as their own page shows them, with the trip.
NEARBY_SESSION = {
    "allOf": [
        ref("Session"),
        record(
            {
                "travel": record(
                    {
                        "straight_line_km": NUMBER,
                        "minutes": {
                            **nullable(INTEGER),
                            "description": "door to door, from travel_source; null where "
                            "the router found no route",
                        },
                    }
                ),
                "page": STRING,
            }
        ),
    ]
}
NEARBY_SESSIONS = record(
    {
        "origin": record({"lat": NUMBER, "lon": NUMBER, "postcode": nullable(STRING)}),
        "within_km": NUMBER,
        "from": TIME,
        "until": TIME,
        "mode": STRING,
        "travel_source": {
            "type": "string",
            "description": "'estimate' (from the straight-line distance, by mode) or the router",
        },
        "note": nullable(STRING),
        "count": {
            **INTEGER,
            "description": "open sessions within reach, of which `limit` are listed",
        },
        "sessions": listing(NEARBY_SESSION),
    }
)

MAP_PROPERTIES = record(
    {
        "code": STRING,
        "name": STRING,
        "need": nullable(NUMBER),
        "need_updated": nullable(STRING),
        "winner": nullable(STRING),
        "majority": nullable(INTEGER),
        "target_margin": nullable(NUMBER),
        "target_status": nullable(STRING),
        "notional": BOOLEAN,  # the result is notional (pipeline/notional.py)
    }
)

GEOMETRY = record(
    {
        "type": {"type": "string", "enum": ["Polygon", "MultiPolygon"]},
        "coordinates": {"type": "array"},
    }
)


def feature(properties: dict) -> dict:
    return record(
        {
            "type": {"type": "string", "enum": ["Feature"]},
            "id": STRING,
            "properties": properties,
            "geometry": ref("Geometry"),
        }
    )


CONTACT = record(
    {"link": {"type": "string", "description": "https:, mailto: or tel:"}, "text": STRING}
)

COMPONENTS = {
    "Error": ERROR,
    "Contact": CONTACT,
    "Result": RESULT,
    "Need": NEED,
    "District": DISTRICT,
    "DistrictPage": DISTRICT_PAGE,
    "Session": SESSION,
    "Offer": OFFER,
    "WhyParts": WHY_PARTS,
    "Recommended": RECOMMENDED,
    "Home": HOME,
    "Recommendation": RECOMMENDATION,
    "NearbySessions": NEARBY_SESSIONS,
    "Geometry": GEOMETRY,
}

# The answers, operation by operation.
SETS = record(
    {
        "sets": listing(
            record(
                {
                    "slug": STRING,
                    "name": STRING,
                    "level": STRING,
                    "parent_set": nullable(STRING),
                    "active_generation": nullable(INTEGER),
                    "generations": INTEGER,
                    "districts": INTEGER,
                }
            )
        )
    }
)
POINT = record({"point": LATLON, "districts": listing(ref("District"))})
POSTCODE = record(
    {"postcode": STRING, "lat": NUMBER, "lon": NUMBER, "districts": listing(ref("District"))}
)
PLACES = record(
    {
        "places": listing(
            record(
                {
                    "code": STRING,
                    "name": STRING,
                    "name_alt": nullable(STRING),
                    "set": STRING,
                    "lat": NUMBER,
                    "lon": NUMBER,
                }
            )
        )
    }
)
DISTRICT_FEATURE = feature(
    {
        "allOf": [
            ref("District"),
            record({"children": listing(record({"code": STRING, "name": STRING}))}),
        ]
    }
)
SET_FEATURES = record(
    {
        "type": {"type": "string", "enum": ["FeatureCollection"]},
        "band": {
            "type": "string",
            "enum": ["country", "region", "local", "full"],
            "description": "the detail served: full above zoom 12 for at most 400 "
            "districts, else the finest simplified band",
        },
        "features": listing(feature(MAP_PROPERTIES)),
    }
)
HEXES = record(
    {
        "layout": STRING,
        "hexes": listing({"allOf": [MAP_PROPERTIES, record({"q": INTEGER, "r": INTEGER})]}),
    }
)
COMMITTED = record({"set": STRING, "code": STRING, "day": DATE, "remaining_need": nullable(NUMBER)})
RSVP = record({"id": INTEGER, "session": INTEGER, "places_left": INTEGER})
DOCUMENT = {"type": "object", "required": ["openapi", "paths"]}

"""Session JSON: details and signing up, for embeds and other sites."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from flask import current_app

from turfmap import lookup
from turfmap.coordination import sessions as canvassing
from turfmap.coordination.session_fields import EMAIL_MAX, VOLUNTEER_CONTACT, volunteer_contact
from turfmap.errors import InputError, shown
from turfmap.extensions import services
from turfmap.postcode import TYPED_POSTCODE
from turfmap.recommend import nearby
from turfmap.recommend.service import Origin
from turfmap.web import params, schemas
from turfmap.web.api import KEY, api
from turfmap.web.api_volunteer import MODE
from turfmap.web.clock import board
from turfmap.web.declare import (
    Operation,
    Param,
    declared,
    flag,
    integer,
    number,
    path_integer,
    text,
)
from turfmap.web.guard import DATABASE_INT_MAX
from turfmap.web.ratelimit import client, limits

# near=: a postcode, or a point as "lat,lon" (what a phone's location gives). The
# document's pattern takes exactly the points on Earth; the reader takes any pair of
# numbers first, so that one off the Earth is told so.
_LAT = r"-?(?:90(?:\.0+)?|[1-8]?[0-9](?:\.[0-9]+)?)"
_LON = r"-?(?:180(?:\.0+)?|(?:1[0-7][0-9]|[1-9]?[0-9])(?:\.[0-9]+)?)"
NEAR_FORM = re.compile(f"{TYPED_POSTCODE.pattern}|^ *{_LAT} *, *{_LON} *$")
_NUMBERS = re.compile(r"^ *(-?[0-9]+(?:\.[0-9]+)?) *, *(-?[0-9]+(?:\.[0-9]+)?) *$")
NEAR_EXPECTED = "a postcode (AB10 1XG) or a point as lat,lon (57.1437,-2.0981)"


def _near(values) -> Origin:
    raw = params.text(values, "near", required=True, max_length=40, expected=NEAR_EXPECTED)
    numbers = _NUMBERS.match(raw)
    if numbers is not None:
        lat, lon = float(numbers[1]), float(numbers[2])
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise InputError(
                f"near={shown(raw)} is not a point on Earth: latitude goes from -90 to 90 "
                "and longitude from -180 to 180 (lat,lon)"
            )
        return Origin(lon, lat)
    if not TYPED_POSTCODE.search(raw):
        raise InputError(f"near={shown(raw)} is not {NEAR_EXPECTED}")
    with services().reads.session() as session:
        postcode, found = lookup.postcode_location(session, raw)
    return Origin(found.lon, found.lat, postcode)


NEAR = Param(
    "near",
    {"type": "string", "minLength": 1, "maxLength": 40, "pattern": NEAR_FORM.pattern},
    _near,
    True,
    description="where the volunteer starts: a UK postcode, or a point as lat,lon",
    example="57.1437,-2.0981",
)
NEARBY = Operation(
    "Approved sessions with a free place near a postcode or point, the quickest to "
    "reach first: each with its district, places, and travel (straight-line distance "
    "and minutes, the router's or the estimate's, as travel_source says)",
    schemas.ref("NearbySessions"),
    query=(
        NEAR,
        number(
            "within_km",
            *nearby.WITHIN_KM_RANGE,
            default=nearby.DEFAULT_WITHIN_KM,
            description="how far the meeting point may be, in a straight line",
        ),
        integer(
            "days",
            *nearby.DAYS_RANGE,
            default=nearby.DEFAULT_DAYS,
            description="only sessions starting within this many days",
        ),
        integer("limit", 1, nearby.MAX_LISTED, default=20),
        MODE,
        flag("short_walks", description="only sessions with short walks"),
        text("set", max_length=64, pattern=KEY, description="only this boundary set's sessions"),
    ),
    errors={404: "Unknown postcode or set"},
)


@api.get("/sessions")
@declared(NEARBY)
def sessions_near(near, within_km, days, limit, mode, short_walks, set):
    window = nearby.Window(within_km, days, limit, mode, short_walks, set)
    return nearby.sessions_near(board(), services().router, near, window, datetime.now(UTC))


SESSION_ID = path_integer("session_id", DATABASE_INT_MAX, example=1)
NO_SESSION = {404: "No approved session with this id"}


@api.get("/sessions/<int:session_id>")
@declared(
    Operation(
        "An approved canvassing session with its free places",
        schemas.ref("Session"),
        path=(SESSION_ID,),
        errors=NO_SESSION,
    )
)
def session_detail(session_id: int):
    with services().reads.session() as session:
        return canvassing.public_detail(session, session_id)


# A name as take_place stores it: it starts with a letter or digit (never a
# spreadsheet formula) and holds no control character.
_NAME = re.compile(r"^\s*\w[^\x00-\x1f\x7f-\x9f]*$")
RSVP = Operation(
    "Take a place at a session (refused when full or already booked)",
    schemas.RSVP,
    path=(SESSION_ID,),
    body=(
        text(
            "name",
            max_length=100,
            pattern=_NAME,
            expected="a name that starts with a letter or digit (one starting with = + - "
            "or @ is run by spreadsheets as a formula)",
            required=True,
        ),
        text(
            "contact",
            max_length=EMAIL_MAX,
            pattern=VOLUNTEER_CONTACT,
            expected="an email address or phone number",
            required=True,
            description="An email address or phone number",
        ),
    ),
    example='{"name": "Sam", "contact": "sam@example.org"}',
    status=201,
    errors=NO_SESSION | {409: "Full, ended, or this contact is booked"},
)


@api.post("/sessions/<int:session_id>/rsvps")
@declared(RSVP)
def rsvp(session_id: int, body: dict):
    """Take a place: 201 with the places left, 409 when full or already booked."""
    limit_rsvps(body["contact"])
    with services().db.transaction() as session:
        rsvp_row, left = canvassing.take_place(
            session, session_id, name=body["name"], contact=body["contact"], now=datetime.now(UTC)
        )
    return {"id": rsvp_row.id, "session": session_id, "places_left": left}, 201


def limit_rsvps(contact: str) -> None:
    """Sign-ups per client address and per volunteer contact (a bad contact is
    refused by take_place; here it only needs a key)."""
    config = current_app.config
    limits().hit(config["TURFMAP_RSVP_LIMIT"], "rsvp", client(), "sign-ups")
    try:
        key = volunteer_contact(contact, where="contact")
    except InputError:
        return
    limits().hit(
        config["TURFMAP_RSVP_CONTACT_LIMIT"], "rsvp-contact", key, "sign-ups by this contact"
    )

"""Session JSON: details and signing up, for embeds and other sites."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from flask import current_app

from turfmap.coordination import sessions as canvassing
from turfmap.coordination.session_fields import EMAIL_MAX, VOLUNTEER_CONTACT, volunteer_contact
from turfmap.errors import InputError
from turfmap.extensions import services
from turfmap.web import schemas
from turfmap.web.api import api
from turfmap.web.declare import Operation, declared, path_integer, text
from turfmap.web.guard import DATABASE_INT_MAX
from turfmap.web.ratelimit import client, limits

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

"""Session JSON: details and signing up, for embeds and other sites."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app

from turfmap.coordination import sessions as canvassing
from turfmap.coordination.session_fields import volunteer_contact
from turfmap.errors import InputError
from turfmap.extensions import services
from turfmap.web.api import api
from turfmap.web.guard import json_object
from turfmap.web.ratelimit import client, limits


@api.get("/sessions/<int:session_id>")
def session_detail(session_id: int):
    with services().db.session() as session:
        return canvassing.public_detail(session, session_id)


@api.post("/sessions/<int:session_id>/rsvps")
def rsvp(session_id: int):
    """Take a place: 201 with the places left, 409 when full or already booked."""
    body = json_object('{"name": "Sam", "contact": "sam@example.org"}')
    for field in ("name", "contact"):
        if not isinstance(body.get(field), str):
            raise InputError(f"field {field!r}: required, as a string")
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

"""Session JSON: details and signing up, for embeds and other sites."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import request

from turfmap.coordination import sessions as canvassing
from turfmap.errors import InputError
from turfmap.extensions import services
from turfmap.web.api import api


@api.get("/sessions/<int:session_id>")
def session_detail(session_id: int):
    with services().db.session() as session:
        return canvassing.public_detail(session, session_id)


@api.post("/sessions/<int:session_id>/rsvps")
def rsvp(session_id: int):
    """Take a place: 201 with the places left, 409 when full or already booked."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InputError('send JSON like {"name": "Sam", "contact": "sam@example.org"}')
    for field in ("name", "contact"):
        if not isinstance(body.get(field), str):
            raise InputError(f"field {field!r}: required, as a string")
    with services().db.transaction() as session:
        rsvp_row, left = canvassing.take_place(
            session, session_id, name=body["name"], contact=body["contact"], now=datetime.now(UTC)
        )
    services().board.recheck()
    return {"id": rsvp_row.id, "session": session_id, "places_left": left}, 201

"""Volunteer-facing JSON endpoints: postcode lookup, recommendations, accepting one."""

from __future__ import annotations

from flask import current_app, request

from turfmap import lookup
from turfmap.coordination.commitments import record_commitment
from turfmap.errors import InputError
from turfmap.extensions import services
from turfmap.recommend.ranking import Constraints
from turfmap.recommend.service import Origin, recommend
from turfmap.recommend.tokens import stamp
from turfmap.store import versions
from turfmap.travel.estimate import DEFAULT_MAX_MINUTES, DEFAULT_MODE, MAX_MINUTES_RANGE
from turfmap.web import params
from turfmap.web.api import api
from turfmap.web.clock import board, today
from turfmap.web.guard import json_object, shown
from turfmap.web.ratelimit import client, limits


@api.get("/postcodes/<postcode>")
def postcode(postcode: str):
    index = services().spatial.get()
    with services().db.session() as session:
        return lookup.postcode_detail(session, index, board(), postcode)


@api.get("/recommend")
def recommendations():
    # A plain dict: a MultiDict builds an exception for every absent key it is asked
    # for, and a recommendation asks for seven that are usually absent.
    args = request.args.to_dict()
    constraints = Constraints(
        mode=args.get("mode", DEFAULT_MODE),
        max_minutes=params.number(
            args,
            "max_minutes",
            low=MAX_MINUTES_RANGE[0],
            high=MAX_MINUTES_RANGE[1],
            required=False,
            default=DEFAULT_MAX_MINUTES,
        ),
        limit=params.whole_number(args, "limit", low=1, high=50, default=5),
        own_area_only=params.flag(args, "own_area"),
        short_walks=params.flag(args, "short_walks"),
    )
    origin = _origin(args)
    ours = services()
    board = ours.board.get()
    answer = recommend(
        ours.spatial.get(), board, ours.router, origin, constraints, args.get("set") or None
    )
    return stamp(answer, ours.tokens, board.day)


def _origin(args) -> Origin:
    has_point = args.get("lat") is not None or args.get("lon") is not None
    if args.get("postcode") and has_point:
        raise InputError("give either postcode or lat and lon, not both")
    if args.get("postcode"):
        with services().db.session() as session:
            postcode, found = lookup.postcode_location(session, args["postcode"])
        return Origin(found.lon, found.lat, postcode)
    if not has_point:
        raise InputError("give a postcode, or lat and lon")
    return Origin(
        params.number(args, "lon", low=-180, high=180), params.number(args, "lat", low=-90, high=90)
    )


@api.post("/commitments")
def commit():
    """A volunteer accepts a recommendation: the district's remaining need drops."""
    limits().hit(current_app.config["TURFMAP_COMMIT_LIMIT"], "commit", client(), "commitments")
    body = json_object('{"token": "<commit_token of a recommended district>"}')
    ours = services()
    granted = ours.tokens.check(body.get("token"), today=today())
    _agrees(body, granted)
    with ours.db.transaction() as session:
        record_commitment(session, granted)
    board = ours.board
    board.note_commitment(granted.set_slug, granted.code, versions.committed(session))
    entry = board.get().get(granted.set_slug, granted.code)
    return {
        "set": granted.set_slug,
        "code": granted.code,
        "day": granted.day.isoformat(),
        "remaining_need": None if entry is None else round(entry.need.remaining, 1),
    }, 201


def _agrees(body: dict, granted) -> None:
    """``code``, ``set`` and ``day`` are optional, but when sent must be the token's."""
    expected = {"code": granted.code, "set": granted.set_slug, "day": granted.day.isoformat()}
    for field, value in expected.items():
        if field in body and body[field] is not None and body[field] != value:
            raise InputError(
                f"field {field!r}: {shown(body[field])} is not what the token was issued "
                f"for ({value!r}); send the token alone"
            )

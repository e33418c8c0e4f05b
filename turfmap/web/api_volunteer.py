"""Volunteer-facing JSON endpoints: postcode lookup, recommendations, accepting one."""

from __future__ import annotations

from datetime import date, timedelta

from flask import request

from turfmap import lookup
from turfmap.errors import InputError
from turfmap.extensions import services
from turfmap.recommend.ranking import Constraints
from turfmap.recommend.service import Origin, choose_set, recommend
from turfmap.web import params
from turfmap.web.api import api


@api.get("/postcodes/<postcode>")
def postcode(postcode: str):
    index = services().spatial.get()
    with services().db.session() as session:
        return lookup.postcode_detail(session, index, postcode, date.today())


@api.get("/recommend")
def recommendations():
    # A plain dict: a MultiDict builds an exception for every absent key it is asked
    # for, and a recommendation asks for seven that are usually absent.
    args = request.args.to_dict()
    constraints = Constraints(
        mode=args.get("mode", "transit"),
        max_minutes=params.number(
            args, "max_minutes", low=1, high=240, required=False, default=60.0
        ),
        limit=params.whole_number(args, "limit", low=1, high=50, default=5),
        own_area_only=params.flag(args, "own_area"),
        short_walks=params.flag(args, "short_walks"),
    )
    origin = _origin(args)
    ours = services()
    return recommend(
        ours.spatial.get(),
        ours.board.get(),
        ours.router,
        origin,
        constraints,
        args.get("set") or None,
    )


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
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("code"), str):
        raise InputError('send JSON like {"code": "E14001279", "day": "2026-11-28"}')
    day = _day(body.get("day"))
    board = services().board
    index = services().spatial.get()
    slug = choose_set(board.get(), index, body.get("set"))
    with services().db.transaction() as session:
        lookup.record_commitment(session, slug, body["code"], day)
    if day == date.today():
        board.note_commitment(slug, body["code"])
    entry = board.get().get(slug, body["code"]) if day == date.today() else None
    remaining = None if entry is None else round(entry.need.remaining, 1)
    return {
        "set": slug,
        "code": body["code"],
        "day": day.isoformat(),
        "remaining_need": remaining,
    }, 201


def _day(raw) -> date:
    if raw is None:
        return date.today()
    try:
        day = date.fromisoformat(str(raw))
    except ValueError:
        raise InputError(f"day={raw!r} is not a date like 2026-11-28") from None
    if not date.today() <= day <= date.today() + timedelta(days=90):
        raise InputError(f"day={raw} must be today or within the next 90 days")
    return day

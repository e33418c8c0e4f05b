"""Volunteer-facing JSON endpoints: postcode lookup, recommendations, accepting one."""

from __future__ import annotations

from flask import current_app

from turfmap import lookup
from turfmap.coordination.commitments import record_commitment
from turfmap.errors import Conflict, InputError
from turfmap.extensions import services
from turfmap.postcode import TYPED_POSTCODE
from turfmap.recommend.ranking import Constraints
from turfmap.recommend.service import Origin, recommend
from turfmap.recommend.tokens import MAX_TOKEN_LENGTH, TOKEN_FORM, stamp
from turfmap.travel.estimate import (
    DEFAULT_MAX_MINUTES,
    DEFAULT_MODE,
    MAX_MINUTES_MEANING,
    MAX_MINUTES_RANGE,
    MODES,
)
from turfmap.web import schemas
from turfmap.web.api import KEY, LAT, LON, api
from turfmap.web.clock import board, today
from turfmap.web.declare import (
    Operation,
    choice,
    day,
    declared,
    flag,
    integer,
    number,
    one_of,
    text,
)
from turfmap.web.guard import shown
from turfmap.web.language import LANGUAGES, words_in
from turfmap.web.ratelimit import client, limits

POSTCODE = text(
    "postcode",
    max_length=20,
    pattern=TYPED_POSTCODE,
    expected="a UK postcode (for example AB10 1AN)",
    example="AB10 1XG",
)


@api.get("/postcodes/<postcode>")
@declared(
    Operation(
        "A postcode's location and districts",
        schemas.POSTCODE,
        path=(POSTCODE,),
        errors={404: "Not in the imported postcode directory"},
    )
)
def postcode(postcode: str):
    index = services().spatial.get()
    with services().reads.session() as session:
        return lookup.postcode_detail(session, index, board(), postcode)


def _origin(values) -> Origin:
    has_point = values.get("lat") is not None or values.get("lon") is not None
    has_postcode = values.get("postcode") is not None
    if has_postcode and has_point:
        raise InputError("give either postcode or lat and lon, not both")
    if has_postcode:
        with services().reads.session() as session:
            postcode, found = lookup.postcode_location(session, POSTCODE.read(values))
        return Origin(found.lon, found.lat, postcode)
    if not has_point:
        raise InputError("give a postcode, or lat and lon")
    return Origin(LON.read(values), LAT.read(values))


ORIGIN = one_of(
    "origin",
    {"a postcode": (POSTCODE,), "a point": (LAT, LON)},
    _origin,
    description="where the volunteer starts: postcode=..., or lat=...&lon=...",
)
MODE = choice("mode", MODES, default=DEFAULT_MODE)
MAX_MINUTES = number(
    "max_minutes",
    *MAX_MINUTES_RANGE,
    default=DEFAULT_MAX_MINUTES,
    description=MAX_MINUTES_MEANING,
)
RECOMMEND = Operation(
    "The origin's district and a ranked list of districts, each with its reason, "
    "travel time and sessions with free places",
    schemas.ref("Recommendation"),
    query=(
        ORIGIN,
        MODE,
        MAX_MINUTES,
        integer("limit", 1, 50, default=5),
        flag("own_area", description="only the district the origin is in"),
        flag("short_walks", description="only districts and sessions with short walks"),
        text(
            "set",
            max_length=64,
            pattern=KEY,
            description="a boundary set; without it, the active top-level set covering "
            "the origin (404 not_covered where none does)",
        ),
        choice(
            "lang",
            LANGUAGES,
            default="en",
            description="the language of the sentences (why, note); the rest of the "
            "answer is the same in every language",
        ),
    ),
    errors={
        404: "Unknown postcode or set, or no active set covers the origin (not_covered)",
        409: "No boundary set is active yet",
    },
)


@api.get("/recommend")
@declared(RECOMMEND)
def recommendations(origin, mode, max_minutes, limit, own_area, short_walks, set, lang):
    constraints = Constraints(mode, max_minutes, limit, own_area, short_walks, words_in(lang))
    ours = services()
    board = ours.board.get()
    answer = recommend(ours.spatial.get(), board, ours.router, origin, constraints, set)
    return stamp(answer, ours.tokens, board.day)


COMMIT = Operation(
    "Accept a recommendation: one volunteer for a district today. The token is the "
    "commit_token of a district in a recommendation, valid on the campaign day it "
    "was issued and counted once",
    schemas.COMMITTED,
    body=(
        text(
            "token",
            max_length=MAX_TOKEN_LENGTH,
            pattern=TOKEN_FORM,
            expected="a commit_token",
            required=True,
        ),
        text("code", max_length=64, pattern=KEY, description="if sent, the token's district"),
        text("set", max_length=64, pattern=KEY, description="if sent, the token's set"),
        day("day", description="if sent, the token's day"),
    ),
    example='{"token": "<commit_token of a recommended district>"}',
    status=201,
    errors={
        403: "Not a token this server issued (invalid_token)",
        409: "The token was used already (already_used), has expired with its day "
        "(token_expired), or was issued for another district, set or day than sent",
    },
)


@api.post("/commitments")
@declared(COMMIT)
def commit(body: dict):
    """A volunteer accepts a recommendation: the district's remaining need drops."""
    limits().hit(current_app.config["TURFMAP_COMMIT_LIMIT"], "commit", client(), "commitments")
    ours = services()
    granted = ours.tokens.check(body["token"], today=today())
    _agrees(body, granted)
    with ours.db.transaction() as session:
        record_commitment(session, granted)  # the board hears of it as it commits
    entry = board().get(granted.set_slug, granted.code)
    return {
        "set": granted.set_slug,
        "code": granted.code,
        "day": granted.day.isoformat(),
        "remaining_need": None if entry is None else round(entry.need.remaining, 1),
    }, 201


def _agrees(body: dict, granted) -> None:
    """``code``, ``set`` and ``day`` are optional, but when sent must be the token's."""
    expected = {"code": granted.code, "set": granted.set_slug, "day": granted.day}
    for field, value in expected.items():
        if body[field] is not None and body[field] != value:
            raise Conflict(
                f"field {field!r}: {shown(body[field])} is not what the token was issued "
                f"for ({str(value)!r}); send the token alone",
                code="token_mismatch",
            )

"""Handing turfs out and recording the doors: assignment to a session, walk links,
claims by volunteers who took a place, outcomes from the phone (each once, by the
id the phone made), coordinators' corrections, and the doors-knocked count the
need model reads. Every write by a person is in the audit log."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update

from turfmap.coordination import audit
from turfmap.coordination.permissions import Actor, require_district
from turfmap.coordination.turfs import walk_from_meeting_point
from turfmap.errors import Conflict, Forbidden, Gone, InputError, NotFound
from turfmap.inputs.text import clean_cell
from turfmap.store import doorstep
from turfmap.store.models import CanvassSession, Rsvp
from turfmap.store.turf_models import CanvassProgress, DoorOutcome, Turf, TurfDoor, WalkLink
from turfmap.turf.cut import WalkPace

OUTCOMES = {
    "spoke": "Spoke to them",
    "not_in": "Not in",
    "moved": "Moved away",
    "refused": "Refused",
    "come_back": "Come back later",
}
SUPPORT = range(1, 6)  # 1 strongly against ... 5 strongly for
LINK_DAYS = 3  # TURFMAP_WALK_LINK_DAYS
MAX_BATCH = 500  # outcomes in one upload: a turf has at most 500 doors
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _turf(session, turf_id: int) -> Turf:
    turf = session.get(Turf, turf_id)
    if turf is None:
        raise NotFound(f"no turf {turf_id}")
    return turf


def _require_turf(session, actor: Actor, turf: Turf) -> None:
    set_slug, parent = doorstep.set_and_parent(session, turf.set_id, turf.district_code)
    require_district(actor, set_slug, turf.district_code, parent)


def assign(session, actor: Actor, turf_id: int, session_id: int | None, pace=None) -> Turf:
    """Give a turf to an approved session in its district (its host hands it out),
    or take it back (``session_id`` None). A turf given to a session is walked from
    its meeting point."""
    turf = _turf(session, turf_id)
    _require_turf(session, actor, turf)
    if session_id is not None:
        canvass = session.get(CanvassSession, session_id)
        if canvass is None or canvass.status != "approved":
            raise InputError(f"session {session_id} is not an approved session")
        if (canvass.set_id, canvass.district_code) != (turf.set_id, turf.district_code):
            raise InputError(
                f"session {session_id} meets in {canvass.district_code}, not {turf.district_code}"
            )
    before = turf.session_id
    turf.session_id = session_id
    if session_id is not None and session_id != before:
        walk_from_meeting_point(session, turf, canvass.lon, canvass.lat, pace or WalkPace())
    if turf.status in ("unassigned", "assigned"):
        turf.status = "assigned" if session_id else "unassigned"
    audit.record(session, actor.email, "turf.assign", f"turf {turf.id}",
                 before=before, after=session_id)  # fmt: skip
    return turf


def issue_link(session, turf: Turf, *, by: str, now: datetime, days: float = LINK_DAYS,
               rsvp_id: int | None = None) -> tuple[str, datetime]:  # fmt: skip
    """A new walk link for the turf: the token (shown once) and when it expires."""
    token = secrets.token_urlsafe(24)
    expires = now + timedelta(days=days)
    session.add(WalkLink(turf_id=turf.id, token_hash=_hash(token), rsvp_id=rsvp_id,
                         created_by=by, created_at=now, expires_at=expires))  # fmt: skip
    if turf.status in ("unassigned", "assigned"):
        turf.status = "out"
    audit.record(session, by, "turf.link", f"turf {turf.id}", expires=expires.isoformat(),
                 rsvp=rsvp_id)  # fmt: skip
    return token, expires


def coordinator_link(session, actor: Actor, turf_id: int, now: datetime, days: float):
    turf = _turf(session, turf_id)
    _require_turf(session, actor, turf)
    return issue_link(session, turf, by=actor.email, now=now, days=days)


def claim(session, session_id: int, contact: str, now: datetime, days: float):
    """A volunteer with a place at the session takes one of its turfs (the one they
    hold already, if they claimed before). Returns (token, expires, turf)."""
    contact = clean_cell(contact, "contact", limit=200)
    rsvp = session.scalar(
        select(Rsvp).where(
            Rsvp.session_id == session_id, func.lower(Rsvp.contact) == contact.lower()
        )
    )
    if rsvp is None:
        raise Forbidden("only someone with a place at this session can take a turf: "
                        "use the contact you gave when you took your place")  # fmt: skip
    held = session.scalar(
        select(Turf).join(WalkLink, WalkLink.turf_id == Turf.id).where(WalkLink.rsvp_id == rsvp.id)
    )
    turf = held or session.scalar(
        select(Turf)
        .where(Turf.session_id == session_id, Turf.status == "assigned")
        .order_by(Turf.number)
        .with_for_update(skip_locked=True)
    )
    if turf is None:
        raise Conflict(
            "every turf of this session has been taken; ask the host at the meeting point"
        )
    token, expires = issue_link(session, turf, by=f"rsvp:{rsvp.id}", now=now, days=days,
                                rsvp_id=rsvp.id)  # fmt: skip
    return token, expires, turf


@dataclass
class Walk:
    turf: Turf
    link: WalkLink


def open_walk(session, token: str, now: datetime) -> Walk:
    """The turf a link grants, and nothing else; refused once it has expired."""
    if not token or len(token) > 100:
        raise NotFound("no such walk link")
    link = session.scalar(select(WalkLink).where(WalkLink.token_hash == _hash(token)))
    if link is None:
        raise NotFound("no such walk link")
    if link.expires_at <= now:
        raise Gone(f"this walk link expired on {link.expires_at:%d %B %Y at %H:%M} UTC; "
                   "ask your coordinator or host for a new one")  # fmt: skip
    return Walk(session.get(Turf, link.turf_id), link)


def walk_data(session, walk: Walk) -> dict:
    """What the phone keeps for the walk: the doors in order, the outline, the route
    and what has been recorded already."""
    turf = walk.turf
    doors = doorstep.turf_doors(session, turf.id)
    done = latest_outcomes(session, turf.id)
    return {
        "turf": {
            "id": turf.id,
            "number": turf.number,
            "district": turf.district_code,
            "doors": turf.door_count,
            "minutes_estimate": round(turf.minutes_estimate),
            "metres": round(turf.route_metres),
            "street_blind": turf.street_blind,
        },  # fmt: skip
        "expires": walk.link.expires_at.isoformat(),
        "outline": turf.geometry.__geo_interface__,
        "route": turf.route.__geo_interface__ if turf.route is not None else None,
        "doors": [
            {
                "id": d.id,
                "n": n,
                "lat": round(d.lat, 6),
                "lon": round(d.lon, 6),
                "address": d.address,
                "voters": d.voters,
                "outcome": done.get(d.id),
            }  # fmt: skip
            for n, d in enumerate(doors, 1)
        ],
        "outcomes": OUTCOMES,
    }


def latest_outcomes(session, turf_id: int) -> dict[int, str]:
    rows = session.execute(
        select(DoorOutcome.door_id, DoorOutcome.outcome)
        .where(DoorOutcome.turf_id == turf_id)
        .order_by(DoorOutcome.recorded_at)
    )
    return dict(rows.all())


def record_outcomes(session, walk: Walk, items: list, now: datetime, tz: str) -> dict:
    """Store the phone's outcomes; an id seen before is acknowledged, not stored again.
    Every item is checked before any is written: one bad item refuses the batch.
    A door counts as knocked once a day, on the day (in the campaign's time zone
    ``tz``) it was knocked, not the day a phone that was offline sent it."""
    if not isinstance(items, list) or not items:
        raise InputError("'outcomes' must be a non-empty list")
    if len(items) > MAX_BATCH:
        raise InputError(f"at most {MAX_BATCH} outcomes in one upload, not {len(items)}")
    turf = walk.turf
    doors = set(session.scalars(select(TurfDoor.door_id).where(TurfDoor.turf_id == turf.id)))
    parsed = [_parse_outcome(item, i, doors, now, tz) for i, item in enumerate(items)]
    ids = [p["id"] for p in parsed]
    if len(set(ids)) != len(ids):
        raise InputError("outcomes: the same id appears twice in one upload")
    # The turf's row is locked first (a row lock on PostgreSQL, the write lock on
    # SQLite): a phone back online may send the same outcomes twice at once, and the
    # second upload must find the first's rows, not collide with them.
    session.execute(update(Turf).where(Turf.id == turf.id).values(status=Turf.status))
    seen = set(session.scalars(select(DoorOutcome.id).where(DoorOutcome.id.in_(ids))))
    fresh = [p for p in parsed if p["id"] not in seen]
    for p in fresh:
        knocked_today = session.scalar(
            select(func.count())
            .select_from(DoorOutcome)
            .where(
                DoorOutcome.door_id == p["door_id"],
                DoorOutcome.recorded_at >= p["day_start"],
                DoorOutcome.recorded_at < p["day_start"] + timedelta(days=1),
            )
        )
        session.add(DoorOutcome(id=p["id"], turf_id=turf.id, door_id=p["door_id"],
                                outcome=p["outcome"], support=p["support"],
                                recorded_at=p["recorded_at"], received_at=now))  # fmt: skip
        session.flush()
        if not knocked_today:
            _count_door(session, turf, p["day"])
    _update_status(session, turf)
    if fresh:
        audit.record(session, f"walk-link:{walk.link.id}", "outcomes.record", f"turf {turf.id}",
                     stored=len(fresh), repeated=len(seen))  # fmt: skip
    return {"stored": [p["id"] for p in fresh], "already": sorted(seen)}


def _parse_outcome(item, index: int, doors: set[int], now: datetime, tz: str) -> dict:
    where = f"outcomes[{index}]"
    if not isinstance(item, dict):
        raise InputError(f"{where}: must be an object")
    ident = item.get("id")
    if not isinstance(ident, str) or not _UUID.match(ident):
        raise InputError(f"{where}.id: {ident!r} is not an id made by the walk page (a UUID)")
    door = item.get("door")
    if not isinstance(door, int) or isinstance(door, bool) or door not in doors:
        raise InputError(f"{where}.door: {door!r} is not a door of this turf")
    outcome = item.get("outcome")
    if outcome not in OUTCOMES:
        raise InputError(f"{where}.outcome: {outcome!r} is not one of {', '.join(OUTCOMES)}")
    support = item.get("support")
    if support is not None and (not isinstance(support, int) or support not in SUPPORT):
        raise InputError(f"{where}.support: {support!r} is not a whole number from 1 to 5")
    try:
        at = datetime.fromisoformat(str(item.get("at")))
    except ValueError:
        raise InputError(f"{where}.at: {item.get('at')!r} is not a time (ISO 8601)") from None
    if at.tzinfo is None:
        raise InputError(f"{where}.at: {item.get('at')!r} has no time zone")
    at = at.astimezone(UTC)
    if at > now + timedelta(minutes=10) or at < now - timedelta(days=30):
        raise InputError(f"{where}.at: {item.get('at')!r} is not within the last 30 days")
    local = at.astimezone(ZoneInfo(tz))
    start = local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)
    return {"id": ident.lower(), "door_id": door, "outcome": outcome, "support": support,
            "recorded_at": at, "day_start": start, "day": local.date()}  # fmt: skip


def _count_door(session, turf: Turf, today) -> None:
    row = session.get(CanvassProgress, (turf.set_id, turf.district_code, today))
    if row is None:
        session.add(CanvassProgress(set_id=turf.set_id, district_code=turf.district_code,
                                    day=today, doors=1))  # fmt: skip
    else:
        row.doors += 1


def _update_status(session, turf: Turf) -> None:
    knocked = session.scalar(
        select(func.count(func.distinct(DoorOutcome.door_id))).where(DoorOutcome.turf_id == turf.id)
    )
    if knocked >= turf.door_count:
        turf.status = "done"
    elif turf.status in ("unassigned", "assigned"):
        turf.status = "out"


def correct(session, actor: Actor, outcome_id: str, outcome: str, support: int | None, now):
    row = session.get(DoorOutcome, outcome_id)
    if row is None:
        raise NotFound(f"no outcome {outcome_id!r}")
    _require_turf(session, actor, _turf(session, row.turf_id))
    if outcome not in OUTCOMES:
        raise InputError(f"outcome: {outcome!r} is not one of {', '.join(OUTCOMES)}")
    if support is not None and support not in SUPPORT:
        raise InputError(f"support: {support!r} is not a whole number from 1 to 5")
    before = {"outcome": row.outcome, "support": row.support}
    row.outcome, row.support = outcome, support
    row.corrected_by, row.corrected_at = actor.email, now
    audit.record(session, actor.email, "outcome.correct", f"outcome {row.id}", before=before,
                 after={"outcome": outcome, "support": support})  # fmt: skip
    return row


def turf_place(session, turf_id: int) -> tuple[str, str]:
    """(set slug, district code) of a turf."""
    turf = _turf(session, turf_id)
    return doorstep.set_and_parent(session, turf.set_id, turf.district_code)[0], turf.district_code


def sheet_data(session, actor: Actor, turf_id: int) -> dict:
    """The walk sheet's contents, for a coordinator of the turf's district."""
    turf = _turf(session, turf_id)
    _require_turf(session, actor, turf)
    far_future = datetime.max.replace(tzinfo=UTC)
    return walk_data(session, Walk(turf, WalkLink(expires_at=far_future)))


def turfs_left(session, session_id: int) -> int | None:
    """How many of the session's turfs nobody has taken (None: it has no turfs)."""
    statuses = session.scalars(select(Turf.status).where(Turf.session_id == session_id)).all()
    return sum(s == "assigned" for s in statuses) if statuses else None

"""Canvassing sessions: hosts propose, coordinators of the district approve or reject,
volunteers take places until the session is full. Every write is audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from turfmap.coordination import audit
from turfmap.coordination.permissions import Actor, may_edit_district
from turfmap.coordination.session_fields import SessionDraft, place, text_field, volunteer_contact
from turfmap.errors import Conflict, Forbidden, InputError, NotFound, shown
from turfmap.spatial.index import SpatialIndex
from turfmap.store import queries, versions
from turfmap.store.models import BoundarySet, CanvassSession, Rsvp, utcnow

DECISIONS = {"approve": "approved", "reject": "rejected"}


@dataclass(frozen=True)
class Placed:
    """Where a meeting point falls: the set, the district and its parent."""

    set_slug: str
    code: str
    name: str
    parent_code: str | None


def place_meeting_point(index: SpatialIndex, set_slug: str, lon: float, lat: float) -> Placed:
    """The district of ``set_slug`` holding the meeting point (found, never typed)."""
    if set_slug not in index.set_slugs:
        raise NotFound(f"{shown(set_slug)} is not an active boundary set")
    hits = index.district_at(lon, lat, set_slug)
    if not hits:
        raise InputError(
            f"field 'lat'/'lon': the meeting point ({lat:.5f}, {lon:.5f}) is not inside any "
            f"district of {set_slug!r}; pick a point on the map inside one"
        )
    hit = hits[0]
    return Placed(set_slug, hit.code, hit.name, hit.parent_code)


def may_propose(actor: Actor, placed: Placed) -> bool:
    """Admins anywhere; coordinators in their regions; hosts anywhere unless their
    account names regions, then only there.

    >>> from turfmap.coordination.permissions import Region
    >>> spot = Placed("wards", "E05001348", "Clayton", "E14001120")
    >>> may_propose(Actor("h@x", "host"), spot)
    True
    >>> may_propose(Actor("h@x", "host", (Region("wards", "E14001118"),)), spot)
    False
    >>> may_propose(Actor("c@x", "coordinator", (Region("wy"),)), spot)
    False
    """
    if actor.role == "host" and not actor.regions:
        return True
    as_coordinator = Actor(actor.email, "coordinator", actor.regions)
    if actor.role == "admin":
        as_coordinator = actor
    return may_edit_district(as_coordinator, placed.set_slug, placed.code, placed.parent_code)


def propose(
    session: Session, actor: Actor, draft: SessionDraft, placed: Placed, *, status="proposed"
) -> CanvassSession:
    if not may_propose(actor, placed):
        raise Forbidden(f"{actor.email} may not host sessions in {placed.code}")
    boundary_set = queries.get_set(session, placed.set_slug)
    canvass = CanvassSession(
        set_id=boundary_set.id,
        district_code=placed.code,
        title=draft.title,
        starts_at=draft.starts_at,
        ends_at=draft.ends_at,
        lon=draft.lon,
        lat=draft.lat,
        capacity=draft.capacity,
        contact=draft.contact,
        accessibility=draft.accessibility,
        short_walks=draft.short_walks,
        status=status,
        host=actor.email,
        review_note="",
    )
    if status == "approved":
        canvass.reviewed_by, canvass.reviewed_at = actor.email, utcnow()
    session.add(canvass)
    session.flush()
    audit.record(
        session,
        actor.email,
        "session.propose",
        f"session/{canvass.id}",
        title=draft.title,
        district=f"{placed.set_slug}/{placed.code}",
        starts=draft.starts_at.isoformat(),
        capacity=draft.capacity,
        status=status,
    )
    return canvass


def get_session(session: Session, session_id: int) -> CanvassSession:
    canvass = session.get(CanvassSession, session_id)
    if canvass is None:
        raise NotFound(f"no session #{session_id}")
    return canvass


def public_session(session: Session, session_id: int) -> CanvassSession:
    """An approved session; proposed and rejected ones do not exist for the public."""
    canvass = session.get(CanvassSession, session_id)
    if canvass is None or canvass.status != "approved":
        raise NotFound(f"no session #{session_id}")
    return canvass


def placed_of(session: Session, canvass: CanvassSession) -> Placed:
    """Where a stored session is: its set, and its district's name and parent in
    the set's current boundaries (the code alone if a redraw dropped it)."""
    boundary_set = queries.set_by_id(session, canvass.set_id)
    generation = queries.reference_generation(session, boundary_set)
    name, parent = queries.district_name_and_parent(
        session, generation.id, canvass.district_code
    ) or (canvass.district_code, None)
    return Placed(boundary_set.slug, canvass.district_code, name, parent)


def may_review(actor: Actor, placed: Placed) -> bool:
    return may_edit_district(actor, placed.set_slug, placed.code, placed.parent_code)


def may_see(actor: Actor, canvass: CanvassSession, placed: Placed) -> bool:
    """The host who proposed it, and whoever may review it."""
    return canvass.host == actor.email or may_review(actor, placed)


def review(
    session: Session, actor: Actor, session_id: int, decision: str, note: str
) -> CanvassSession:
    """Approve or reject (an approved session can still be called off, with a note)."""
    if decision not in DECISIONS:
        raise InputError(f"field 'decision': {decision!r} must be approve or reject")
    canvass = get_session(session, session_id)
    if not may_review(actor, placed_of(session, canvass)):
        raise Forbidden(f"{actor.email} may not review sessions in {canvass.district_code}")
    status = DECISIONS[decision]
    note = text_field({"note": note}, "note", line=None, limit=500, required=status == "rejected")
    if canvass.status == status:
        raise Conflict(f"session #{session_id} is already {status} (by {canvass.reviewed_by})")
    before = canvass.status
    canvass.status = status
    canvass.reviewed_by, canvass.reviewed_at, canvass.review_note = actor.email, utcnow(), note
    audit.record(
        session,
        actor.email,
        f"session.{decision}",
        f"session/{canvass.id}",
        old=before,
        new=status,
        note=note,
    )
    return canvass


def sessions_for(session: Session, actor: Actor, status: str | None) -> list[CanvassSession]:
    """What the workspace lists: admins everything; others what they host or review."""
    rows = queries.all_sessions(session, status)
    if actor.role == "admin":
        return rows
    return [c for c in rows if may_see(actor, c, placed_of(session, c))]


NAME_STORED = 200  # rsvps.name


def take_place(
    session: Session, session_id: int, *, name: str, contact: str, now: datetime
) -> tuple[Rsvp, int]:
    """One volunteer's place, or a refusal when the session is full, over, or already
    has this contact. Returns the RSVP and the places left.

    The session row is locked first (a row lock on PostgreSQL, the write lock on
    SQLite), so two volunteers racing for the last place cannot both get it."""
    locked = session.execute(
        update(CanvassSession)
        .where(CanvassSession.id == session_id, CanvassSession.status == "approved")
        .values(capacity=CanvassSession.capacity)
    )
    if locked.rowcount == 0:
        raise NotFound(f"no session #{session_id}")
    canvass = session.get(CanvassSession, session_id)
    if canvass.ends_at <= now:
        raise Conflict(f"{canvass.title} has already ended", code="ended")
    # Typed names are at most 100 characters (the API and the form say so); stored,
    # after NFKC, up to the column's 200, as a ligature or a full-width letter grows.
    name = text_field({"name": name}, "name", line=None, limit=NAME_STORED, required=True)
    contact = volunteer_contact(contact or "", where=place(None, "contact"))
    if session.scalar(
        select(Rsvp.id).where(Rsvp.session_id == session_id, Rsvp.contact == contact)
    ):
        raise Conflict(f"{contact} already has a place at {canvass.title}", code="already_booked")
    taken = session.scalar(select(func.count(Rsvp.id)).where(Rsvp.session_id == session_id))
    if taken >= canvass.capacity:
        raise Conflict(
            f"{canvass.title} is full: all {canvass.capacity} places are taken", code="full"
        )
    rsvp = Rsvp(session_id=session_id, name=name, contact=contact)
    session.add(rsvp)
    try:
        session.flush()
    except IntegrityError:
        raise Conflict(
            f"{contact} already has a place at {canvass.title}", code="already_booked"
        ) from None
    # Every worker's need board counts the place taken from this, without a rebuild.
    slug = session.get(BoundarySet, canvass.set_id).slug
    day = canvass.starts_at.date().isoformat()  # as queries.committed_counts counts it
    versions.describe(session, ("book", slug, canvass.district_code, day, canvass.id))
    audit.record(session, "public", "rsvp.create", f"session/{session_id}", rsvp=rsvp.id)
    return rsvp, canvass.capacity - taken - 1


def describe(canvass: CanvassSession, taken: int, placed: Placed) -> dict:
    """The public face of an approved session (JSON, page and calendar share it)."""
    return {
        "id": canvass.id,
        "title": canvass.title,
        "starts_at": canvass.starts_at.isoformat(),
        "ends_at": canvass.ends_at.isoformat(),
        "lat": canvass.lat,
        "lon": canvass.lon,
        "district": {"set": placed.set_slug, "code": placed.code, "name": placed.name},
        "capacity": canvass.capacity,
        "taken": taken,
        "free_places": max(canvass.capacity - taken, 0),
        "contact": canvass.contact,
        "accessibility": canvass.accessibility,
        "short_walks": canvass.short_walks,
    }


def public_detail(session: Session, session_id: int) -> dict:
    canvass = public_session(session, session_id)
    return describe(canvass, queries.rsvp_count(session, session_id), placed_of(session, canvass))


def district_calendar(session: Session, code: str, now: datetime) -> tuple[str, list[dict]]:
    """(district name, its approved sessions that have not ended) for a feed."""
    boundary_set, district = queries.active_district(session, code)
    return district.name, upcoming_in_district(session, boundary_set, district, now)


def upcoming_in_district(session: Session, boundary_set, district, now: datetime) -> list[dict]:
    """A district's approved sessions that have not ended, soonest first."""
    placed = Placed(boundary_set.slug, district.code, district.name, district.parent_code)
    return [
        describe(canvass, taken, placed)
        for canvass, taken in queries.upcoming_sessions(
            session, boundary_set.id, now, district.code
        )
    ]

"""Coordinator need edits: each a new row (history is never overwritten), refused
when someone else changed the district since the editor loaded it."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from turfmap.coordination import audit
from turfmap.coordination.permissions import Actor, require_district
from turfmap.errors import Conflict, InputError, NotFound, shown
from turfmap.inputs.text import clean_cell
from turfmap.store import queries
from turfmap.store.models import Need


def latest_need_id(session: Session, set_id: int, code: str) -> int | None:
    history = queries.need_history(session, set_id, code)
    return history[0].id if history else None


def edit_need(
    session: Session,
    actor: Actor,
    *,
    set_slug: str,
    code: str,
    score: float,
    reason: str,
    expires: date | None,
    base_id: int | None,
    today: date,
) -> Need:
    boundary_set, district = queries.active_district(session, code)
    if boundary_set.slug != set_slug:
        raise NotFound(f"no active district {shown(code)} in set {shown(set_slug)}")
    require_district(actor, set_slug, code, district.parent_code)
    if not 0 <= score <= 100:
        raise InputError(f"need {score:g} is out of range: needs run from 0 to 100")
    reason = clean_cell(reason, "field 'reason'", limit=500)
    if not reason:
        raise InputError("a reason is required")
    if expires is not None and expires < today:
        raise InputError(f"expiry {expires} is already past")
    current = latest_need_id(session, boundary_set.id, code)
    if current != base_id:
        latest = queries.need_history(session, boundary_set.id, code)[0]
        raise Conflict(
            f"{latest.author} changed the need of {district.name} to {latest.score:g} "
            f"({latest.reason}) after you opened it; nothing was saved. Review it and try again."
        )
    previous = queries.current_needs(session, boundary_set.id, today, code).get(code)
    need = Need(
        set_id=boundary_set.id,
        district_code=code,
        score=score,
        source="coordinator",
        reason=reason,
        author=actor.email,
        expires_on=expires,
    )
    session.add(need)
    session.flush()
    audit.record(
        session,
        actor.email,
        "need.edit",
        f"{set_slug}/{code}",
        old=None if previous is None else previous.score,
        new=score,
        reason=reason,
        expires=expires.isoformat() if expires else None,
        need_id=need.id,
    )
    return need


def revert_need(
    session: Session,
    actor: Actor,
    *,
    set_slug: str,
    code: str,
    need_id: int,
    base_id: int | None,
    today: date,
) -> Need:
    """Make an earlier statement current again, as a new change."""
    boundary_set, _ = queries.active_district(session, code)
    earlier = session.get(Need, need_id)
    if earlier is None or earlier.set_id != boundary_set.id or earlier.district_code != code:
        raise NotFound(f"no need #{need_id} for {code}")
    return edit_need(
        session,
        actor,
        set_slug=set_slug,
        code=code,
        score=earlier.score,
        reason=f"Reverted to #{need_id}: {earlier.reason}",
        expires=None,
        base_id=base_id,
        today=today,
    )

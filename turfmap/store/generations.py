"""Switching boundary generations on: the one write that changes what the public sees."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from turfmap.errors import InputError, NotFound, shown
from turfmap.store.models import BoundarySet, Generation, utcnow
from turfmap.store.queries import get_set


def activate(session: Session, set_slug: str, number: int | None = None) -> Generation:
    """Make generation ``number`` (default: the newest) the set's active one."""
    boundary_set = get_set(session, set_slug)
    query = select(Generation).where(Generation.set_id == boundary_set.id)
    if number is None:
        generation = session.scalar(query.order_by(Generation.number.desc()))
    else:
        generation = session.scalar(query.where(Generation.number == number))
    if generation is None:
        raise NotFound(
            f"set {shown(set_slug)} has no generation {number if number else ''}".strip()
        )
    session.execute(
        update(Generation).where(Generation.set_id == boundary_set.id).values(active=False)
    )
    generation.active = True
    generation.activated_at = utcnow()
    session.flush()
    return generation


def generations(session: Session, set_slug: str | None = None) -> list[Generation]:
    query = select(Generation).order_by(Generation.set_id, Generation.number)
    if set_slug:
        query = query.where(Generation.set_id == get_set(session, set_slug).id)
    return list(session.scalars(query))


def generation_of(session: Session, boundary_set: BoundarySet, number: int | None) -> Generation:
    """Generation ``number`` of the set, or without a number the newest one (active
    or not: what is imported for it is ready before it is switched on)."""
    query = select(Generation).where(Generation.set_id == boundary_set.id)
    if number is not None:
        query = query.where(Generation.number == number)
    generation = session.scalar(query.order_by(Generation.number.desc()))
    if generation is None:
        raise InputError(
            f"boundary set {boundary_set.slug!r} has no generation {number}"
            if number is not None
            else f"boundary set {boundary_set.slug!r} has no boundaries imported yet"
        )
    return generation

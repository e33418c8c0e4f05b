"""Activating a boundary generation, audited: it changes what the public sees."""

from __future__ import annotations

from sqlalchemy.orm import Session

from turfmap.coordination import audit
from turfmap.store import generations
from turfmap.store.models import Generation


def activate_generation(
    session: Session, actor: str, set_slug: str, number: int | None = None
) -> Generation:
    previous = [g.number for g in generations.generations(session, set_slug) if g.active]
    generation = generations.activate(session, set_slug, number)
    audit.record(
        session,
        actor,
        "generation.activate",
        set_slug,
        old=previous[0] if previous else None,
        new=generation.number,
    )
    return generation

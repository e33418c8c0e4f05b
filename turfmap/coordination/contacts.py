"""A district's contact: how volunteers reach its organisers where no session is
planned (a web page, an email address or a phone number, and a line of text).
Set by the district's coordinators; every change is in the audit log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from turfmap.coordination import audit
from turfmap.coordination.permissions import Actor, require_district
from turfmap.coordination.session_fields import contact_link
from turfmap.errors import NotFound, shown
from turfmap.inputs.text import clean_cell
from turfmap.store import queries
from turfmap.store.models import DistrictContact


def set_contact(
    session: Session, actor: Actor, *, set_slug: str, code: str, link: str, text: str, now: datetime
) -> DistrictContact | None:
    """Store the district's contact, or remove it when ``link`` is empty."""
    boundary_set, district = queries.active_district(session, code)
    if boundary_set.slug != set_slug:
        raise NotFound(f"no active district {shown(code)} in set {shown(set_slug)}")
    require_district(actor, set_slug, code, district.parent_code)
    current = contact_of(session, boundary_set.id, code)
    if not (link or "").strip():
        if current is not None:
            session.delete(current)
            audit.record(session, actor.email, "contact.remove", f"{set_slug}/{code}")
        return None
    link = contact_link(link, where="field 'link'")
    text = clean_cell(text, "field 'text'", limit=200)
    if current is None:
        current = DistrictContact(set_id=boundary_set.id, district_code=code)
        session.add(current)
    current.link, current.text, current.author, current.updated_at = link, text, actor.email, now
    audit.record(session, actor.email, "contact.set", f"{set_slug}/{code}", link=link, text=text)
    return current


def contact_of(session: Session, set_id: int, code: str) -> DistrictContact | None:
    return session.scalar(
        select(DistrictContact).where(
            DistrictContact.set_id == set_id, DistrictContact.district_code == code
        )
    )


def public_contact(contact: DistrictContact | None) -> dict | None:
    """What volunteers see of it."""
    if contact is None:
        return None
    return {"link": contact.link, "text": contact.text}

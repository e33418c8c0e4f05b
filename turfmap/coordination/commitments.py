"""Commitments: a volunteer accepts a recommendation ("I'll go there today"). Each
counts against the district's capacity for the day, so the next volunteer is sent
elsewhere; each needs a token the server issued with the recommendation, and each
token counts once (recommend/tokens.py). Every commitment is in the audit log,
without anything about the person."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from turfmap.coordination import audit
from turfmap.errors import Conflict, NotFound
from turfmap.recommend.tokens import Granted
from turfmap.store import queries, versions
from turfmap.store.models import Commitment


def record_commitment(session: Session, granted: Granted) -> Commitment:
    """Store one volunteer's acceptance, or 409 if the token was used already."""
    try:
        boundary_set, _ = queries.active_district(session, granted.code)
    except NotFound:
        boundary_set = None
    if boundary_set is None or boundary_set.slug != granted.set_slug:
        # Issued before a new generation was activated, and its district is gone.
        raise NotFound(f"no active district {granted.code!r} in set {granted.set_slug!r}")
    commitment = Commitment(
        set_id=boundary_set.id,
        district_code=granted.code,
        day=granted.day,
        token_nonce=granted.nonce,
    )
    try:
        with session.begin_nested():
            session.add(commitment)
            session.flush()
    except IntegrityError:
        raise Conflict(
            "this recommendation was already accepted; each one counts once",
            code="already_used",
        ) from None
    # Every worker's need board counts it from this, without a rebuild.
    versions.describe(session, ("commit", granted.set_slug, granted.code, granted.day.isoformat()))
    audit.record(
        session,
        "public",
        "commitment.create",
        f"{granted.set_slug}/{granted.code}",
        day=granted.day.isoformat(),
        commitment=commitment.id,
    )
    return commitment

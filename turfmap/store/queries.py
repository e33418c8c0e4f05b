"""Named reads (and the few small writes other layers share). Every query the rest
of turfmap makes goes through a function here, so views and pipelines hold no SQL."""

from __future__ import annotations

import hashlib
from datetime import date

from sqlalchemy import func, or_, select, text
from sqlalchemy.orm import Session, load_only

from turfmap.errors import InputError, NotFound, shown
from turfmap.store import versions
from turfmap.store.models import (
    Base,
    BoundarySet,
    CanvassSession,
    Commitment,
    District,
    DistrictContact,
    DistrictShape,
    ElectionResult,
    Generation,
    HexCell,
    ImportRun,
    Need,
    Postcode,
    Rsvp,
)


def get_set(session: Session, slug: str) -> BoundarySet:
    found = session.scalar(select(BoundarySet).where(BoundarySet.slug == slug))
    if found is None:
        known = ", ".join(session.scalars(select(BoundarySet.slug))) or "none yet"
        raise NotFound(f"no boundary set {shown(slug)} (known: {known})")
    return found


def set_by_id(session: Session, set_id: int) -> BoundarySet:
    return session.get(BoundarySet, set_id)


def set_slugs(session: Session) -> list[str]:
    return list(session.scalars(select(BoundarySet.slug).order_by(BoundarySet.slug)))


def find_set(session: Session, slug: str) -> BoundarySet | None:
    return session.scalar(select(BoundarySet).where(BoundarySet.slug == slug))


def active_generation(session: Session, set_id: int) -> Generation | None:
    return session.scalar(
        select(Generation).where(Generation.set_id == set_id, Generation.active.is_(True))
    )


def reference_generation(session: Session, boundary_set: BoundarySet) -> Generation:
    """The generation that results and needs are checked against: the active one,
    or before anything is activated the newest one."""
    generation = active_generation(session, boundary_set.id) or session.scalar(
        select(Generation)
        .where(Generation.set_id == boundary_set.id)
        .order_by(Generation.number.desc())
    )
    if generation is None:
        raise InputError(f"boundary set {boundary_set.slug!r} has no boundaries imported yet")
    return generation


def district_codes(session: Session, generation_id: int) -> set[str]:
    return set(
        session.scalars(select(District.code).where(District.generation_id == generation_id))
    )


def district_index(session: Session, generation_id: int) -> dict[str, tuple[str, str | None]]:
    """{code: (name, parent code)} for one generation."""
    rows = session.execute(
        select(District.code, District.name, District.parent_code).where(
            District.generation_id == generation_id
        )
    )
    return {code: (name, parent) for code, name, parent in rows}


def district_name_and_parent(
    session: Session, generation_id: int, code: str
) -> tuple[str, str | None] | None:
    row = session.execute(
        select(District.name, District.parent_code).where(
            District.generation_id == generation_id, District.code == code
        )
    ).first()
    return None if row is None else (row[0], row[1])


def active_districts(session: Session, *, with_geometry: bool = True):
    """(set slug, District) for every district of every active generation."""
    columns = [District.id, District.code, District.name, District.name_alt, District.parent_code]
    columns.append(District.area_m2)
    columns += [District.point_lon, District.point_lat, District.generation_id]
    if with_geometry:
        columns.append(District.geometry)
    query = (
        select(BoundarySet.slug, District)
        .join(Generation, District.generation_id == Generation.id)
        .join(BoundarySet, Generation.set_id == BoundarySet.id)
        .where(Generation.active.is_(True))
        .options(load_only(*columns))
        .order_by(BoundarySet.slug, District.code)
    )
    return session.execute(query).all()


def active_district(session: Session, code: str) -> tuple[BoundarySet, District]:
    row = session.execute(
        select(BoundarySet, District)
        .join(Generation, District.generation_id == Generation.id)
        .join(BoundarySet, Generation.set_id == BoundarySet.id)
        .where(Generation.active.is_(True), District.code == code)
    ).first()
    if row is None:
        raise NotFound(f"no district with code {shown(code)} in any active boundary set")
    return row[0], row[1]


def parent_districts(session: Session, boundary_set: BoundarySet) -> list[District]:
    return list(
        session.scalars(
            select(District).where(
                District.generation_id == reference_generation(session, boundary_set).id
            )
        )
    )


def child_districts(session: Session, parent_code: str) -> list[District]:
    return list(
        session.scalars(
            select(District)
            .join(Generation, District.generation_id == Generation.id)
            .where(Generation.active.is_(True), District.parent_code == parent_code)
            .options(load_only(District.code, District.name))
            .order_by(District.name)
        )
    )


def shapes_for(session: Session, district_ids: list[int], band: int | None):
    """{district id: geometry} at ``band``; None asks for the full geometry."""
    if not district_ids:
        return {}
    if band is None:
        rows = session.execute(
            select(District.id, District.geometry).where(District.id.in_(district_ids))
        )
    else:
        rows = session.execute(
            select(DistrictShape.district_id, DistrictShape.geometry).where(
                DistrictShape.district_id.in_(district_ids), DistrictShape.band == band
            )
        )
    return dict(rows.all())


def latest_results(
    session: Session, set_id: int, code: str | None = None, generation_id: int | None = None
) -> dict[str, ElectionResult]:
    """The most recently imported result for each district of a generation of the
    set (default: the active one), or for ``code``."""
    if generation_id is None:
        generation_id = (
            select(Generation.id)
            .where(Generation.set_id == set_id, Generation.active.is_(True))
            .scalar_subquery()
        )
    query = select(ElectionResult).where(ElectionResult.generation_id == generation_id)
    if code is not None:
        query = query.where(ElectionResult.district_code == code)
    results = session.scalars(query.order_by(ElectionResult.id))
    return {r.district_code: r for r in results}


def import_dates(session: Session, run_ids) -> dict[int, date]:
    """The day each of the import runs ``run_ids`` started."""
    ids = sorted({i for i in run_ids if i is not None})
    rows = session.execute(select(ImportRun.id, ImportRun.started_at).where(ImportRun.id.in_(ids)))
    return {run_id: started.date() for run_id, started in rows}


def current_needs(
    session: Session, set_id: int, today: date, code: str | None = None
) -> dict[str, Need]:
    """Per district (or for ``code`` only), the newest coordinator need that has not
    expired (the one rule for which statement is in force; recommend.board turns it
    into today's need). History rows are never changed."""
    query = select(Need).where(
        Need.set_id == set_id,
        Need.source == "coordinator",
        or_(Need.expires_on.is_(None), Need.expires_on >= today),
    )
    if code is not None:
        query = query.where(Need.district_code == code)
    rows = session.scalars(query.order_by(Need.created_at, Need.id))
    return {need.district_code: need for need in rows}


def need_history(session: Session, set_id: int, code: str) -> list[Need]:
    return list(
        session.scalars(
            select(Need)
            .where(Need.set_id == set_id, Need.district_code == code)
            .order_by(Need.created_at.desc(), Need.id.desc())
        )
    )


def latest_need_ids(session: Session, set_id: int, codes: list[str]) -> dict[str, int]:
    """{code: id of its newest need row}, for the districts in ``codes`` that have any."""
    if not codes:
        return {}
    rows = session.execute(
        select(Need.district_code, func.max(Need.id))
        .where(Need.set_id == set_id, Need.district_code.in_(codes))
        .group_by(Need.district_code)
    )
    return dict(rows.all())


def postcode_point(session: Session, postcode: str) -> Postcode | None:
    return session.get(Postcode, postcode)


def sets_summary(session: Session):
    """(BoundarySet, active Generation or None, district count, generation count)."""
    counts = (
        select(District.generation_id, func.count().label("n"))
        .group_by(District.generation_id)
        .subquery()
    )
    rows = []
    for boundary_set in session.scalars(select(BoundarySet).order_by(BoundarySet.slug)):
        generation = active_generation(session, boundary_set.id)
        n = 0
        if generation is not None:
            n = (
                session.scalar(select(counts.c.n).where(counts.c.generation_id == generation.id))
                or 0
            )
        rows.append((boundary_set, generation, n, len(boundary_set.generations)))
    return rows


def index_state_token(session: Session) -> dict[str, int]:
    """Changes whenever boundaries change or a generation is activated, so web
    workers know to rebuild their spatial index (one read of three rows)."""
    return {versions.INDEX: versions.read(session)[versions.INDEX]}


def any_active(session: Session) -> bool:
    active = select(Generation.id).where(Generation.active.is_(True)).limit(1)
    return session.scalar(active) is not None


def table_counts(session: Session) -> dict[str, int]:
    return {
        table.name: session.scalar(select(func.count()).select_from(table)) or 0
        for table in Base.metadata.sorted_tables
    }


def database_bytes(session: Session) -> int | None:
    """The database's size on disk (None where the backend cannot say)."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return session.scalar(text("SELECT pg_database_size(current_database())"))
    if dialect == "sqlite":
        pages = session.scalar(text("PRAGMA page_count")) or 0
        return pages * (session.scalar(text("PRAGMA page_size")) or 0)
    return None


def active_checksum(session: Session) -> str:
    """A digest of what the public sees: active districts with their geometry,
    results and needs. Tests compare it before and after a refused import."""
    digest = hashlib.sha256()
    for slug, district in active_districts(session):
        digest.update(f"{slug}|{district.code}|{district.name}|{district.parent_code}".encode())
        digest.update(district.geometry.wkb)
    for row in session.execute(
        select(ElectionResult.set_id, ElectionResult.district_code, ElectionResult.votes).order_by(
            ElectionResult.id
        )
    ):
        digest.update(repr(tuple(row)).encode())
    for row in session.execute(
        select(Need.set_id, Need.district_code, Need.score, Need.reason).order_by(Need.id)
    ):
        digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def committed_counts(session: Session, set_id: int, day: date) -> dict[str, int]:
    """Volunteers already committed to each district on ``day``: accepted
    recommendations plus RSVPs to approved sessions that day."""
    counts: dict[str, int] = {}
    for code, n in session.execute(
        select(Commitment.district_code, func.count())
        .where(Commitment.set_id == set_id, Commitment.day == day)
        .group_by(Commitment.district_code)
    ):
        counts[code] = counts.get(code, 0) + n
    for code, starts_at, n in session.execute(
        select(CanvassSession.district_code, CanvassSession.starts_at, func.count(Rsvp.id))
        .join(Rsvp, Rsvp.session_id == CanvassSession.id)
        .where(CanvassSession.set_id == set_id, CanvassSession.status == "approved")
        .group_by(CanvassSession.id)
    ):
        if starts_at.date() == day:
            counts[code] = counts.get(code, 0) + n
    return counts


def upcoming_sessions(
    session: Session, set_id: int, after, code: str | None = None
) -> list[tuple[CanvassSession, int]]:
    """Approved sessions that have not ended (in district ``code``, or all), with
    their RSVP counts, soonest first."""
    query = (
        select(CanvassSession, func.count(Rsvp.id))
        .outerjoin(Rsvp, Rsvp.session_id == CanvassSession.id)
        .where(
            CanvassSession.set_id == set_id,
            CanvassSession.status == "approved",
            CanvassSession.ends_at >= after,
        )
        .group_by(CanvassSession.id)
        .order_by(CanvassSession.starts_at)
    )
    if code is not None:
        query = query.where(CanvassSession.district_code == code)
    return [(s, n) for s, n in session.execute(query).all()]


def all_sessions(session: Session, status: str | None = None) -> list[CanvassSession]:
    """Sessions of every status (the workspace's list), soonest first."""
    query = select(CanvassSession).order_by(CanvassSession.starts_at, CanvassSession.id)
    if status:
        query = query.where(CanvassSession.status == status)
    return list(session.scalars(query))


def session_rsvps(session: Session, session_id: int) -> list[Rsvp]:
    return list(
        session.scalars(select(Rsvp).where(Rsvp.session_id == session_id).order_by(Rsvp.id))
    )


def rsvp_count(session: Session, session_id: int) -> int:
    return session.scalar(select(func.count(Rsvp.id)).where(Rsvp.session_id == session_id)) or 0


def needs_state_token(session: Session) -> dict[str, int]:
    """Changes when anything feeding the need board changes: boundaries, results,
    coordinators' needs, sessions, RSVPs, commitments."""
    return versions.read(session)


def latest_coordinator_needs(session: Session, set_id: int) -> dict[str, Need]:
    """Per district, the newest coordinator statement, expired or not."""
    rows = session.scalars(
        select(Need)
        .where(Need.set_id == set_id, Need.source == "coordinator")
        .order_by(Need.created_at, Need.id)
    )
    return {need.district_code: need for need in rows}


def district_contacts(session: Session, set_id: int) -> dict[str, dict]:
    """Per district with one, its contact as volunteers see it: {"link", "text"}."""
    rows = session.execute(
        select(DistrictContact.district_code, DistrictContact.link, DistrictContact.text).where(
            DistrictContact.set_id == set_id
        )
    )
    return {code: {"link": link, "text": text} for code, link, text in rows}


def hex_cells(session: Session, set_id: int) -> list[HexCell]:
    return list(session.scalars(select(HexCell).where(HexCell.set_id == set_id)))

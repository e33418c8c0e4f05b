"""Named queries for doors, the street network and turfs (store/turf_models.py)."""

from __future__ import annotations

from datetime import date

import shapely
from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from turfmap.store.models import BoundarySet, District, Generation, Postcode
from turfmap.store.turf_models import (
    CanvassProgress,
    Door,
    DoorDistrict,
    StreetBarrier,
    StreetEdge,
    Turf,
    TurfDoor,
)

BATCH = 2000


def postcode_points(session: Session, postcodes: set[str]) -> dict[str, tuple[float, float]]:
    """(lon, lat) of each of ``postcodes`` that has been imported."""
    found = {}
    wanted = sorted(postcodes)
    for start in range(0, len(wanted), BATCH):
        chunk = wanted[start : start + BATCH]
        rows = session.execute(
            select(Postcode.postcode, Postcode.lon, Postcode.lat).where(
                Postcode.postcode.in_(chunk)
            )
        )
        found.update({code: (lon, lat) for code, lon, lat in rows})
    return found


def door_identities(session: Session, set_id: int):
    """(uprn, household, lon, lat, address) of every door stored for the set."""
    return session.execute(
        select(Door.uprn, Door.household, Door.lon, Door.lat, Door.address).where(
            Door.set_id == set_id
        )
    ).all()


def add_doors(session: Session, doors: list[dict], places: list[dict[int, str]]) -> list[int]:
    """Insert doors (with their district in every active set, by set id) and return
    their ids, in order."""
    ids: list[int] = []
    for start in range(0, len(doors), BATCH):
        chunk = doors[start : start + BATCH]
        ids.extend(session.scalars(insert(Door).returning(Door.id, sort_by_parameter_order=True),
                                   chunk))  # fmt: skip
    rows = [
        {"door_id": door_id, "set_id": set_id, "district_code": code}
        for door_id, place in zip(ids, places, strict=True)
        for set_id, code in place.items()
    ]
    for start in range(0, len(rows), BATCH):
        session.execute(insert(DoorDistrict), rows[start : start + BATCH])
    return ids


def doors_placed_in(session: Session, set_id: int, code: str) -> list[Door]:
    """Doors inside a district of the set, whichever set they were imported for
    (so a ward's doors are found among a seat's)."""
    return list(
        session.scalars(
            select(Door)
            .join(DoorDistrict, DoorDistrict.door_id == Door.id)
            .where(DoorDistrict.set_id == set_id, DoorDistrict.district_code == code)
            .order_by(Door.id)
        )
    )


def active_district_in_set(session: Session, set_id: int, code: str) -> District | None:
    return session.scalar(
        select(District)
        .join(Generation, District.generation_id == Generation.id)
        .where(Generation.set_id == set_id, Generation.active.is_(True), District.code == code)
    )


def door_count(session: Session, set_id: int, code: str | None = None) -> int:
    query = select(func.count()).select_from(Door).where(Door.set_id == set_id)
    if code is not None:
        query = query.where(Door.district_code == code)
    return session.scalar(query)


def streets_within(session: Session, area) -> tuple[list[StreetEdge], list[StreetBarrier]]:
    """Street edges and barriers that meet ``area``: found by their stored bounding
    boxes in SQL (indexed on both backends), then tested exactly with shapely."""
    minx, miny, maxx, maxy = area.bounds
    found = []
    for model in (StreetEdge, StreetBarrier):
        rows = session.scalars(
            select(model)
            .where(
                model.min_lon <= maxx,
                model.max_lon >= minx,
                model.min_lat <= maxy,
                model.max_lat >= miny,
            )
            .order_by(model.id)
        )
        found.append(list(rows))
    shapely.prepare(area)
    return tuple([row for row in rows if area.intersects(row.geometry)] for rows in found)


def box_columns(geometry) -> dict[str, float]:
    minx, miny, maxx, maxy = geometry.bounds
    return {"min_lon": minx, "min_lat": miny, "max_lon": maxx, "max_lat": maxy}


def street_edge_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(StreetEdge))


def district_turfs(session: Session, set_id: int, code: str, *, held_only=False) -> list[Turf]:
    query = select(Turf).where(Turf.set_id == set_id, Turf.district_code == code)
    if held_only:
        query = query.where(Turf.status != "unassigned")
    return list(session.scalars(query.order_by(Turf.number)))


def next_turf_number(session: Session, set_id: int, code: str) -> int:
    """Numbers follow on from the district's turfs that remain, so a turf handed out
    as "turf 7" keeps its number when the rest are cut again."""
    highest = session.scalar(
        select(func.max(Turf.number)).where(Turf.set_id == set_id, Turf.district_code == code)
    )
    return (highest or 0) + 1


def replace_unassigned_turfs(session: Session, set_id: int, code: str) -> int:
    """Remove the district's turfs that nobody holds yet, before a new cut."""
    ids = list(
        session.scalars(
            select(Turf.id).where(
                Turf.set_id == set_id, Turf.district_code == code, Turf.status == "unassigned"
            )
        )
    )
    if ids:
        session.execute(delete(TurfDoor).where(TurfDoor.turf_id.in_(ids)))
        session.execute(delete(Turf).where(Turf.id.in_(ids)))
    return len(ids)


def doors_in_held_turfs(session: Session, set_id: int, code: str) -> set[int]:
    """Doors already in a turf that has been handed out: a new cut leaves them be."""
    rows = session.scalars(
        select(TurfDoor.door_id)
        .join(Turf, Turf.id == TurfDoor.turf_id)
        .where(Turf.set_id == set_id, Turf.district_code == code, Turf.status != "unassigned")
    )
    return set(rows)


def turf_doors(session: Session, turf_id: int) -> list[Door]:
    return list(
        session.scalars(
            select(Door)
            .join(TurfDoor, TurfDoor.door_id == Door.id)
            .where(TurfDoor.turf_id == turf_id)
            .order_by(TurfDoor.position)
        )
    )


def set_and_parent(session: Session, set_id: int, code: str) -> tuple[str, str | None]:
    """The set's slug and the district's parent code, for a permission check."""
    slug = session.scalar(select(BoundarySet.slug).where(BoundarySet.id == set_id))
    district = active_district_in_set(session, set_id, code)
    return slug, district.parent_code if district is not None else None


def doors_covered(session: Session, set_id: int, since: date) -> dict[str, int]:
    """Doors knocked per district since ``since`` (each door once a day)."""
    rows = session.execute(
        select(CanvassProgress.district_code, func.sum(CanvassProgress.doors))
        .where(CanvassProgress.set_id == set_id, CanvassProgress.day >= since)
        .group_by(CanvassProgress.district_code)
    )
    return {code: int(n) for code, n in rows}


def door_totals(session: Session, set_id: int) -> dict[str, int]:
    rows = session.execute(
        select(DoorDistrict.district_code, func.count())
        .where(DoorDistrict.set_id == set_id)
        .group_by(DoorDistrict.district_code)
    )
    return dict(rows.all())


def reorder_turf(session: Session, turf_id: int, door_ids: list[int]) -> None:
    """The turf's doors in a new walking order."""
    rows = {
        r.door_id: r for r in session.scalars(select(TurfDoor).where(TurfDoor.turf_id == turf_id))
    }
    for position, door_id in enumerate(door_ids):
        rows[door_id].position = position

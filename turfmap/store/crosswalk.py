"""The crosswalk between a set's generations, as stored (pipeline/crosswalk.py
works it out): written with a new generation, read for a district's history."""

from __future__ import annotations

import numpy as np
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from turfmap.store.models import CrosswalkShare, District, Generation, Postcode


def codes_and_ids(session: Session, generation_id: int) -> dict[str, int]:
    """{code: district id} of one generation, in order of code."""
    rows = session.execute(
        select(District.code, District.id)
        .where(District.generation_id == generation_id)
        .order_by(District.code)
    )
    return dict(rows.all())


def postcode_positions(session: Session) -> np.ndarray:
    """Every imported postcode's lon/lat, as an (n, 2) array (n may be 0)."""
    rows = session.execute(select(Postcode.lon, Postcode.lat)).all()
    return np.array(rows, dtype=float).reshape(-1, 2)


def store_crosswalk(session: Session, to_generation: int, from_generation: int, found) -> None:
    """The shares of a pipeline.crosswalk.Crosswalk, in one insert."""
    rows = [
        {
            "to_generation_id": to_generation,
            "from_generation_id": from_generation,
            "new_code": share.new_code,
            "old_code": share.old_code,
            "area_share": share.area_share,
            "people_share": share.people_share,
            "status": found.status[share.new_code],
        }
        for share in found.shares
    ]
    if rows:
        session.execute(insert(CrosswalkShare), rows)


def predecessors(session: Session, district: District) -> dict | None:
    """Where a district came from, by the crosswalk made when its generation was
    imported (pipeline/crosswalk.py); None for a set's first generation."""
    rows = session.execute(
        select(CrosswalkShare, District.name, Generation.number)
        .join(Generation, Generation.id == CrosswalkShare.from_generation_id)
        .outerjoin(
            District,
            (District.generation_id == CrosswalkShare.from_generation_id)
            & (District.code == CrosswalkShare.old_code),
        )
        .where(
            CrosswalkShare.to_generation_id == district.generation_id,
            CrosswalkShare.new_code == district.code,
        )
        .order_by(CrosswalkShare.area_share.desc())
    ).all()
    if not rows:
        return None
    return {
        "outline": rows[0][0].status,
        "from_generation": rows[0][2],
        "predecessors": [
            {
                "code": share.old_code,
                "name": name,
                "area_share": round(share.area_share, 4),
                "people_share": None
                if share.people_share is None
                else round(share.people_share, 4),
            }
            for share, name, _ in rows
        ],
    }

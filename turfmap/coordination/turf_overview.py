"""What a coordinator sees of a district's turfs: each turf's status, doors knocked,
session and links; the outcomes to check; and the outcomes as CSV for export."""

from __future__ import annotations

import csv
import io

from sqlalchemy import func, select

from turfmap.coordination.canvass import OUTCOMES
from turfmap.coordination.permissions import Actor, require_district
from turfmap.errors import NotFound
from turfmap.inputs.text import neutralise
from turfmap.store import doorstep
from turfmap.store.models import CanvassSession
from turfmap.store.queries import get_set
from turfmap.store.turf_models import Door, DoorOutcome, Turf, TurfDoor, WalkLink


def district_turfs(session, actor: Actor, set_slug: str, code: str) -> dict:
    boundary_set = get_set(session, set_slug)
    district = doorstep.active_district_in_set(session, boundary_set.id, code)
    if district is None:
        raise NotFound(f"no district {code!r} in the active generation of {set_slug!r}")
    require_district(actor, set_slug, code, district.parent_code)
    turfs = doorstep.district_turfs(session, boundary_set.id, code)
    knocked = dict(
        session.execute(
            select(DoorOutcome.turf_id, func.count(func.distinct(DoorOutcome.door_id)))
            .where(DoorOutcome.turf_id.in_([t.id for t in turfs]))
            .group_by(DoorOutcome.turf_id)
        ).all()
    )
    links = dict(
        session.execute(
            select(WalkLink.turf_id, func.max(WalkLink.expires_at))
            .where(WalkLink.turf_id.in_([t.id for t in turfs]))
            .group_by(WalkLink.turf_id)
        ).all()
    )
    sessions = session.scalars(
        select(CanvassSession)
        .where(
            CanvassSession.set_id == boundary_set.id,
            CanvassSession.district_code == code,
            CanvassSession.status == "approved",
        )  # fmt: skip
        .order_by(CanvassSession.starts_at)
    ).all()
    rows = [
        {
            "turf": t,
            "knocked": knocked.get(t.id, 0),
            "percent": round(100 * knocked.get(t.id, 0) / t.door_count) if t.door_count else 0,
            "link_expires": links.get(t.id),
        }  # fmt: skip
        for t in turfs
    ]
    return {
        "set_slug": set_slug,
        "district": district,
        "rows": rows,
        "sessions": sessions,
        "doors": doorstep.door_count(session, boundary_set.id, code),
        "streets": doorstep.street_edge_count(session) > 0,
        "recent": recent_outcomes(session, [t.id for t in turfs]),
        "outcomes": OUTCOMES,
    }


def recent_outcomes(session, turf_ids: list[int], limit: int = 50):
    return session.execute(
        select(DoorOutcome, Turf.number, TurfDoor.position, Door.address)
        .join(Turf, Turf.id == DoorOutcome.turf_id)
        .join(
            TurfDoor,
            (TurfDoor.turf_id == DoorOutcome.turf_id) & (TurfDoor.door_id == DoorOutcome.door_id),
        )  # fmt: skip
        .join(Door, Door.id == DoorOutcome.door_id)
        .where(DoorOutcome.turf_id.in_(turf_ids))
        .order_by(DoorOutcome.recorded_at.desc())
        .limit(limit)
    ).all()


def turfs_geojson(page: dict) -> dict:
    """The turfs for the workspace map, with what the table says."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": r["turf"].id,
                "properties": {
                    "number": r["turf"].number,
                    "status": r["turf"].status,
                    "doors": r["turf"].door_count,
                    "percent": r["percent"],
                },
                "geometry": r["turf"].geometry.__geo_interface__,
            }  # fmt: skip
            for r in page["rows"]
        ],
    }


def outcomes_csv(session, actor: Actor, set_slug: str, code: str) -> str:
    """Every outcome of the district's turfs; cells that a spreadsheet would run as a
    formula are neutralised (inputs/text.py)."""
    page = district_turfs(session, actor, set_slug, code)
    ids = [r["turf"].id for r in page["rows"]]
    rows = recent_outcomes(session, ids, limit=1_000_000)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["turf", "door_in_walk_order", "address", "uprn", "outcome", "support",
                     "recorded_at", "corrected_by", "outcome_id"])  # fmt: skip
    uprns = dict(
        session.execute(select(Door.id, Door.uprn).where(Door.district_code == code)).all()
    )
    for outcome, number, position, address in reversed(rows):
        writer.writerow([neutralise(c) for c in (
            number, position + 1, address or "", uprns.get(outcome.door_id) or "",
            outcome.outcome, outcome.support if outcome.support is not None else "",
            outcome.recorded_at.isoformat(), outcome.corrected_by or "", outcome.id)])  # fmt: skip
    return out.getvalue()

"""Cutting a district into turfs and storing them (turf/cut.py does the cutting).

A new cut replaces the district's turfs that nobody holds yet; turfs already
handed out, and their doors, are left as they are. Every cut is in the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from turfmap.coordination import audit
from turfmap.errors import InputError, NotFound
from turfmap.store import doorstep
from turfmap.store.db import Database
from turfmap.store.queries import get_set
from turfmap.store.turf_models import Turf, TurfDoor
from turfmap.turf.cut import CutPlan, Streets, WalkPace, cut_doors, walk_turf

MIN_TARGET, MAX_TARGET = 10, 500
STREET_MARGIN_DEG = 0.005  # ~500 m: streets just outside the line still join doors inside


@dataclass
class CutReport:
    set_slug: str
    code: str
    target: int
    plan: CutPlan
    turf_ids: list[int] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)  # as stored: after the turfs kept
    kept: int = 0  # turfs already handed out, left as they were
    replaced: int = 0

    def render(self) -> str:
        sizes = sorted(len(t.doors) for t in self.plan.turfs)
        doors = sum(sizes)
        lines = [
            f"turfs for {self.code} in {self.set_slug!r}: {len(sizes)} turfs of about "
            f"{self.target} doors from {doors:,} doors "
            f"(smallest {sizes[0]}, median {sizes[len(sizes) // 2]}, largest {sizes[-1]})",
            *(f"  {note}" for note in self.plan.notes),
        ]
        if self.replaced or self.kept:
            lines.append(
                f"  {self.replaced} unassigned turf(s) replaced; {self.kept} handed out kept"
            )
        numbers = self.numbers or range(1, len(self.plan.turfs) + 1)
        for number, turf in zip(numbers, self.plan.turfs, strict=True):
            lines.append(
                f"  turf {number}: {len(turf.doors)} doors, {turf.metres / 1000:.1f} km "
                f"{'in straight lines' if self.plan.street_blind else 'along the streets'}, "
                f"about {turf.minutes:.0f} minutes (estimate)"
            )
        return "\n".join(lines)


def cut_district(
    db: Database,
    *,
    set_slug: str,
    code: str,
    target: int,
    author: str,
    pace: WalkPace | None = None,
    start_lonlat: tuple[float, float] | None = None,
) -> CutReport:
    if not MIN_TARGET <= target <= MAX_TARGET:
        raise InputError(
            f"--doors {target}: a turf holds {MIN_TARGET} to {MAX_TARGET} doors (60-120 is usual)"
        )
    found = _inputs(db, set_slug, code)
    lonlat = np.array([(d.lon, d.lat) for d in found.doors])
    plan = cut_doors(lonlat, found.area, target, found.streets, start_lonlat=start_lonlat,
                     pace=pace or WalkPace())  # fmt: skip
    report = CutReport(set_slug, code, target, plan, kept=found.kept)
    with db.transaction() as session:
        report.replaced = doorstep.replace_unassigned_turfs(session, found.set_id, code)
        first = doorstep.next_turf_number(session, found.set_id, code)
        for number, turf in enumerate(plan.turfs, first):
            report.turf_ids.append(_store(session, found, number, turf, plan, target, author))
        report.numbers = list(range(first, first + len(plan.turfs)))
        audit.record(session, author, "turfs.cut", f"{set_slug}/{code}", doors_target=target,
                     turfs=len(plan.turfs), doors=len(found.doors),
                     street_blind=plan.street_blind, replaced=report.replaced)  # fmt: skip
    return report


@dataclass
class _CutInputs:
    set_id: int
    code: str
    area: object  # the district's outline
    doors: list
    kept: int
    streets: Streets | None


def _inputs(db: Database, set_slug: str, code: str) -> _CutInputs:
    """The district, its doors not in a turf already handed out, and its streets."""
    with db.session() as session:
        boundary_set = get_set(session, set_slug)
        district = doorstep.active_district_in_set(session, boundary_set.id, code)
        if district is None:
            raise NotFound(f"no district {code!r} in the active generation of {set_slug!r}")
        held = doorstep.doors_in_held_turfs(session, boundary_set.id, code)
        placed = doorstep.doors_placed_in(session, boundary_set.id, code)
        doors = [d for d in placed if d.id not in held]
        kept = len(doorstep.district_turfs(session, boundary_set.id, code, held_only=True))
        edges, barriers = doorstep.streets_within(
            session, district.geometry.buffer(STREET_MARGIN_DEG)
        )
    if not doors:
        raise InputError(
            f"{code} has no doors to cut"
            + (" that are not in a turf already handed out" if held else "")
            + f": import them first (turfmap import doors FILE --set {set_slug})"
        )
    return _CutInputs(boundary_set.id, code, district.geometry, doors, kept,
                      _streets(edges, barriers))  # fmt: skip


def _store(session, found: _CutInputs, number: int, turf, plan, target: int, author: str) -> int:
    row = Turf(set_id=found.set_id, district_code=found.code, number=number,
               doors_target=target, door_count=len(turf.doors), route_metres=turf.metres,
               minutes_estimate=turf.minutes, street_blind=plan.street_blind,
               status="unassigned", created_by=author, geometry=turf.outline,
               route=turf.route)  # fmt: skip
    session.add(row)
    session.flush()
    session.add_all(
        TurfDoor(turf_id=row.id, door_id=found.doors[i].id, position=position)
        for position, i in enumerate(turf.doors)
    )
    return row.id


def _streets(edges, barriers) -> Streets | None:
    if not edges:
        return None
    return Streets(
        [e.geometry for e in edges],
        np.array([e.u for e in edges]),
        np.array([e.v for e in edges]),
        np.array([e.major for e in edges]),
        [b.geometry for b in barriers],
    )


def walk_from_meeting_point(session, turf: Turf, lon: float, lat: float, pace: WalkPace) -> None:
    """Order the turf's walk from a session's meeting point (in the caller's
    transaction): the doors' positions in the walk, the route and its minutes."""
    district = doorstep.active_district_in_set(session, turf.set_id, turf.district_code)
    doors = doorstep.turf_doors(session, turf.id)
    if district is None or not doors:
        return
    edges, barriers = doorstep.streets_within(session, district.geometry.buffer(STREET_MARGIN_DEG))
    lonlat = np.array([(d.lon, d.lat) for d in doors])
    plan = walk_turf(lonlat, district.geometry, _streets(edges, barriers), (lon, lat), pace=pace)
    doorstep.reorder_turf(session, turf.id, [doors[i].id for i in plan.doors])
    turf.route, turf.route_metres, turf.minutes_estimate = plan.route, plan.metres, plan.minutes

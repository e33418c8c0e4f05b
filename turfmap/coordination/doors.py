"""`turfmap import doors FILE --set SLUG`: a campaign's doors, placed in districts.

Each door is placed with the spatial index in every active set (the one named
by --set decides which district's turfs it joins); doors outside every district
of that set are left out and listed by row. Duplicates within the file, and of
doors already stored, are merged and counted. A dry run by default."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import shapely

from turfmap.errors import InputError
from turfmap.inputs.csvfile import RowErrors
from turfmap.inputs.report import ImportReport
from turfmap.pipeline.doors import DoorRow, door_key, merge_duplicates, read_doors
from turfmap.spatial.holder import build_index
from turfmap.store import doorstep
from turfmap.store.db import Database
from turfmap.store.queries import get_set, set_slugs

SHOWN = 20


def import_doors(
    db: Database, path: Path, *, set_slug: str, crs: str | None = None, commit: bool = False
) -> ImportReport:
    path = Path(path)
    report = ImportReport("doors", str(path), set_slug=set_slug)
    rows, kind = read_doors(path, crs=crs)
    with db.session() as session:
        boundary_set = get_set(session, set_slug)
        _place_postcodes(session, rows, path)
        rows, merged = merge_duplicates(rows)
        stored = {door_key(*row) for row in doorstep.door_identities(session, boundary_set.id)}
        index = build_index(session)
        set_ids = {slug: get_set(session, slug).id for slug in set_slugs(session)}
    if set_slug not in index.set_slugs:
        raise InputError(f"set {set_slug!r} has no active generation: activate one first")
    fresh = [
        row
        for row in rows
        if door_key(row.uprn, row.household, row.lon, row.lat, row.address) not in stored
    ]
    already = len(rows) - len(fresh)
    placed = index.place_points([r.lon for r in fresh], [r.lat for r in fresh])
    doors, places, outside = [], [], []
    for row, found in zip(fresh, placed, strict=True):
        if set_slug not in found:
            outside.append(row)
            continue
        doors.append(_door_values(row, boundary_set.id, found[set_slug].code))
        places.append({set_ids[slug]: district.code for slug, district in found.items()})
    if not doors and not already:
        raise InputError(
            f"{path}: none of its {len(rows):,} doors is inside a district of {set_slug!r}"
            f" (the first at {outside[0].label}: {outside[0].lat:.5f}, {outside[0].lon:.5f})"
        )
    _report(report, kind, len(rows) + merged, merged, already, outside, doors)
    if not doors:
        report.note("nothing new to load")
        return report
    if commit:
        with db.transaction() as session:
            run = report.record(session)
            for door in doors:
                door["import_run_id"] = run.id
            doorstep.add_doors(session, doors, places)
    return report


def _place_postcodes(session, rows: list[DoorRow], path: Path) -> None:
    wanted = {row.postcode for row in rows if row.postcode}
    if not wanted:
        return
    found = doorstep.postcode_points(session, wanted)
    errors = RowErrors(path)
    for row in rows:
        if row.postcode:
            if row.postcode not in found:
                errors.add(
                    f"{row.label}: postcode {row.postcode!r} is not among the imported "
                    "postcodes (import the postcode directory first: turfmap import postcodes)"
                )
                continue
            row.lon, row.lat = found[row.postcode]
    errors.raise_if_any()


def _door_values(row: DoorRow, set_id: int, code: str) -> dict:
    return {
        "set_id": set_id,
        "district_code": code,
        "lon": row.lon,
        "lat": row.lat,
        "address": row.address,
        "uprn": row.uprn,
        "household": row.household,
        "voters": row.voters,
        "geometry": shapely.Point(row.lon, row.lat),
    }


def _report(report, kind, read, merged, already, outside, doors) -> None:
    by_district = Counter(door["district_code"] for door in doors)
    report.counts = {"doors": len(doors), "merged": merged, "already_stored": already,
                     "outside": len(outside), "districts": len(by_district)}  # fmt: skip
    report.note(f"{read:,} {kind} read: {len(doors):,} doors in {len(by_district):,} district(s)")
    if merged:
        report.note(
            f"{merged:,} duplicates merged (same UPRN or household, or same place and address)"
        )
    if already:
        report.note(f"{already:,} doors are stored already and were left as they are")
    if outside:
        report.note(
            f"{len(outside):,} doors lie outside every district of the set and are left out:"
        )
        for row in outside[:SHOWN]:
            report.note(f"  {row.label}: ({row.lat:.5f}, {row.lon:.5f})")
        if len(outside) > SHOWN:
            report.note(f"  ... and {len(outside) - SHOWN:,} more")
    for code, count in by_district.most_common(5):
        report.note(f"  {code}: {count:,} doors")

"""Postcodes from the ONS Postcode Directory (ONSPD) CSV (its layout:
turfmap/layouts/onspd.py): live postcodes with a location.

A live postcode without a grid reference is skipped and counted. Any other
latitude or longitude that is not a number in range is an error in the file:
every such row is named and nothing is loaded, unless ``skip_bad`` (--skip-bad),
when they are skipped, counted and listed."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import delete, insert

from turfmap.errors import InputError
from turfmap.inputs.csvfile import RowErrors, read_frame, require_columns
from turfmap.inputs.report import ImportReport
from turfmap.layouts import POSTCODES
from turfmap.store.db import Database
from turfmap.store.models import Postcode

BATCH = 5000


def import_postcodes(
    db: Database, path: Path, *, commit: bool = False, skip_bad: bool = False
) -> ImportReport:
    path = Path(path)
    report = ImportReport("postcodes", str(path))
    frame = read_frame(path)
    layout = POSTCODES["onspd"]()  # the one directory turfmap reads so far
    require_columns(frame, layout.columns, path)
    errors, skipped, rows = RowErrors(path), RowErrors(path), {}
    terminated = no_location = 0
    for offset, row in enumerate(frame[list(layout.columns)].itertuples(index=False)):
        line = offset + 2
        if not layout.is_live(row):
            terminated += 1
            continue
        postcode = layout.postcode(row)
        if postcode is None:
            errors.add(f"line {line}, column 'pcds': {row.pcds!r} is not a postcode")
            continue
        try:
            found = layout.location(row, line)
        except InputError as error:
            (skipped if skip_bad else errors).add(error)
            continue
        if found is None:
            no_location += 1
            continue
        rows[postcode] = {"postcode": postcode, "lat": found[0], "lon": found[1]}
    errors.raise_if_any()
    report.note(
        f"{len(frame):,} rows: {len(rows):,} live with a location, {terminated:,} "
        f"terminated, {no_location:,} live without a location (skipped)"
    )
    if skipped.errors:
        report.note(f"{len(skipped.errors):,} rows with a bad location skipped (--skip-bad):")
        for message in skipped.errors[:20]:
            report.note(f"  {message}")
    report.counts = {
        "postcodes": len(rows),
        "terminated": terminated,
        "no_location": no_location,
        "bad_skipped": len(skipped.errors),
    }
    if commit:
        with db.transaction() as session:
            run = report.record(session)
            values = [row | {"import_run_id": run.id} for row in rows.values()]
            keys = list(rows)
            for start in range(0, len(values), BATCH):
                session.execute(
                    delete(Postcode).where(Postcode.postcode.in_(keys[start : start + BATCH]))
                )
                session.execute(insert(Postcode), values[start : start + BATCH])
    return report

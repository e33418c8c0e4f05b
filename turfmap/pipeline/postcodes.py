"""Postcodes from the ONS Postcode Directory (ONSPD) CSV: live postcodes with a location."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import delete, insert

from turfmap.pipeline.csvfile import RowErrors, read_frame, require_columns
from turfmap.pipeline.report import ImportReport
from turfmap.postcode import normalise_postcode
from turfmap.store.db import Database
from turfmap.store.models import Postcode

# ONSPD marks "no grid reference" with latitude 99.999999.
NO_LOCATION_LAT = 99.0
BATCH = 5000


def import_postcodes(db: Database, path: Path, *, commit: bool = False) -> ImportReport:
    path = Path(path)
    report = ImportReport("postcodes", str(path))
    frame = read_frame(path)
    require_columns(frame, ("pcds", "doterm", "lat", "long"), path)
    errors, rows = RowErrors(path), {}
    terminated = no_location = 0
    for offset, row in enumerate(frame[["pcds", "doterm", "lat", "long"]].itertuples(index=False)):
        line = offset + 2
        if row.doterm.strip():
            terminated += 1
            continue
        postcode = normalise_postcode(row.pcds)
        if postcode is None:
            errors.add(f"line {line}, column 'pcds': {row.pcds!r} is not a postcode")
            continue
        try:
            lat, lon = float(row.lat), float(row.long)
        except ValueError:
            no_location += 1
            continue
        if lat >= NO_LOCATION_LAT or not -90 <= lat <= 90 or not -180 <= lon <= 180:
            no_location += 1
            continue
        rows[postcode] = {"postcode": postcode, "lat": lat, "lon": lon}
    errors.raise_if_any()
    report.note(
        f"{len(frame):,} rows: {len(rows):,} live with a location, {terminated:,} "
        f"terminated, {no_location:,} live without a location (skipped)"
    )
    report.counts = {"postcodes": len(rows), "terminated": terminated, "no_location": no_location}
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

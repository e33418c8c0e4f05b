"""Postcodes from the ONS Postcode Directory (ONSPD) CSV: live postcodes with a location.

A live postcode without a grid reference (ONSPD writes latitude 99.999999 for it)
is skipped and counted. Any other latitude or longitude that is not a number in
range is an error in the file: every such row is named and nothing is loaded,
unless ``skip_bad`` (--skip-bad), when they are skipped, counted and listed."""

from __future__ import annotations

import math
from pathlib import Path

from sqlalchemy import delete, insert

from turfmap.errors import InputError
from turfmap.inputs.csvfile import RowErrors, read_frame, require_columns
from turfmap.inputs.report import ImportReport
from turfmap.postcode import normalise_postcode
from turfmap.store.db import Database
from turfmap.store.models import Postcode

# ONSPD marks "no grid reference" with latitude 99.999999 (and longitude 0).
NO_LOCATION_LAT = "99.999999"
BATCH = 5000


def location(lat_text: str, lon_text: str, line: int) -> tuple[float, float] | None:
    """(lat, lon), None for ONSPD's "no location", or an error naming the line.

    >>> location("57.14", "-2.1", 2), location("99.999999", "0.000000", 3)
    ((57.14, -2.1), None)
    >>> location("999", "-2.1", 4)
    Traceback (most recent call last):
    turfmap.errors.InputError: line 4, column 'lat': '999' is not a latitude from -90 to 90
    >>> location("57.1", "nan", 5)
    Traceback (most recent call last):
    turfmap.errors.InputError: line 5, column 'long': 'nan' is not a longitude from -180 to 180
    """
    if lat_text.strip() == NO_LOCATION_LAT:
        return None
    lat = _coordinate(lat_text, line, "lat", "latitude", 90)
    lon = _coordinate(lon_text, line, "long", "longitude", 180)
    return lat, lon


def _coordinate(text: str, line: int, column: str, what: str, bound: float) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or not -bound <= value <= bound:
        raise InputError(
            f"line {line}, column {column!r}: {text[:40]!r} is not a {what} "
            f"from -{bound} to {bound}"
        )
    return value


def import_postcodes(
    db: Database, path: Path, *, commit: bool = False, skip_bad: bool = False
) -> ImportReport:
    path = Path(path)
    report = ImportReport("postcodes", str(path))
    frame = read_frame(path)
    require_columns(frame, ("pcds", "doterm", "lat", "long"), path)
    errors, skipped, rows = RowErrors(path), RowErrors(path), {}
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
            found = location(row.lat, row.long, line)
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

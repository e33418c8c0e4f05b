"""Reading a campaign's doors: a CSV address file, GeoJSON or GeoPackage points or
building footprints, or an OpenStreetMap extract. Nothing personal is read: a
door is a position with, optionally, an address line, a UPRN or household id,
and how many voters live there. Placing doors in districts is not done here
(coordination/doors.py does it with the spatial index)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

from turfmap.errors import InputError
from turfmap.inputs.csvfile import RowErrors, check_text, parse_count, read_frame
from turfmap.postcode import normalise_postcode

# Column names a campaign's file may use, compared case-insensitively.
COLUMNS = {
    "lat": ("latitude", "lat"),
    "lon": ("longitude", "lon", "lng", "long"),
    "easting": ("easting", "x", "oseast1m"),
    "northing": ("northing", "y", "osnrth1m"),
    "postcode": ("postcode", "pcds", "post_code", "postal_code", "zip"),
    "address": ("address", "address_line", "address1", "addr"),
    "uprn": ("uprn",),
    "household": ("household", "household_id", "householdid"),
    "voters": ("voters", "electors", "voters_at_door"),
}
VECTOR_SUFFIXES = (".geojson", ".json", ".gpkg")


@dataclass
class DoorRow:
    lon: float | None
    lat: float | None
    label: str  # where in the file: "line 5", "feature 3", "way 1234"
    address: str | None = None
    uprn: str | None = None
    household: str | None = None
    voters: int = 1
    postcode: str | None = None  # placed later, by the imported postcodes


def read_doors(path: Path, *, crs: str | None = None) -> tuple[list[DoorRow], str]:
    """The doors in ``path`` and a word for what kind of file it was."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.stat().st_size == 0:
        raise InputError(f"{path}: the file is empty")
    name = path.name.lower()
    if name.endswith(".osm.pbf"):
        from turfmap.pipeline.osm import read_osm_doors

        doors = read_osm_doors(path)
        rows = [DoorRow(d.lon, d.lat, d.label, address=d.address) for d in doors]
        return rows, "OpenStreetMap buildings and addresses"
    if name.endswith(VECTOR_SUFFIXES):
        return _read_vector(path, crs), "features"
    if name.endswith((".csv", ".txt")):
        return _read_csv(path, crs), "CSV rows"
    raise InputError(
        f"{path}: doors come as CSV, GeoJSON, GeoPackage or an OpenStreetMap .osm.pbf extract"
    )


def _find(columns, key: str) -> str | None:
    lowered = {c.lower().strip(): c for c in columns}
    return next((lowered[n] for n in COLUMNS[key] if n in lowered), None)


def _read_csv(path: Path, crs: str | None) -> list[DoorRow]:
    frame = read_frame(path)
    found = {key: _find(frame.columns, key) for key in COLUMNS}
    if found["lat"] and found["lon"]:
        place = "lonlat"
    elif found["easting"] and found["northing"]:
        if not crs:
            raise InputError(
                f"{path}: columns {found['easting']!r} and {found['northing']!r} are grid "
                "coordinates; name their system with --crs (EPSG:27700 for British National Grid)"
            )
        place = "grid"
    elif found["postcode"]:
        place = "postcode"
    else:
        raise InputError(
            f"{path}: no positions: a doors file needs latitude and longitude columns, "
            f"easting and northing (with --crs), or a postcode; it has {list(frame.columns)}"
        )
    errors, rows = RowErrors(path), []
    for offset, record in enumerate(frame.to_dict("records")):
        line = offset + 2
        try:
            rows.append(_csv_row(record, found, place, line))
        except InputError as error:
            errors.add(error)
    errors.raise_if_any()
    if not rows:
        raise InputError(f"{path}: the file has a header but no doors")
    if place == "grid":
        _grid_to_lonlat(rows, crs, path)
    return rows


def _csv_row(record: dict, found: dict, place: str, line: int) -> DoorRow:
    def text(key, limit):
        column = found[key]
        value = check_text(record[column], line=line, column=column, limit=limit) if column else ""
        return value or None

    row = DoorRow(None, None, f"line {line}", address=text("address", 300))
    row.uprn, row.household = text("uprn", 40), text("household", 80)
    if found["voters"] and record[found["voters"]].strip():
        row.voters = parse_count(record[found["voters"]], line=line, column=found["voters"])
    if place == "postcode":
        raw = record[found["postcode"]]
        row.postcode = normalise_postcode(raw)
        if row.postcode is None:
            column = found["postcode"]
            raise InputError(f"line {line}, column {column!r}: {raw!r} is not a postcode")
        return row
    x_key, y_key = ("lon", "lat") if place == "lonlat" else ("easting", "northing")
    row.lon = _number(record, found[x_key], line)
    row.lat = _number(record, found[y_key], line)
    if place == "lonlat" and not (-180 <= row.lon <= 180 and -90 <= row.lat <= 90):
        raise InputError(
            f"line {line}: ({row.lat}, {row.lon}) is not a latitude and longitude "
            "(grid coordinates? use easting/northing columns with --crs)"
        )
    return row


def _number(record: dict, column: str, line: int) -> float:
    raw = record[column]
    try:
        value = float(raw.strip())
    except ValueError:
        raise InputError(f"line {line}, column {column!r}: {raw!r} is not a number") from None
    if not math.isfinite(value):
        raise InputError(f"line {line}, column {column!r}: {raw!r} is not a number")
    return value


def _grid_to_lonlat(rows: list[DoorRow], crs: str, path: Path) -> None:
    try:
        source = CRS.from_user_input(crs)
    except CRSError as exc:
        raise InputError(f"--crs {crs!r} is not a coordinate reference system") from exc
    to_lonlat = Transformer.from_crs(source, 4326, always_xy=True)
    xs = np.array([r.lon for r in rows])
    ys = np.array([r.lat for r in rows])
    lons, lats = to_lonlat.transform(xs, ys)
    errors = RowErrors(path)
    for row, lon, lat in zip(rows, lons, lats, strict=True):
        if not (np.isfinite(lon) and np.isfinite(lat)):
            errors.add(f"{row.label}: ({row.lon}, {row.lat}) is outside {source.name}")
        row.lon, row.lat = float(lon), float(lat)
    errors.raise_if_any()


def _read_vector(path: Path, crs: str | None) -> list[DoorRow]:
    import shapely

    from turfmap.pipeline.read import read_boundaries

    frame = read_boundaries(path, crs=crs).frame
    found = {key: _find(frame.columns, key) for key in ("address", "uprn", "household", "voters")}
    errors, rows = RowErrors(path), []
    for number, (record, shape) in enumerate(
        zip(frame.drop(columns="geometry").to_dict("records"), frame.geometry, strict=True), 1
    ):
        label = f"feature {number}"
        if shape is None or shape.is_empty:
            errors.add(f"{label}: has no position")
            continue
        point = shape if shape.geom_type == "Point" else shapely.point_on_surface(shape)
        row = DoorRow(point.x, point.y, label)
        for key in ("address", "uprn", "household"):
            value = record.get(found[key]) if found[key] else None
            setattr(row, key, str(value)[:300] if value not in (None, "") else None)
        if found["voters"] and record.get(found["voters"]) not in (None, ""):
            try:
                row.voters = parse_count(str(record[found["voters"]]), line=number, column="voters")
            except InputError as error:
                errors.add(f"{label}: {error.message}")
        rows.append(row)
    errors.raise_if_any()
    return rows


def merge_duplicates(rows: list[DoorRow]) -> tuple[list[DoorRow], int]:
    """One door per UPRN (or household id), and per position and address where
    neither is given; returns the doors and how many rows were merged away.

    >>> a, b = DoorRow(-1.0, 52.0, "line 2", uprn="1"), DoorRow(-1.0, 52.1, "line 3", uprn="1")
    >>> c, d = DoorRow(-1.0, 52.2, "line 4"), DoorRow(-1.0, 52.2, "line 5")
    >>> kept, merged = merge_duplicates([a, b, c, d])
    >>> [r.label for r in kept], merged
    (['line 2', 'line 4'], 2)
    """
    seen: set = set()
    kept = []
    for row in rows:
        key = door_key(row.uprn, row.household, row.lon, row.lat, row.address)
        if key in seen:
            continue
        seen.add(key)
        kept.append(row)
    return kept, len(rows) - len(kept)


def door_key(uprn, household, lon: float, lat: float, address) -> tuple:
    """What makes two doors the same door: the UPRN, else the household id, else the
    position to ~1 m and the address (the same door typed twice)."""
    if uprn:
        return ("uprn", uprn)
    if household:
        return ("household", household)
    return ("at", round(lon, 5), round(lat, 5), (address or "").lower())

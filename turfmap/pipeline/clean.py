"""Checking and cleaning boundary features: which fields hold the code and name,
missing and duplicate codes, invalid geometry."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import shapely

from turfmap.errors import InputError
from turfmap.inputs.text import clean_cell
from turfmap.pipeline.read import polygon_parts_only

# (code field, name field) of layouts we know, tried in order. Patterns, because ONS
# renames fields every vintage (PCON24CD, WD13CD, LAD23CD ...).
KNOWN_LAYOUTS = [
    (re.compile(r"^PCON\d\dCD$"), re.compile(r"^PCON\d\dNM$")),
    (re.compile(r"^WD\d\dCD$"), re.compile(r"^WD\d\dNM$")),
    (re.compile(r"^GEOID$"), re.compile(r"^NAMELSAD$")),
    (re.compile(r"^[A-Z]{2,6}\d\dCD$"), re.compile(r"^[A-Z]{2,6}\d\dNM$")),
    (re.compile(r"^pd_code$"), re.compile(r"^ward$")),
    (re.compile(r"^code$", re.I), re.compile(r"^name$", re.I)),
]


@dataclass
class CleanFeatures:
    codes: list[str]
    names: list[str]
    geometries: np.ndarray  # MultiPolygons, valid
    invalid_fixed: int
    code_field: str
    name_field: str


def detect_fields(columns, code_field: str | None, name_field: str | None) -> tuple[str, str]:
    """Find the code and name fields, or use the ones named.

    >>> detect_fields(["id", "PCON24CD", "PCON24NM", "geometry"], None, None)
    ('PCON24CD', 'PCON24NM')
    >>> detect_fields(["STATEFP", "GEOID", "NAMELSAD"], None, None)
    ('GEOID', 'NAMELSAD')
    >>> detect_fields(["id", "district"], "id", "district")
    ('id', 'district')
    """
    columns = [c for c in columns if c != "geometry"]
    for field, option in ((code_field, "--code-field"), (name_field, "--name-field")):
        if field and field not in columns:
            raise InputError(f"{option} {field!r} is not a field of the file; it has {columns}")
    if code_field and name_field:
        return code_field, name_field
    for code_pattern, name_pattern in KNOWN_LAYOUTS:
        code = code_field or next((c for c in columns if code_pattern.match(c)), None)
        name = name_field or next((c for c in columns if name_pattern.match(c)), None)
        if code and name:
            return code, name
    raise InputError(
        f"could not tell which fields hold the district code and name among {columns}; "
        "name them with --code-field and --name-field"
    )


def clean_features(frame, code_field=None, name_field=None) -> CleanFeatures:
    code_field, name_field = detect_fields(frame.columns, code_field, name_field)
    codes = _guarded(frame[code_field], code_field, limit=40)  # the code column's width
    names = _guarded(frame[name_field], name_field, limit=200)
    missing = [i + 1 for i, code in enumerate(codes) if not code]
    if missing:
        raise InputError(
            f"{len(missing)} feature(s) have no code in field {code_field!r}: "
            f"feature number(s) {_sample(missing)}"
        )
    seen: dict[str, int] = {}
    duplicates = []
    for i, code in enumerate(codes):
        if code in seen:
            duplicates.append(f"{code} (features {seen[code]} and {i + 1})")
        seen.setdefault(code, i + 1)
    if duplicates:
        raise InputError(f"duplicate codes in field {code_field!r}: {_sample(duplicates)}")
    for i, name in enumerate(names):
        if not name:
            names[i] = codes[i]
    geometries, fixed = _valid_multipolygons(frame.geometry.values, codes)
    return CleanFeatures(codes, names, geometries, fixed, code_field, name_field)


def _guarded(values, field: str, *, limit: int) -> list[str]:
    """Every cell through the one text guard (inputs/text.py): names and codes are
    stored, shown and exported, so a formula-looking one is refused here."""
    cells, problems = [], []
    for number, value in enumerate(values, start=1):
        try:
            cells.append(
                clean_cell(_text(value), f"feature {number}, field {field!r}", limit=limit)
            )
        except InputError as error:
            problems.append(error.message)
            cells.append("")
    if problems:
        more = f" and {len(problems) - 5} more" if len(problems) > 5 else ""
        raise InputError("; ".join(problems[:5]) + more)
    return cells


def _valid_multipolygons(geometries, codes):
    geometries = np.asarray(geometries, dtype=object)
    empty = [codes[i] for i, g in enumerate(geometries) if g is None or shapely.is_empty(g)]
    if empty:
        raise InputError(f"feature(s) without geometry: {_sample(empty)}")
    kinds = shapely.get_type_id(geometries)
    not_polygonal = [codes[i] for i, kind in enumerate(kinds) if kind not in (3, 6, 7)]
    if not_polygonal:
        raise InputError(
            f"feature(s) are not polygons (districts need areas): {_sample(not_polygonal)}"
        )
    invalid = np.flatnonzero(~shapely.is_valid(geometries))
    repaired = geometries.copy()
    repaired[invalid] = [_repair(geometries[i]) for i in invalid]
    result = np.array([polygon_parts_only(g) for g in repaired], dtype=object)
    collapsed = [codes[i] for i, g in enumerate(result) if g.is_empty]
    if collapsed:
        raise InputError(f"feature(s) have no area once their geometry is repaired: {collapsed}")
    return result, len(invalid)


def _repair(geometry):
    """Fix an invalid polygon. buffer(0) is 6x faster than make_valid on the UK
    seats and changes their area by under 0.01% (it drops the inside-out half of
    self-intersecting slivers); where it would lose more than 1% of the area it is
    the wrong tool, and make_valid, which keeps every piece, is used instead."""
    fixed = polygon_parts_only(shapely.buffer(geometry, 0))
    claimed = abs(shapely.area(geometry))  # the shoelace area of the invalid rings
    if not fixed.is_empty and abs(shapely.area(fixed) - claimed) <= 0.01 * claimed:
        return fixed
    return polygon_parts_only(shapely.make_valid(geometry))


def _text(value) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _sample(items, limit=10) -> str:
    shown = ", ".join(str(i) for i in items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")

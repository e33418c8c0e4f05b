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
from turfmap.usstates import district_name

# ONS fields are a level and a two-digit vintage, CD for the code and NM for the
# name (PCON24CD/PCON24NM, WD13CD, LAD23CD, CTYUA23CD; lower case in several
# vintages); NMW is the Welsh name, an alternative, never the one to use. Where a
# file has several levels (a ward file carries its LAD too), the finest is the
# district.
ONS_CODE = re.compile(r"^([A-Z]{2,8})(\d\d)CD$", re.I)
FINEST_FIRST = ("OA", "LSOA", "MSOA", "WD", "ED", "CED", "PCON", "LAD", "LTLA", "UTLA", "CTYUA")
# US Census: GEOID of the 2010s, 2020 and unsuffixed vintages, with NAMELSAD beside.
CENSUS_CODE = re.compile(r"^GEOID(\d\d)?$", re.I)
OTHER_PAIRS = [("pd_code", "ward"), ("code", "name"), ("id", "name")]


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
    >>> detect_fields(["objectid", "pcon19cd", "pcon19nm", "pcon19nmw"], None, None)
    ('pcon19cd', 'pcon19nm')
    >>> detect_fields(["WD23CD", "WD23NM", "LAD23CD", "LAD23NM"], None, None)
    ('WD23CD', 'WD23NM')
    >>> detect_fields(["STATEFP20", "CD118FP", "GEOID20", "NAMELSAD20"], None, None)
    ('GEOID20', 'NAMELSAD20')
    >>> detect_fields(["id", "district"], "id", "district")
    ('id', 'district')
    >>> detect_fields(["ABC12CD", "ABC12NM", "XYZ12CD", "XYZ12NM"], None, None)
    Traceback (most recent call last):
    turfmap.errors.InputError: could not tell which fields hold the district code and name: ...
    """
    columns = [c for c in columns if c != "geometry"]
    for field, option in ((code_field, "--code-field"), (name_field, "--name-field")):
        if field and field not in columns:
            raise InputError(f"{option} {field!r} is not a field of the file; it has {columns}")
    if code_field and name_field:
        return code_field, name_field
    pairs = _candidate_pairs(columns)
    if code_field:
        pairs = [p for p in pairs if p[0] == code_field]
    if name_field:
        pairs = [p for p in pairs if p[1] == name_field]
    if len(pairs) == 1 or (pairs and pairs[0][2] < pairs[1][2]):
        return pairs[0][0], pairs[0][1]
    if pairs:
        options = "; ".join(f"--code-field {c} --name-field {n}" for c, n, _ in pairs)
        raise InputError(
            "could not tell which fields hold the district code and name: "
            f"{len(pairs)} pairs fit equally ({options}); pass the pair you mean"
        )
    raise InputError(
        f"could not tell which fields hold the district code and name among {columns}; "
        "name them with --code-field and --name-field"
    )


def _candidate_pairs(columns: list[str]) -> list[tuple[str, str, int]]:
    """(code field, name field, rank) that fit, best (lowest rank) first."""
    lower = {c.lower(): c for c in columns}
    pairs = []
    for column in columns:
        ons = ONS_CODE.match(column)
        census = CENSUS_CODE.match(column)
        if ons:
            level, vintage = ons.group(1).upper(), ons.group(2)
            name = lower.get(f"{level}{vintage}nm".lower())
            rank = FINEST_FIRST.index(level) if level in FINEST_FIRST else len(FINEST_FIRST)
            if name:
                pairs.append((column, name, rank))
        elif census:
            suffix = census.group(1) or ""
            name = lower.get(f"namelsad{suffix}") or lower.get(f"name{suffix}")
            if name:
                pairs.append((column, name, 0))
    if not pairs:
        for code, name in OTHER_PAIRS:
            if code in lower and name in lower:
                pairs.append((lower[code], lower[name], 50))
                break
    return sorted(pairs, key=lambda p: p[2])


def us_district_names(frame, code_field: str) -> tuple[list[str], str] | None:
    """'PA-03' for each feature of a US Census congressional or state legislative
    district file (a GEOID, a STATEFP and a CDnnnFP, SLDUST or SLDLST field), in
    place of "Congressional District 3", which reads the same in every state; with
    the fields they come from."""
    match = CENSUS_CODE.match(code_field)
    if not match:
        return None
    suffix = match.group(1) or ""
    lower = {c.lower(): c for c in frame.columns}
    state = lower.get(f"statefp{suffix}") or lower.get("statefp")
    district = next(
        (
            (column, chamber)
            for key, column in lower.items()
            for pattern, chamber in _US_DISTRICT_FIELDS
            if re.fullmatch(pattern + suffix, key) or re.fullmatch(pattern, key)
        ),
        None,
    )
    if state is None or district is None:
        return None
    column, chamber = district
    names = [
        district_name(_text(s), _text(d), chamber)
        for s, d in zip(frame[state], frame[column], strict=True)
    ]
    return None if any(n is None for n in names) else (names, f"{state}+{column}")


_US_DISTRICT_FIELDS = [(r"cd\d{3}fp", None), (r"sldust", "upper"), (r"sldlst", "lower")]


def clean_features(frame, code_field=None, name_field=None) -> CleanFeatures:
    named = name_field is not None
    code_field, name_field = detect_fields(frame.columns, code_field, name_field)
    codes = _guarded(frame[code_field], code_field, limit=40)  # the code column's width
    built = None if named else us_district_names(frame, code_field)
    if built:
        names, name_field = built[0], f"{built[1]} (as PA-03)"
    else:
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

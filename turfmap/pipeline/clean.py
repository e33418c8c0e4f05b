"""Checking and cleaning boundary features: which fields hold the code and name,
missing and duplicate codes, invalid geometry."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from turfmap.errors import InputError
from turfmap.inputs.text import clean_cell
from turfmap.layouts import BOUNDARY_FIELDS, BoundaryFields, describe_fields
from turfmap.layouts.fields import cell_text
from turfmap.pipeline.read import polygon_parts_only


@dataclass
class CleanFeatures:
    codes: list[str]
    names: list[str]
    geometries: np.ndarray  # MultiPolygons, valid
    invalid_fixed: int
    code_field: str
    name_field: str
    alternative_names: list[str | None] | None = None  # Welsh beside English, say
    alternative_field: str | None = None


def detect_fields(
    columns, code_field: str | None, name_field: str | None
) -> tuple[str, str, BoundaryFields | None]:
    """(code field, name field, the layout that found them) or the ones named.

    >>> detect_fields(["id", "PCON24CD", "PCON24NM", "geometry"], None, None)[:2]
    ('PCON24CD', 'PCON24NM')
    >>> detect_fields(["objectid", "pcon19cd", "pcon19nm", "pcon19nmw"], None, None)[:2]
    ('pcon19cd', 'pcon19nm')
    >>> detect_fields(["WD23CD", "WD23NM", "LAD23CD", "LAD23NM"], None, None)[:2]
    ('WD23CD', 'WD23NM')
    >>> detect_fields(["STATEFP20", "CD118FP", "GEOID20", "NAMELSAD20"], None, None)[:2]
    ('GEOID20', 'NAMELSAD20')
    >>> detect_fields(["id", "district"], "id", "district")[:2]
    ('id', 'district')
    >>> detect_fields(["ABC12CD", "ABC12NM", "XYZ12CD", "XYZ12NM"], None, None)
    Traceback (most recent call last):
    turfmap.errors.InputError: could not tell which fields hold the district code and name: ...
    """
    columns = [c for c in columns if c != "geometry"]
    for field, option in ((code_field, "--code-field"), (name_field, "--name-field")):
        if field and field not in columns:
            raise InputError(f"{option} {field!r} is not a field of the file; it has {columns}")
    pairs = _candidate_pairs(columns)
    if code_field and name_field:
        layout = next((p[3] for p in pairs if p[0] == code_field), None)
        return code_field, name_field, layout
    if code_field:
        pairs = [p for p in pairs if p[0] == code_field]
    if name_field:
        pairs = [p for p in pairs if p[1] == name_field]
    if len(pairs) == 1 or (pairs and pairs[0][2] < pairs[1][2]):
        return pairs[0][0], pairs[0][1], pairs[0][3]
    if pairs:
        options = "; ".join(f"--code-field {c} --name-field {n}" for c, n, _, _ in pairs)
        raise InputError(
            "could not tell which fields hold the district code and name: "
            f"{len(pairs)} pairs fit equally ({options}); pass the pair you mean"
        )
    raise InputError(
        f"could not tell which fields hold the district code and name among {columns} "
        f"(turfmap knows {describe_fields()}); name them with --code-field and --name-field"
    )


def _candidate_pairs(columns: list[str]) -> list[tuple[str, str, int, BoundaryFields]]:
    """(code field, name field, rank, layout) that fit, best (lowest rank) first; the
    fallback layouts only where no publisher's naming fits."""
    pairs = []
    for fallback in (False, True):
        for layout_class in BOUNDARY_FIELDS.values():
            if layout_class.fallback == fallback:
                layout = layout_class()
                pairs += [(c, n, rank, layout) for c, n, rank in layout.pairs(columns)]
        if pairs:
            break
    return sorted(pairs, key=lambda p: p[2])


def clean_features(frame, code_field=None, name_field=None) -> CleanFeatures:
    named = name_field is not None
    code_field, name_field, layout = detect_fields(frame.columns, code_field, name_field)
    codes = _guarded(frame[code_field], code_field, limit=40)  # the code column's width
    built = None if named or layout is None else layout.display_names(frame, code_field)
    if built:
        names, name_field = built[0], f"{built[1]} (as PA-03)"
    else:
        names = _guarded(frame[name_field], name_field, limit=200)
    alternative = layout.alternative_name(list(frame.columns), code_field) if layout else None
    alternatives = None
    if alternative:
        alternatives = [
            a if a and a != n else None
            for a, n in zip(
                _guarded(frame[alternative], alternative, limit=200), names, strict=True
            )
        ]
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
    return CleanFeatures(
        codes, names, geometries, fixed, code_field, name_field, alternatives, alternative
    )


def _guarded(values, field: str, *, limit: int) -> list[str]:
    """Every cell through the one text guard (inputs/text.py): names and codes are
    stored, shown and exported, so a formula-looking one is refused here."""
    cells, problems = [], []
    for number, value in enumerate(values, start=1):
        try:
            cells.append(
                clean_cell(cell_text(value), f"feature {number}, field {field!r}", limit=limit)
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


def _sample(items, limit=10) -> str:
    shown = ", ".join(str(i) for i in items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")

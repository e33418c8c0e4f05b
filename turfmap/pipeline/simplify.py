"""Simplified geometry per zoom band, made so that neighbours keep sharing borders.

Per-polygon simplification opened gaps or overlaps along 634 of 650 UK seats when
we measured it (DESIGN.md); shapely.coverage_simplify simplifies each shared edge
once, so both neighbours get the same line. It needs a clean coverage, so the
source is first run through shapely.coverage_clean (the raw ONS TopoJSON has 48
seats with slightly mismatched edges).
"""

from __future__ import annotations

import numpy as np
import shapely

from turfmap.geometry.bands import BANDS, METRES_PER_DEGREE_LATITUDE
from turfmap.pipeline.read import polygon_parts_only


def simplify_bands(geometries: np.ndarray) -> dict[int, np.ndarray]:
    """Return {band number: simplified MultiPolygons} for lon/lat ``geometries``.

    Simplified in lon/lat itself: a round trip through a metric projection turned
    valid output invalid in 1-4 UK seats through rounding. The tolerance is the
    band's metres as degrees of latitude, so east-west it is tighter by cos(lat):
    a little more detail than asked for, never less.
    """
    cleaned = shapely.coverage_clean(geometries)
    source = np.array([_as_multipolygon(g) for g in geometries], dtype=object)
    limit = shapely.get_num_coordinates(source).sum()
    bands = {}
    for band in BANDS:
        tolerance = band.tolerance_m / METRES_PER_DEGREE_LATITUDE
        simplified = shapely.coverage_simplify(cleaned, tolerance)
        shapes = np.array([_as_multipolygon(g) for g in simplified], dtype=object)
        # A source generalised already is coarser than the band asks for: cleaning
        # it for the simplifier then only adds vertices. Reuse the source, whose
        # neighbours share borders as their publisher drew them.
        bands[band.number] = source if shapely.get_num_coordinates(shapes).sum() > limit else shapes
    return bands


def _as_multipolygon(geometry):
    if geometry.geom_type == "Polygon":
        return shapely.MultiPolygon([geometry])
    if geometry.geom_type == "MultiPolygon":
        return geometry
    return polygon_parts_only(geometry)


def coverage_defects(geometries: np.ndarray, reference: np.ndarray) -> dict[str, float]:
    """Overlap between neighbours and gaps opened relative to ``reference``.

    Overlap is the sum of areas minus the area of the union (0 when no two districts
    share area); gaps are holes in the union that the reference's union lacks.
    Areas are in square degrees: only zero matters.

    >>> import shapely, numpy as np
    >>> left, right = shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)
    >>> coverage_defects(np.array([left, right]), np.array([left, right]))
    {'overlap': 0.0, 'new_gaps': 0}
    >>> coverage_defects(np.array([left, shapely.box(0.5, 0, 2, 1)]), np.array([left, right]))
    {'overlap': 0.5, 'new_gaps': 0}
    """
    union = shapely.union_all(geometries)
    overlap = float(shapely.area(geometries).sum() - shapely.area(union))
    holes = _hole_count(union) - _hole_count(shapely.union_all(reference))
    return {"overlap": round(max(overlap, 0.0), 12), "new_gaps": max(holes, 0)}


def _hole_count(geometry) -> int:
    return int(shapely.get_num_interior_rings(shapely.get_parts(geometry)).sum())

"""The crosswalk between a set's generations: for each district of a new
generation, the districts of the one before that it overlaps, and how much of it
each holds: by area, and by postcodes where postcodes are imported (postcodes
follow where people live, so a new seat that takes a town from one old seat and
moorland from another is mostly the town's).

Shares are measured on the local band's shapes (60 m tolerance, simplified at
import; pipeline/simplify.py) in an equal-area projection: on the UK's 2017 ->
2024 seats they differ from full-detail shares by at most 1.1 points and take
about 6 s instead of 11. Overlaps under SLIVER of a new district's area are
where two publishers' lines differ by a few metres, not where people moved, and
are left out. A code in both generations is the same district only if its
outline barely moved (SAME_SHAPE); otherwise it counts as a new district that
happens to keep its code, and its results and needs are not carried by code.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from pyproj import Transformer

SLIVER = 0.005  # overlaps under 0.5% of the new district's area are left out
# A kept code is the same district when the outlines' symmetric difference is
# under 2% of its new area. The UK's five codes kept from 2017 to 2024 move by
# 0.1-0.6% (the two publications' generalisation), so all five are the same.
SAME_SHAPE = 0.02

_TO_EQUAL_AREA = Transformer.from_crs(4326, 6933, always_xy=True)


@dataclass(frozen=True)
class Share:
    new_code: str
    old_code: str
    area_share: float
    people_share: float | None  # None where no postcode lies in the new district


@dataclass
class Crosswalk:
    shares: list[Share]
    status: dict[str, str]  # new code -> same | changed | new
    gone: list[str]  # old codes that no new district has
    with_people: int = 0  # new districts whose shares include postcodes

    def counts(self) -> dict[str, int]:
        found = {"same": 0, "changed": 0, "new": 0}
        for status in self.status.values():
            found[status] += 1
        return found | {"gone": len(self.gone)}


def crosswalk(old_codes, old_shapes, new_codes, new_shapes, postcodes=None) -> Crosswalk:
    """Shares of each new district among the old ones (lon/lat polygons, parallel to
    their codes); ``postcodes`` is an (n, 2) array of lon/lat, or None.

    >>> import shapely
    >>> old = ["A", "B", "D", "F"], [shapely.box(x, 0, x + 1, 1) for x in range(4)]
    >>> new = ["A", "C", "E"], [shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2.5, 1),
    ...                         shapely.box(2.5, 0, 3, 1)]
    >>> postcodes = np.array([[1.5, 0.5], [2.2, 0.5], [2.7, 0.5]])
    >>> found = crosswalk(*old, *new, postcodes=postcodes)
    >>> [(s.new_code, s.old_code, round(s.area_share, 3), s.people_share) for s in found.shares]
    [('A', 'A', 1.0, None), ('C', 'B', 0.667, 0.5), ('C', 'D', 0.333, 0.5), ('E', 'D', 1.0, 1.0)]
    >>> found.status, found.gone, found.with_people
    ({'A': 'same', 'C': 'new', 'E': 'new'}, ['B', 'D', 'F'], 2)
    """
    old = _equal_area(old_shapes)
    new = _equal_area(new_shapes)
    tree = shapely.STRtree(old)
    new_rows, old_rows = tree.query(new, predicate="intersects")
    overlap = shapely.area(shapely.intersection(new[new_rows], old[old_rows]))
    area_share = overlap / np.maximum(shapely.area(new[new_rows]), 1e-9)
    kept = area_share >= SLIVER
    new_rows, old_rows, area_share = new_rows[kept], old_rows[kept], area_share[kept]
    people, postcodes_in = _postcode_shares(postcodes, new_shapes, old_shapes)
    shares = []
    for n, o, a in zip(new_rows.tolist(), old_rows.tolist(), area_share.tolist(), strict=True):
        counted = postcodes_in is not None and postcodes_in[n] > 0
        shares.append(
            Share(new_codes[n], old_codes[o], a, people.get((n, o), 0.0) if counted else None)
        )
    kept = set(new_codes)
    return Crosswalk(
        shares,
        _status(old_codes, old, new_codes, new),
        [code for code in old_codes if code not in kept],
        0 if postcodes_in is None else int((postcodes_in > 0).sum()),
    )


def _equal_area(shapes) -> np.ndarray:
    """The shapes in an equal-area projection, repaired where projecting or an
    earlier simplification left a ring invalid (GEOS refuses to intersect those)."""
    projected = shapely.transform(
        np.asarray(shapes, dtype=object),
        lambda xy: np.column_stack(_TO_EQUAL_AREA.transform(xy[:, 0], xy[:, 1])),
    )
    broken = ~shapely.is_valid(projected)
    projected[broken] = shapely.make_valid(projected[broken])
    return projected


def _postcode_shares(postcodes, new_shapes, old_shapes) -> tuple[dict, np.ndarray | None]:
    """({(new row, old row): share of the new district's postcodes in the old one},
    postcodes in each new district), or ({}, None) without postcodes. A postcode in
    an overlap too small to list (a sliver) is counted in its district's total, so
    the listed shares then sum to a little under 1."""
    if postcodes is None or not len(postcodes):
        return {}, None
    points = shapely.points(np.asarray(postcodes, dtype=float))
    in_new = _containing(points, new_shapes)
    in_old = _containing(points, old_shapes)
    both = (in_new >= 0) & (in_old >= 0)
    totals = np.bincount(in_new[both], minlength=len(new_shapes))
    if not both.any():
        return {}, totals
    pairs, counts = np.unique(
        np.column_stack([in_new[both], in_old[both]]), axis=0, return_counts=True
    )
    shares = {
        (int(n), int(o)): float(c / totals[n])
        for (n, o), c in zip(pairs.tolist(), counts.tolist(), strict=True)
    }
    return shares, totals


def _containing(points, shapes) -> np.ndarray:
    """For each point, the row of the shape it lies in, or -1."""
    tree = shapely.STRtree(np.asarray(shapes, dtype=object))
    point_rows, shape_rows = tree.query(points, predicate="within")
    found = np.full(len(points), -1)
    found[point_rows] = shape_rows
    return found


def _status(old_codes, old, new_codes, new) -> dict[str, str]:
    where = {code: i for i, code in enumerate(old_codes)}
    status = {}
    for i, code in enumerate(new_codes):
        if code not in where:
            status[code] = "new"
            continue
        before = old[where[code]]
        moved = shapely.area(shapely.symmetric_difference(before, new[i]))
        status[code] = "same" if moved <= SAME_SHAPE * shapely.area(new[i]) else "changed"
    return status

"""Which district of a coarser set each district lies in (a ward's seat): the one it
overlaps most. Used when a finer set is imported under a coarser one, and again when
the coarser set switches to new lines (coordination/switch.py)."""

from __future__ import annotations

import numpy as np
import shapely


def best_parents(geometries, parent_geometries) -> tuple[list[int | None], list[float]]:
    """For each geometry, the row of the parent it overlaps most (None: none), and
    the share of it inside that parent (for the districts that have one).

    >>> wards = [shapely.box(0, 0, 1, 1), shapely.box(0.8, 0, 1.8, 1), shapely.box(5, 5, 6, 6)]
    >>> seats = [shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)]
    >>> rows, shares = best_parents(wards, seats)
    >>> rows, [round(s, 2) for s in shares]
    ([0, 1, None], [1.0, 0.8])
    """
    tree = shapely.STRtree(list(parent_geometries))
    found: list[int | None] = []
    shares = []
    for geometry in geometries:
        candidates = tree.query(geometry, predicate="intersects")
        if len(candidates) == 0:
            found.append(None)
            continue
        overlaps = shapely.area(shapely.intersection(geometry, tree.geometries[candidates]))
        best = int(np.argmax(overlaps))
        found.append(int(candidates[best]))
        shares.append(float(overlaps[best] / max(shapely.area(geometry), 1e-18)))
    return found, shares

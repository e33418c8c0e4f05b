"""Turf outlines: around each turf's doors and streets, clipped to the district,
never overlapping.

The Voronoi cells of every door (and of points every 25 m along each unit's
street) share out the district, so cells of different turfs only ever meet at
their edges; each turf's outline is the union of its cells, each cell kept within
75 m of its own point so that a rural turf is not drawn as half the county.
"""

from __future__ import annotations

import math

import numpy as np
import shapely

REACH_M = 75.0
STEP_M = 25.0


def turf_outlines(door_xy, door_turf, street_pieces, district, turfs: int) -> list:
    """One (multi)polygon per turf. ``street_pieces`` is a list of (turf, LineString)
    for the streets the turf's walk covers; all in projected metres."""
    points, owners = [door_xy], [np.asarray(door_turf)]
    for turf, line in street_pieces:
        if line.length > STEP_M:
            along = line.interpolate(np.arange(STEP_M, line.length, STEP_M))
            points.append(shapely.get_coordinates(along))
            owners.append(np.full(len(along), turf))
    xy = np.vstack(points)
    owner = np.concatenate(owners)
    xy, first = np.unique(np.round(xy, 1), axis=0, return_index=True)
    owner = owner[first]
    if len(xy) < 3:
        near = [district] * len(xy)
    else:
        extent = district.envelope.buffer(1000)
        voronoi = shapely.voronoi_polygons(shapely.MultiPoint(xy), extend_to=extent, ordered=True)
        # Each cell is kept within reach of its own point: one array operation, where
        # buffering each turf's doors as one shape took 16 s for a 40,000-door seat.
        near = shapely.intersection(
            np.asarray(voronoi.geoms), shapely.buffer(shapely.points(xy), REACH_M, quad_segs=4)
        )
    outlines = []
    for turf in range(turfs):
        shape = shapely.union_all(np.asarray(near, dtype=object)[owner == turf])
        outlines.append(polygons_only(shape.intersection(district)))
    return outlines


def polygons_only(shape):
    """A valid MultiPolygon of the polygonal parts of ``shape``: parts that touch
    along an edge (two Voronoi cells) are merged, not listed side by side, which
    would be invalid."""
    # make_valid may give a collection holding multipolygons: two levels of parts.
    # "structure" keeps each ring's inside; the default "linework" method dropped a
    # door's cell from an outline made invalid by reprojection (parts that nearly touch).
    valid = shapely.make_valid(shape, method="structure", keep_collapsed=False)
    parts = shapely.get_parts(shapely.get_parts(valid))
    flat = [g for g in parts if g.geom_type == "Polygon" and not g.is_empty]
    merged = shapely.union_all(flat) if flat else shapely.Polygon()
    parts = [g for g in shapely.get_parts(merged) if g.geom_type == "Polygon"]
    return shapely.MultiPolygon(parts)


def compactness(shape) -> float:
    """Polsby-Popper: 4πA/P², 1 for a circle, near 0 for a ribbon.

    >>> round(compactness(shapely.box(0, 0, 1, 1)), 3)
    0.785
    """
    return 4 * math.pi * shape.area / shape.length**2 if shape.length else 0.0


def overlap_area(shapes) -> float:
    """Total area (m²) where two of ``shapes`` overlap."""
    shapes = list(shapes)
    tree = shapely.STRtree(shapes)
    left, right = tree.query(shapes, predicate="intersects")
    total = 0.0
    for a, b in zip(left.tolist(), right.tolist(), strict=True):
        if a < b:
            total += shapes[a].intersection(shapes[b]).area
    return total

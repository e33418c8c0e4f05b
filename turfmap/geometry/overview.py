"""The map's first drawing: every district of a set as an SVG path, small enough to
travel inside the map page itself.

On a slow phone each request costs seconds (Slow 3G: 2 s before the first byte),
so the districts drawn by Leaflet, which need its script and a GeoJSON answer, come
three round trips after the page. This drawing comes with the page: laid out in
Web Mercator, as Leaflet draws, on a grid of about a phone's width in pixels, with
shared borders simplified together (a coverage simplification, so no gaps open)
and islands smaller than a couple of grid cells left out (a district always
keeps its largest part). 650 UK seats come to about 13 KB gzipped (bench_phone).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from turfmap.geometry.mercator import lonlat, mercator_xy

GRID = 600  # grid cells across the drawing's longer side
SIMPLIFY_CELLS = 1.5  # how far, in cells, an edge may move when simplified
SMALLEST_PART_CELLS = 2.0  # parts smaller than this (cells squared) are left out
MAX_DISTRICTS = 3000  # more than this and the drawing would outweigh what it saves


@dataclass(frozen=True)
class Overview:
    """An SVG drawing: ``paths[i]`` outlines district ``i`` in ``view_box``, which
    covers ``bounds`` ([[south, west], [north, east]], degrees, as Leaflet takes them)."""

    view_box: str
    bounds: list[list[float]]
    paths: list[str]


def overview(geometries) -> Overview | None:
    """The districts (lon/lat polygons, in order) drawn on one grid; None when there
    are none, or too many for a page to carry.

    >>> import shapely
    >>> left, right = shapely.box(0, 50, 1, 51), shapely.box(1, 50, 2, 51)
    >>> drawing = overview([left, right])
    >>> drawing.view_box  # a degree north is longer than a degree east, at 50 N
    '0 0 600 472'
    >>> drawing.paths
    ['M300 472l0-472-300 0 0 472z', 'M300 472l0-472 300 0 0 472z']
    >>> drawing.bounds  # the grid's extent: whole cells, so a little past 50 N
    [[49.999279, 0.0], [51.0, 2.0]]
    >>> overview([]) is None
    True
    """
    if not len(geometries) or len(geometries) > MAX_DISTRICTS:
        return None
    projected = np.array(
        [shapely.transform(g, lambda xy: np.column_stack(mercator_xy(*xy.T))) for g in geometries]
    )
    west, south, east, north = shapely.total_bounds(projected)
    cell = max(east - west, north - south) / GRID
    simplified = shapely.coverage_simplify(projected, SIMPLIFY_CELLS * cell)
    width, height = round((east - west) / cell), round((north - south) / cell)
    paths = [_path(shape, west, north, cell) for shape in simplified]
    west_lon, north_lat = lonlat(west, north)
    east_lon, south_lat = lonlat(west + width * cell, north - height * cell)
    bounds = [[round(south_lat, 6), round(west_lon, 6)], [round(north_lat, 6), round(east_lon, 6)]]
    return Overview(f"0 0 {width} {height}", bounds, paths)


def _path(shape, west: float, north: float, cell: float) -> str:
    """SVG path data of one district: each ring from an absolute start, then steps
    between whole grid cells (relative steps are short numbers, and gzip likes them)."""
    parts = list(shape.geoms) if shape.geom_type == "MultiPolygon" else [shape]
    largest = max(part.area for part in parts)
    commands = []
    for part in parts:
        if part.area < SMALLEST_PART_CELLS * cell * cell and part.area < largest:
            continue
        for ring in (part.exterior, *part.interiors):
            xy = np.asarray(ring.coords)[:-1]
            grid = np.rint((xy - (west, north)) / (cell, -cell)).astype(int)
            moved = np.ones(len(grid), dtype=bool)
            moved[1:] = np.any(grid[1:] != grid[:-1], axis=1)
            grid = grid[moved]
            if len(grid) < 3:
                continue
            steps = " ".join(f"{dx} {dy}" for dx, dy in np.diff(grid, axis=0))
            commands.append(f"M{grid[0][0]} {grid[0][1]}l{steps}z".replace(" -", "-"))
    return "".join(commands)

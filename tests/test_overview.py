"""The map page's own drawing of the districts (turfmap/geometry/overview.py), on
the real UK seats."""

from __future__ import annotations

import gzip
import re

import numpy as np
import pyogrio
import pytest
import shapely

from turfmap.geometry.mercator import mercator_xy
from turfmap.geometry.overview import GRID, MAX_DISTRICTS, overview

from .conftest import SHARED


@pytest.fixture(scope="module")
def seats():
    frame = pyogrio.read_dataframe(SHARED / "uk" / "wpc_2024_uk_bgc_valid.gpkg").to_crs(4326)
    return frame["PCON24NM"].tolist(), list(frame.geometry.values)


def vertices(path: str) -> np.ndarray:
    """Absolute grid positions of every vertex of an SVG path made by overview()."""
    found = []
    for ring in re.findall(r"M([^z]*)z", path):
        start, _, steps = ring.partition("l")
        numbers = [int(n) for n in re.findall(r"-?\d+", steps)]
        at = np.array([int(n) for n in start.split()])
        found.append(at)
        for step in np.array(numbers).reshape(-1, 2):
            at = at + step
            found.append(at)
    return np.array(found)


def test_every_seat_is_drawn_where_it_is(seats):
    names, shapes = seats
    drawing = overview(shapes)
    assert len(drawing.paths) == 650 and all(drawing.paths)
    width, height = (int(v) for v in drawing.view_box.split()[2:])
    assert max(width, height) == GRID
    (south, west), (north, east) = drawing.bounds

    def to_grid(lon, lat):
        x, y = mercator_xy(np.array([lon, west]), np.array([lat, north]))
        cell = (mercator_xy(east, north)[0] - x[1]) / width
        return (x[0] - x[1]) / cell, (y[1] - y[0]) / cell

    # Each seat's own point falls within its drawn outline's box (a cell's slack).
    for name in ("Hendon", "Orkney and Shetland", "Cities of London and Westminster"):
        point = shapes[names.index(name)].representative_point()
        gx, gy = to_grid(point.x, point.y)
        drawn = vertices(drawing.paths[names.index(name)])
        assert drawn[:, 0].min() - 1 <= gx <= drawn[:, 0].max() + 1, name
        assert drawn[:, 1].min() - 1 <= gy <= drawn[:, 1].max() + 1, name


def test_the_drawing_fits_in_a_page(seats):
    drawing = overview(seats[1])
    payload = "".join(f'<path d="{d}"/>' for d in drawing.paths).encode()
    assert len(gzip.compress(payload, 6)) < 16_000


def test_no_drawing_for_too_many_districts():
    grid = [shapely.box(x, y, x + 0.01, y + 0.01) for x in range(60) for y in range(51)]
    assert len(grid) > MAX_DISTRICTS and overview(grid) is None

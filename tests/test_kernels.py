"""The compiled search loops give what GEOS gives, on the real UK seats: inside
or not, the nearest point of each simplified outline, and the districts whose box
meets a search box."""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely

from turfmap.extensions import services
from turfmap.spatial.index import IndexedDistrict, SpatialIndex, lonlat, mercator_xy


@pytest.fixture
def index(uk_app):
    with uk_app.app_context():
        return services().spatial.get()


def uk_points(n: int, seed: int) -> np.ndarray:
    """Points over the UK and its seas, and each seat's own inner point."""
    rng = np.random.default_rng(seed)
    return np.column_stack([rng.uniform(-8.5, 2.0, n), rng.uniform(49.8, 60.9, n)])


def near_borders(index, n: int, seed: int) -> np.ndarray:
    """Points up to ~450 m either side of the seats' real borders, where the
    simplified and full outlines may disagree."""
    rng = np.random.default_rng(seed)
    vertices = shapely.get_coordinates(index.geometries)
    picked = vertices[rng.integers(0, len(vertices), n)]
    return picked + rng.uniform(-0.004, 0.004, (n, 2))


def test_inside_is_geos_contains_on_the_full_polygons(index):
    """Each seat's own inner point (islands and holes included), points near the
    borders and anywhere."""
    inner = [(d.point_lon, d.point_lat) for d in index.districts]
    anywhere = [*near_borders(index, 3000, 5).tolist(), *uk_points(1500, 1).tolist()]
    for n, (lon, lat) in enumerate([*inner, *anywhere]):
        candidates = index.rows_near(lon, lat, 20_000)
        found = index.measure(lon, lat, candidates, None)
        expected = shapely.contains_xy(index.geometries[candidates], lon, lat)
        at_zero = {row for row, metres in zip(found.rows, found.metres, strict=True) if metres == 0}
        assert at_zero == set(candidates[expected].tolist())
        if n < len(inner):
            assert at_zero == {n}


def test_nearest_points_are_geos_shortest_lines_on_the_simplified_outlines(index):
    for lon, lat in uk_points(1500, 2).tolist():
        rows = index.rows_near(lon, lat, 30_000)
        found = index.measure(lon, lat, rows, None)
        x, y = mercator_xy(lon, lat)
        lines = shapely.shortest_line(shapely.boundary(index._mercator[rows]), shapely.Point(x, y))
        ends = dict(zip(rows.tolist(), shapely.get_coordinates(lines)[0::2].tolist(), strict=True))
        for row, metres, (near_x, near_y) in zip(found.rows, found.metres, found.xy, strict=True):
            if metres == 0:
                assert (near_x, near_y) == (x, y)
                continue
            assert np.hypot(near_x - x, near_y - y) == pytest.approx(
                np.hypot(ends[row][0] - x, ends[row][1] - y), abs=1e-6
            )
            assert metres >= 1.0


@pytest.mark.parametrize("metres", [500, 13_400, 120_000, 3_000_000])
def test_rows_near_are_the_boxes_that_meet_the_search_box(index, metres):
    """Brute force over every district's box, through the set's tree and the tree
    of every set."""
    for lon, lat in [*uk_points(300, 4).tolist(), (-30.0, 50.0), (2.5, 49.0)]:
        found = index.rows_near(lon, lat, metres, set_slug="westminster-2024")
        everywhere = index.rows_near(lon, lat, metres)
        # The box the index sizes for itself, a little smaller and a little larger:
        # everything meeting the first must be found, nothing beyond the second.
        bounds = shapely.bounds(index._mercator)
        must = _meets(bounds, _box(lon, lat, metres, 0.999))
        may = _meets(bounds, _box(lon, lat, metres, 1.001))
        for rows in (found, everywhere):
            assert set(np.flatnonzero(must)) <= set(rows.tolist()) <= set(np.flatnonzero(may))


def _box(lon, lat, metres, stretch):
    x, y = mercator_xy(lon, lat)
    edge_lat = min(abs(lat) + metres / 111_320.0, 85.0)
    half = metres / math.cos(math.radians(edge_lat)) * stretch
    return x - half, y - half, x + half, y + half


def _meets(bounds, box):
    west, south, east, north = box
    return (
        (bounds[:, 0] <= east)
        & (bounds[:, 2] >= west)
        & (bounds[:, 1] <= north)
        & (bounds[:, 3] >= south)
    )


def test_sets_on_two_continents_and_a_district_across_the_antimeridian():
    """One grid over every set must stay small and still find everything: squares
    in Britain and Quebec, and an Aleutian-like district spanning the globe."""
    squares = [shapely.box(x, y, x + 0.1, y + 0.1) for x in (-2.0, -1.8) for y in (52.0, 52.2)]
    squares += [shapely.box(-73.6, 45.5, -73.5, 45.6)]
    aleutians = [shapely.box(172.0, 52.0, 179.9, 53.0), shapely.box(-179.9, 51.0, -170.0, 52.5)]
    squares += [shapely.MultiPolygon(aleutians)]
    districts = [
        IndexedDistrict(n, "uk" if n < 4 else "world", f"D{n}", f"D{n}", None, 0.0, 0.0, 0.0)
        for n in range(len(squares))
    ]
    index = SpatialIndex(districts, squares)
    # The Aleutians' box spans every longitude, so it is a candidate everywhere at
    # its latitudes; measuring leaves it out.
    assert sorted(index.rows_near(-1.95, 52.05, 1_000).tolist()) == [0, 5]
    assert index.reach(-1.95, 52.05, 1_000).rows == [0]
    between = index.reach(-1.85, 52.15, 30_000, set_slug="uk")
    assert sorted(between.rows) == [0, 1, 2, 3] and min(between.metres) > 4_000
    assert index.reach(-73.55, 45.55, 1_000).rows == [4]
    found = index.reach(-175.0, 52.0, 1_000, set_slug="world")
    assert found.rows == [5] and found.metres == [0.0]
    assert lonlat(*found.xy[0]) == pytest.approx((-175.0, 52.0))
    nearest = index.nearest_reach(-1.79, 52.31, 2)
    assert nearest.rows == [3, 1] and 0 < nearest.metres[0] < 2_000


def test_home_among_is_the_point_lookup(index):
    """The home district found among a search's candidates is district_at()'s, near
    borders and anywhere, and at sea none."""
    points = [*near_borders(index, 1500, 6).tolist(), *uk_points(500, 7).tolist()]
    for lon, lat in points:
        rows = index.rows_near(lon, lat, 5_000, set_slug="westminster-2024")
        expected = index.district_at(lon, lat, "westminster-2024")
        assert index.home_among(lon, lat, rows, "westminster-2024") == (expected or [None])[0]
    assert index.home_among(-30.0, 50.0, np.zeros(0, dtype=np.int64), "westminster-2024") is None

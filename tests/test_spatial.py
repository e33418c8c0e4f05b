"""The STRtree index on the real UK seats: lookups and exact k-nearest in metres."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from pyproj import CRS, Transformer

from turfmap.extensions import services
from turfmap.spatial.index import DISTANCE_TOLERANCE_M


@pytest.fixture
def index(uk_app):
    with uk_app.app_context():
        return services().spatial.get()


@pytest.fixture
def geometries(uk_app, index):
    from turfmap.store.queries import active_districts

    with uk_app.app_context(), services().db.session() as session:
        by_code = {d.code: d.geometry for _, d in active_districts(session)}
    return [by_code[d.code] for d in index.districts]


def true_metres(lon, lat, geometries):
    """Geodesic distance from the point to each polygon's nearest edge, using an
    azimuthal equidistant projection centred on the point (exact from the centre)."""
    aeqd = CRS.from_proj4(f"+proj=aeqd +lat_0={lat} +lon_0={lon} +datum=WGS84 +units=m")
    to_aeqd = Transformer.from_crs(4326, aeqd, always_xy=True)
    projected = shapely.transform(
        np.array(geometries, dtype=object),
        lambda xy: np.column_stack(to_aeqd.transform(xy[:, 0], xy[:, 1])),
    )
    return shapely.distance(projected, shapely.Point(0, 0))


def test_point_lookups(index):
    assert [d.name for d in index.district_at(-2.1016, 57.1647)] == ["Aberdeen North"]
    assert [d.code for d in index.district_at(-0.1276, 51.5034)] == ["E14001172"]  # Downing St
    assert index.district_at(-30.0, 50.0) == []  # mid-Atlantic


def test_a_shared_border_point_belongs_to_both_neighbours(index, geometries):
    north = index.districts.index(index.district_at(-2.1016, 57.1647)[0])
    neighbours = [
        i
        for i in range(len(geometries))
        if i != north and shapely.touches(geometries[north], geometries[i])
    ]
    shared = shapely.intersection(geometries[north], geometries[neighbours[0]])
    vertex = shapely.get_coordinates(shared)[0]
    found = {d.code for d in index.district_at(*vertex)}
    assert found == {index.districts[north].code, index.districts[neighbours[0]].code}


@pytest.mark.parametrize(
    "lon, lat",
    [(-2.1016, 57.1647), (1.0, 56.5), (-1.5754, 54.7768), (-5.9, 54.6), (-0.1276, 51.5034)],
    ids=["old-aberdeen", "north-sea", "durham", "belfast", "westminster"],
)
def test_nearest_is_exact_and_in_metres(index, geometries, lon, lat):
    """The k nearest by true geodesic distance, to within the index's promise:
    2% (Mercator scaling) plus DISTANCE_TOLERANCE_M (simplified outlines)."""
    got = index.nearest(lon, lat, k=6)
    truth = true_metres(lon, lat, geometries)
    position = {d.code: i for i, d in enumerate(index.districts)}
    best = np.sort(truth)[:6]
    slack = DISTANCE_TOLERANCE_M + 1.0
    for rank, nearby in enumerate(got):
        own = truth[position[nearby.district.code]]
        assert nearby.metres == pytest.approx(own, rel=0.02, abs=slack)
        assert own == pytest.approx(best[rank], rel=0.02, abs=2 * slack)
    assert [n.metres for n in got] == sorted(n.metres for n in got)
    inside = [d.code for d in index.district_at(lon, lat)]
    if inside:
        assert got[0].district.code in inside and got[0].metres == 0.0


def test_nearest_with_a_condition(index, geometries):
    scottish = index.nearest(-1.5754, 54.7768, k=3, where=lambda d: d.code.startswith("S"))
    assert len(scottish) == 3 and all(n.district.code.startswith("S") for n in scottish)
    assert scottish[0].metres > 50_000  # Durham is a long way from Scotland
    truth = true_metres(-1.5754, 54.7768, geometries)
    best = min(
        (t, d.code) for t, d in zip(truth, index.districts, strict=True) if d.code.startswith("S")
    )
    assert scottish[0].district.code == best[1]


def test_nearest_finds_nothing_when_nothing_matches(index):
    assert index.nearest(-1.5, 54.7, k=3, where=lambda d: False) == []
    assert index.nearest(-1.5, 54.7, k=3, set_slug="no-such-set") == []


def test_index_follows_activation_made_elsewhere(app, cli):
    """A web worker notices an activation done by another process (here: the CLI
    through its own session) and rebuilds; the check interval is 0 in tests."""
    from tests.conftest import UK

    with app.app_context():
        assert len(services().spatial.get()) == 0
    cli.ok(
        "import",
        "boundaries",
        UK / "wards_bradford_E08000032_wd13.geojson",
        "--set",
        "bradford",
        "--commit",
    )
    with app.app_context():
        assert len(services().spatial.get()) == 0  # imported, not active
    from turfmap.store.db import Database
    from turfmap.store.generations import activate

    other = Database()  # another process's connection
    other.init(app.config["TURFMAP_DATABASE_URL"], schema=app.config["TURFMAP_DATABASE_SCHEMA"])
    with other.transaction() as session:
        activate(session, "bradford")
    other.dispose()
    with app.app_context():
        assert len(services().spatial.get()) == 30


def test_mercator_by_formula_matches_pyproj():
    """The index projects with the closed form; it must agree with EPSG:3857."""
    from turfmap.spatial.index import lonlat, mercator_xy

    rng = np.random.default_rng(3)
    lon, lat = rng.uniform(-180, 180, 1000), rng.uniform(-85, 85, 1000)
    expected = Transformer.from_crs(4326, 3857, always_xy=True).transform(lon, lat)
    np.testing.assert_allclose(mercator_xy(lon, lat), expected, rtol=0, atol=1e-6)
    for x, y, lo, la in zip(*expected, lon, lat, strict=True):
        assert mercator_xy(float(lo), float(la)) == pytest.approx((x, y), abs=1e-6)
        assert lonlat(x, y) == pytest.approx((lo, la), abs=1e-9)


def test_zero_metres_means_inside_the_full_outline(index):
    """A point inside a district's simplified outline but outside its real one is
    near the district, not in it: 0 m is kept for points truly inside."""
    from turfmap.spatial.index import EARTH_RADIUS

    durham = index.district_at(-1.5754, 54.7768)[0]
    i = index.districts.index(durham)
    simplified = shapely.transform(
        index._mercator[i],
        lambda xy: np.column_stack(
            [
                np.degrees(xy[:, 0] / EARTH_RADIUS),
                np.degrees(2 * np.arctan(np.exp(xy[:, 1] / EARTH_RADIUS)) - np.pi / 2),
            ]
        ),
    )
    sliver = max(
        shapely.get_parts(shapely.difference(simplified, index.geometries[i])),
        key=lambda part: part.area,
    )
    lon, lat = shapely.get_coordinates(sliver.representative_point())[0]
    assert durham not in index.district_at(lon, lat)
    near = {n.district.code: n.metres for n in index.within(lon, lat, 1_000)}
    assert 0 < near[durham.code] <= 2 * DISTANCE_TOLERANCE_M


def test_reach_is_within_as_parallel_lists(index, geometries):
    """reach() and nearest_reach() answer as within() and nearest() do; the
    nearest point of each district lies on its outline, the origin when inside."""
    lon, lat = -1.5754, 54.7768  # Durham
    found = index.reach(lon, lat, 30_000, set_slug="westminster-2024", limit=8)
    listed = index.within(lon, lat, 30_000, set_slug="westminster-2024", limit=8)
    assert [index.districts[row] for row in found.rows] == [n.district for n in listed]
    assert found.metres == [n.metres for n in listed] == sorted(found.metres)
    assert len(found.rows) == 8 and found.metres[0] == 0.0
    points = found.points()
    assert points[0] == (lon, lat)
    for row, (x, y) in zip(found.rows[1:], points[1:], strict=True):
        edge = shapely.Point(x, y).distance(geometries[row].boundary)
        assert edge < 0.01  # degrees: on the simplified outline, near the real one
    nearest = index.nearest_reach(lon, lat, k=3, set_slug="westminster-2024")
    assert nearest.rows == found.rows[:3]


def test_reach_honours_the_mask(index):
    lon, lat = -1.5754, 54.7768
    inside = index.districts.index(index.district_at(lon, lat)[0])
    mask = np.ones(len(index), dtype=bool)
    mask[inside] = False
    found = index.reach(lon, lat, 20_000, mask=mask)
    assert found.rows and inside not in found.rows and min(found.metres) > 0


def test_floor_metres_never_exceeds_what_measure_finds(index):
    """The best-first recommendation relies on it: a district's floor is a lower
    bound on its measured distance, inside, near and far, in the north and south."""
    rng = np.random.default_rng(4)
    for lon, lat in np.column_stack([rng.uniform(-6, 1.8, 300), rng.uniform(50, 58.6, 300)]):
        lon, lat = float(lon), float(lat)
        rows = index.rows_near(lon, lat, 40_000, set_slug="westminster-2024")
        found = index.measure(lon, lat, rows, None)
        floor = dict(zip(rows.tolist(), index.floor_metres(lon, lat, rows).tolist(), strict=True))
        assert sorted(found.rows) == sorted(rows.tolist())
        for row, metres in zip(found.rows, found.metres, strict=True):
            assert floor[row] <= metres

"""Doors and streets (issue 20, parts 1, 2 and 9): every kind of file, placed in its
district, duplicates merged, bad input refused with the row and nothing written.
Both backends, real files from ../shared/data."""

from __future__ import annotations

import csv

import pytest
from sqlalchemy import func, select

from tests.conftest import UK, services_of, snapshot
from tests.doorstep import ABERDEEN, PBF, RUTLAND, SET, load_seats
from turfmap.store.turf_models import Door, DoorDistrict, StreetBarrier, StreetEdge


@pytest.fixture
def seats(app, cli, tmp_path):
    load_seats(cli, tmp_path)
    return cli


def count(app, model) -> int:
    with services_of(app).db.session() as session:
        return session.scalar(select(func.count()).select_from(model))


def aberdeen_rows(limit: int = 40) -> list[dict]:
    with open(UK / "onspd_sample_aberdeen_postcodes.csv", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if not r["doterm"] and r["pcon"] in ABERDEEN]
    return rows[:limit]


def write_csv(path, header, rows) -> str:
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return str(path)


def test_osm_buildings_become_doors_in_their_seat(app, seats):
    dry = seats.ok("import", "doors", PBF, "--set", SET)
    assert "2,573 OpenStreetMap buildings and addresses read" in dry
    assert f"{RUTLAND}: 2,569 doors" in dry
    # 4 buildings of the extract lie over the county line, outside every loaded seat.
    assert "4 doors lie outside every district of the set" in dry
    assert "Dry run" in dry and count(app, Door) == 0
    seats.ok("import", "doors", PBF, "--set", SET, "--commit")
    assert count(app, Door) == 2569
    assert count(app, DoorDistrict) == 2569  # one active set: one placement each
    again = seats.ok("import", "doors", PBF, "--set", SET, "--commit")
    assert "2,569 doors are stored already" in again and "nothing new to load" in again
    assert count(app, Door) == 2569


def test_csv_by_position_grid_and_postcode_with_duplicates_merged(app, seats, tmp_path):
    rows = aberdeen_rows()
    by_position = write_csv(
        tmp_path / "doors.csv",
        ["UPRN", "Latitude", "Longitude", "Address", "Voters"],
        [[f"9000{i}", r["lat"], r["long"], f"{i} Test Street", "2"] for i, r in enumerate(rows)]
        + [["90001", rows[1]["lat"], rows[1]["long"], "1 Test Street", "2"]],  # same UPRN
    )
    report = seats.ok("import", "doors", by_position, "--set", SET, "--commit")
    assert "41 CSV rows read: 40 doors" in report and "1 duplicates merged" in report
    grid = write_csv(
        tmp_path / "grid.csv",
        ["easting", "northing", "household"],
        [[r["oseast1m"], r["osnrth1m"], f"h{i}"] for i, r in enumerate(rows[:10])],
    )
    missing_crs = seats("import", "doors", grid, "--set", SET)
    assert missing_crs.exit_code != 0 and "--crs" in missing_crs.output
    seats.ok("import", "doors", grid, "--set", SET, "--crs", "EPSG:27700", "--commit")
    postcodes = write_csv(
        tmp_path / "postcodes.csv", ["Postcode"], [[r["pcds"]] for r in rows[10:20]]
    )
    placed = seats.ok("import", "doors", postcodes, "--set", SET, "--commit")
    assert "10 CSV rows read: 10 doors" in placed
    with services_of(app).db.session() as session:
        doors = session.scalars(select(Door)).all()
    assert len(doors) == 60
    assert {d.district_code for d in doors} <= set(ABERDEEN)
    assert {d.voters for d in doors if d.uprn} == {2}


@pytest.mark.parametrize(("suffix", "driver"), [("geojson", "GeoJSON"), ("gpkg", "GPKG")])
def test_footprints_become_doors_at_their_representative_point(
    app, seats, tmp_path, suffix, driver
):
    import geopandas as gpd
    import shapely

    rows = aberdeen_rows(5)
    squares = [
        shapely.box(
            float(r["long"]), float(r["lat"]), float(r["long"]) + 1e-4, float(r["lat"]) + 1e-4
        )  # fmt: skip
        for r in rows
    ]
    frame = gpd.GeoDataFrame({"uprn": [f"7{i}" for i in range(5)]}, geometry=squares, crs=4326)
    frame.to_file(tmp_path / f"buildings.{suffix}", driver=driver)
    report = seats.ok("import", "doors", tmp_path / f"buildings.{suffix}", "--set", SET, "--commit")
    assert "5 features read: 5 doors" in report
    with services_of(app).db.session() as session:
        door = session.scalar(select(Door).where(Door.uprn == "70"))
    assert squares[0].contains(shapely.Point(door.lon, door.lat))


@pytest.mark.parametrize(
    ("header", "row", "message"),
    [
        (["name", "street"], ["x", "y"], "no positions"),
        (["lat", "lon"], ["57.1", "east"], "line 3, column 'lon': 'east' is not a number"),
        (["lat", "lon"], ["571", "-2.1"], "line 3: (571.0, -2.1) is not a latitude"),
        (["postcode"], ["ZZ99 9ZZ"], "line 3: postcode 'ZZ99 9ZZ' is not among the imported"),
        (["postcode"], ["nonsense"], "line 3, column 'postcode': 'nonsense' is not a postcode"),
        (["lat", "lon", "voters"], ["57.15", "-2.1", "many"], "'many' is not a whole number"),
        (["lat", "lon", "address"], ["57.15", "-2.1", "=cmd()"], "starts with '='"),
    ],
)
def test_bad_csv_rows_are_named_and_nothing_is_written(app, seats, tmp_path, header, row, message):
    good = aberdeen_rows(1)[0]
    first = {"lat": good["lat"], "lon": good["long"], "postcode": good["pcds"], "voters": "1",
             "address": "1 Good Street", "name": "x", "street": "y"}  # fmt: skip
    path = write_csv(tmp_path / "bad.csv", header, [[first[h] for h in header], row])
    before = snapshot(app)
    result = seats("import", "doors", path, "--set", SET, "--commit")
    assert result.exit_code != 0
    assert message in result.output, result.output
    assert "Traceback" not in result.output
    assert snapshot(app) == before


def test_doors_outside_every_district_truncated_extracts_and_unknown_sets(app, seats, tmp_path):
    before = snapshot(app)
    far = write_csv(tmp_path / "far.csv", ["lat", "lon"], [["51.5", "-0.12"], ["48.85", "2.35"]])
    result = seats("import", "doors", far, "--set", SET, "--commit")
    assert result.exit_code != 0 and "none of its 2 doors is inside" in result.output
    truncated = tmp_path / "cut.osm.pbf"
    truncated.write_bytes(PBF.read_bytes()[:600_000])
    for kind in ("doors", "streets"):
        args = ["import", kind, truncated, "--commit"] + (["--set", SET] if kind == "doors" else [])
        result = seats(*args)
        assert result.exit_code != 0 and "not a readable OpenStreetMap extract" in result.output
    unknown = seats("import", "doors", PBF, "--set", "nowhere", "--commit")
    assert unknown.exit_code != 0 and "no boundary set 'nowhere'" in unknown.output
    assert snapshot(app) == before


def test_streets_import_keeps_the_walkable_network_and_its_barriers(app, seats):
    report = seats.ok("import", "streets", PBF, "--commit")
    assert "4,312 walkable ways split at junctions into 7,882 edges" in report
    assert "180 barriers kept: canal 25, railway 101, river 54" in report
    assert count(app, StreetEdge) == 7882 and count(app, StreetBarrier) == 180
    with services_of(app).db.session() as session:
        majors = session.scalar(select(func.count()).where(StreetEdge.major.is_(True)))
        kinds = set(session.scalars(select(StreetEdge.highway).distinct()))
    assert majors == 571
    assert "motorway" not in kinds and {"residential", "footway", "trunk"} <= kinds
    seats.ok("import", "streets", PBF, "--commit")  # replaces, never doubles
    assert count(app, StreetEdge) == 7882

"""Boundary imports on real files, in every format the pipeline promises."""

from __future__ import annotations

import zipfile

import geopandas as gpd
import numpy as np
import pytest
import shapely

from tests.conftest import PACKAGES, UK, US, snapshot
from turfmap.geometry.bands import BANDS
from turfmap.pipeline.clean import clean_features
from turfmap.pipeline.read import read_boundaries
from turfmap.pipeline.simplify import coverage_defects, simplify_bands


def test_uk_topojson_gives_650_seats_and_finds_old_aberdeen(uk_app):
    client = uk_app.test_client()
    sets = client.get("/api/v1/sets").get_json()["sets"]
    assert sets == [
        {
            "slug": "westminster-2024",
            "name": "UK Parliament constituencies 2024",
            "level": "westminster",
            "parent_set": None,
            "active_generation": 1,
            "generations": 1,
            "districts": 650,
        }
    ]
    found = client.get("/api/v1/point?lat=57.1647&lon=-2.1016").get_json()["districts"]
    assert [(d["code"], d["name"]) for d in found] == [("S14000060", "Aberdeen North")]


def test_dry_run_reports_and_writes_nothing(app, cli):
    before = snapshot(app)
    output = cli.ok(
        "import",
        "boundaries",
        UK / "wards_bradford_E08000032_wd13.geojson",
        "--set",
        "bradford-wards",
    )
    assert "30 features; code field 'WD13CD', name field 'WD13NM'" in output
    assert "Dry run: nothing was written" in output
    assert snapshot(app) == before


def test_report_names_repairs_vertices_and_band_sizes(app, cli):
    output = cli.ok("import", "boundaries", UK / "wpc_2024_uk_buc.geojson", "--set", "wpc-buc")
    assert "650 features; code field 'PCON24CD', name field 'PCON24NM'" in output
    assert "invalid geometries repaired:" in output
    assert "vertices:" in output
    for band in BANDS:
        assert f"band {band.number} ({band.label}" in output
    assert "KB gzipped" in output


def test_import_is_inactive_until_activated_and_keeps_old_generations(app, cli):
    path = UK / "wards_bradford_E08000032_wd13.geojson"
    assert "INACTIVE" in cli.ok("import", "boundaries", path, "--set", "bradford", "--commit")
    client = app.test_client()
    assert client.get("/api/v1/sets").get_json()["sets"][0]["active_generation"] is None
    assert client.get("/api/v1/point?lat=53.79&lon=-1.75").get_json()["districts"] == []
    cli.ok("generations", "activate", "bradford")
    cli.ok("import", "boundaries", path, "--set", "bradford", "--commit")
    listing = cli.ok("generations", "list")
    assert "bradford\t1\tACTIVE" in listing and "bradford\t2\tinactive" in listing
    cli.ok("generations", "activate", "bradford", "--number", "2")
    listing = cli.ok("generations", "list", "--set", "bradford")
    assert "bradford\t1\tinactive" in listing and "bradford\t2\tACTIVE" in listing
    assert client.get("/api/v1/sets").get_json()["sets"][0]["active_generation"] == 2


def _shapefile(tmp_path, frame, name="seats"):
    path = tmp_path / f"{name}.shp"
    frame.to_file(path)
    return path


def _zip(tmp_path, shapefile):
    archive = tmp_path / f"{shapefile.stem}.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for part in tmp_path.glob(f"{shapefile.stem}.*"):
            if part.suffix != ".zip":
                out.write(part, part.name)
    return archive


@pytest.mark.parametrize("kind", ["geojson", "gpkg", "shp", "zip", "bng-gpkg"])
def test_formats_all_load_the_same_seats(app, cli, tmp_path, kind):
    frame = gpd.read_file(UK / "wpc_2024_uk_buc.geojson")
    frame = frame[frame.PCON24CD.str.startswith("S")][["PCON24CD", "PCON24NM", "geometry"]]
    if kind == "geojson":
        path = UK / "wpc_2024_uk_buc.geojson"
    elif kind == "gpkg":
        path = tmp_path / "seats.gpkg"
        frame.to_file(path, layer="scotland")
    elif kind == "bng-gpkg":
        path = tmp_path / "bng.gpkg"
        frame.to_crs(27700).to_file(path)
    else:
        path = _shapefile(tmp_path, frame)
        if kind == "zip":
            path = _zip(tmp_path, path)
    output = cli.ok("import", "boundaries", path, "--set", "scotland", "--commit")
    if kind == "bng-gpkg":
        assert "reprojected from EPSG:27700 to EPSG:4326" in output
    cli.ok("generations", "activate", "scotland")
    found = app.test_client().get("/api/v1/point?lat=57.1647&lon=-2.1016").get_json()
    assert [d["code"] for d in found["districts"]] == ["S14000060"]


def test_us_census_layout_is_detected(app, cli):
    output = cli.ok(
        "import",
        "boundaries",
        US / "cb_2024_us_cd119_20m.geojson",
        "--set",
        "us-house-119",
        "--commit",
    )
    assert "437 features; code field 'GEOID', name field 'STATEFP+CD119FP (as PA-03)'" in output
    cli.ok("generations", "activate", "us-house-119")
    client = app.test_client()
    # The US Capitol is in DC's at-large delegate district, GEOID 1198.
    found = client.get("/api/v1/point?lat=38.8899&lon=-77.0091").get_json()
    assert [(d["code"], d["name"]) for d in found["districts"]] == [("1198", "DC-AL")]
    # Pennsylvania's 3rd and New Jersey's 3rd no longer read the same.
    assert client.get("/api/v1/districts/4203").get_json()["name"] == "PA-03"
    assert client.get("/api/v1/districts/3403").get_json()["name"] == "NJ-03"
    assert client.get("/api/v1/districts/0200").get_json()["name"] == "AK-AL"
    places = client.get("/api/v1/places?q=pennsylvania's 3rd").get_json()["places"]
    assert [p["code"] for p in places] == ["4203"]
    geojson = client.get("/api/v1/sets/us-house-119/districts.geojson?zoom=4").get_json()
    names = {f["id"]: f["properties"]["name"] for f in geojson["features"]}
    assert names["4203"] == "PA-03" and len(set(names.values())) == 437


@pytest.mark.parametrize(
    "renames, expected",
    [
        # The 2020 Census vintage (TIGER/Line, 118th Congress).
        ({"GEOID": "GEOID20", "NAMELSAD": "NAMELSAD20", "STATEFP": "STATEFP20",
          "CD119FP": "CD118FP"}, "code field 'GEOID20', name field 'STATEFP20+CD118FP"),
        # The 2010 vintage.
        ({"GEOID": "GEOID10", "NAMELSAD": "NAMELSAD10", "STATEFP": "STATEFP10",
          "CD119FP": "CD111FP"}, "code field 'GEOID10', name field 'STATEFP10+CD111FP"),
        # State legislative districts, upper chamber.
        ({"CD119FP": "SLDUST"}, "name field 'STATEFP+SLDUST"),
    ],
)  # fmt: skip
def test_other_census_vintages_need_no_flags(cli, tmp_path, renames, expected):
    frame = gpd.read_file(US / "cb_2024_us_cd119_20m.geojson").rename(columns=renames)
    frame.to_file(tmp_path / "districts.geojson")
    output = cli.ok("import", "boundaries", tmp_path / "districts.geojson", "--set", "us")
    assert expected in output


def test_lower_case_ons_fields_need_no_flags(cli, tmp_path):
    frame = gpd.read_file(UK / "wpc_2024_uk_buc.geojson")
    frame = frame.rename(columns={"PCON24CD": "pcon19cd", "PCON24NM": "pcon19nm"})
    frame.to_file(tmp_path / "seats.geojson")
    output = cli.ok("import", "boundaries", tmp_path / "seats.geojson", "--set", "uk")
    assert "code field 'pcon19cd', name field 'pcon19nm'" in output


@pytest.mark.slow  # a GeoPackage of all 650 seats written and read
def test_welsh_names_are_kept_as_the_alternative_and_found_by_search(app, cli, tmp_path):
    """ONS's NMW field: the Welsh name of a Welsh seat (blank for the others, or the
    English name repeated), kept beside the English one, never in its place."""
    frame = gpd.read_file(UK / "wpc_2024_uk_bgc.topojson").set_crs(4326, allow_override=True)
    frame = frame.rename(columns={"PCON24CD": "pcon24cd", "PCON24NM": "pcon24nm"})
    welsh = {"Cardiff North": "Gogledd Caerdydd", "Bridgend": "Pen-y-bont ar Ogwr"}
    frame["pcon24nmw"] = [
        welsh.get(name, name if code.startswith("W") else " ")
        for code, name in zip(frame["pcon24cd"], frame["pcon24nm"], strict=True)
    ]
    frame.to_file(tmp_path / "seats.gpkg")
    output = cli.ok("import", "boundaries", tmp_path / "seats.gpkg", "--set", "uk", "--commit")
    assert "name field 'pcon24nm'" in output
    assert "alternative names from field 'pcon24nmw': 2 districts" in output
    cli.ok("generations", "activate", "uk")
    client = app.test_client()
    found = client.get("/api/v1/places?q=gogledd").get_json()["places"]
    assert [(p["name"], p["name_alt"]) for p in found] == [("Cardiff North", "Gogledd Caerdydd")]
    page = client.get(f"/api/v1/districts/{found[0]['code']}").get_json()
    assert page["name"] == "Cardiff North" and page["name_alt"] == "Gogledd Caerdydd"
    assert "Gogledd Caerdydd" in client.get(f"/d/{found[0]['code']}").get_data(as_text=True)
    hendon = client.get("/api/v1/places?q=Hendon").get_json()["places"][0]
    assert hendon["name_alt"] is None


def test_ambiguous_fields_name_the_flags_to_pass(cli, tmp_path):
    frame = gpd.read_file(UK / "wpc_2024_uk_buc.geojson")
    frame["AAA24CD"], frame["AAA24NM"] = frame["PCON24CD"], frame["PCON24NM"]
    frame = frame.rename(columns={"PCON24CD": "BBB24CD", "PCON24NM": "BBB24NM"})
    frame.to_file(tmp_path / "seats.geojson")
    result = cli("import", "boundaries", tmp_path / "seats.geojson", "--set", "uk")
    assert result.exit_code != 0
    assert "--code-field BBB24CD --name-field BBB24NM" in result.output
    assert "--code-field AAA24CD --name-field AAA24NM" in result.output


def test_named_fields_for_an_unknown_layout(app, cli):
    path = PACKAGES / "plotly-7.1.0_election_montreal2013.geojson"
    result = cli("import", "boundaries", path, "--set", "mtl")
    assert result.exit_code != 0 and "--code-field and --name-field" in result.output
    cli.ok(
        "import",
        "boundaries",
        path,
        "--set",
        "mtl",
        "--code-field",
        "id",
        "--name-field",
        "district",
        "--commit",
    )
    cli.ok("generations", "activate", "mtl")
    summary = app.test_client().get("/api/v1/districts/101").get_json()
    assert summary["name"] == "101-Bois-de-Liesse"


def test_wards_get_their_constituency_by_largest_overlap(app, cli, tmp_path):
    seats = gpd.read_file(UK / "wpc_2024_uk_bgc_valid.gpkg").cx[-2.2:-1.6, 53.7:54.0]
    path = tmp_path / "west-yorkshire.gpkg"
    seats.to_file(path)
    cli.ok("import", "boundaries", path, "--set", "wy-seats", "--commit")
    cli.ok("generations", "activate", "wy-seats")
    output = cli.ok(
        "import",
        "boundaries",
        UK / "wards_bradford_E08000032_wd13.geojson",
        "--set",
        "bradford-wards",
        "--level",
        "ward",
        "--parent-set",
        "wy-seats",
        "--commit",
    )
    assert "parents from 'wy-seats': 30 assigned, 0 outside every parent" in output
    cli.ok("generations", "activate", "bradford-wards")
    client = app.test_client()
    # Independently of turfmap: the seat sharing most area with each ward (geopandas).
    wards = gpd.read_file(UK / "wards_bradford_E08000032_wd13.geojson")
    pieces = gpd.overlay(wards.to_crs(27700), seats.to_crs(27700), how="intersection")
    pieces["area"] = pieces.area
    best = pieces.loc[pieces.groupby("WD13CD")["area"].idxmax()]
    expected = dict(zip(best.WD13CD, best.PCON24CD, strict=True))
    assert len(expected) == 30
    for ward_code, seat_code in expected.items():
        assert client.get(f"/api/v1/districts/{ward_code}").get_json()["parent_code"] == seat_code
    points = wards.set_geometry(wards.representative_point())
    # Clayton and Fairweather Green is a ward of Bradford West
    children = client.get("/api/v1/districts/E14001120").get_json()["children"]
    assert {"code": "E05001348", "name": "Clayton and Fairweather Green"} in children
    sets = {s["slug"]: s for s in client.get("/api/v1/sets").get_json()["sets"]}
    assert sets["bradford-wards"]["parent_set"] == "wy-seats"
    # a point inside the ward is in both active sets
    point = points.set_index("WD13CD").geometry["E05001348"]
    found = client.get(f"/api/v1/point?lat={point.y}&lon={point.x}").get_json()["districts"]
    assert {(d["set"], d["code"]) for d in found} == {
        ("bradford-wards", "E05001348"),
        ("wy-seats", "E14001120"),
    }


@pytest.mark.slow
def test_simplified_bands_keep_uk_neighbours_sharing_borders():
    """0 overlaps and 0 new gaps between neighbours in every band, on the 650 seats."""
    features = clean_features(read_boundaries(UK / "wpc_2024_uk_bgc.topojson").frame)
    bands = simplify_bands(features.geometries)
    cleaned = shapely.coverage_clean(features.geometries)
    for band in BANDS:
        shapes = bands[band.number]
        assert len(shapes) == 650 and not shapely.is_empty(shapes).any()
        assert shapely.is_valid(shapes).all()
        assert coverage_defects(shapes, cleaned) == {"overlap": 0.0, "new_gaps": 0}
    # and simplification really simplified
    counts = [int(shapely.get_num_coordinates(bands[b.number]).sum()) for b in BANDS]
    assert (
        counts == sorted(counts)
        and counts[-1] < shapely.get_num_coordinates(features.geometries).sum()
    )


def test_repair_keeps_area():
    """127 of the raw TopoJSON seats are invalid; repairing them moves under 0.01% of area."""
    raw = read_boundaries(UK / "wpc_2024_uk_bgc.topojson").frame
    features = clean_features(raw)
    assert features.invalid_fixed == 127
    reference = gpd.read_file(UK / "wpc_2024_uk_bgc_valid.gpkg").geometry.values
    change = np.abs(shapely.area(features.geometries) - shapely.area(reference))
    assert (change / shapely.area(reference)).max() < 1e-4


def test_bands_never_hold_more_vertices_than_the_source(cli):
    """The ultra-generalised (BUC) seats are coarser at the source than the finer
    bands: cleaning them for the simplifier added vertices (13,557 in band 2
    against 13,546 in full detail)."""
    import re

    output = cli.ok("import", "boundaries", UK / "wpc_2024_uk_buc.geojson", "--set", "uk")
    full = int(re.search(r"vertices: ([\d,]+) in full detail", output).group(1).replace(",", ""))
    bands = [int(n.replace(",", "")) for n in re.findall(r"band \d .*?: ([\d,]+) vertices", output)]
    assert len(bands) == len(BANDS) and all(n <= full for n in bands), (full, bands)
    assert "the source is coarser than this band already, so the band is the source" in output

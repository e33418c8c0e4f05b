"""Every kind of bad file gets a clear message, a non-zero exit, and leaves the
database exactly as it was (row counts and a digest of the active generation)."""

from __future__ import annotations

import json

import geopandas as gpd
import pytest

from tests.conftest import UK

pytestmark = pytest.mark.usefixtures("unchanged")

SET = "westminster-2024"


def refused(cli, *args, expect: str):
    result = cli(*args)
    assert result.exit_code != 0, result.output
    assert expect in result.output, result.output
    assert "Traceback" not in result.output
    return result.output


def refused_import(cli, kind, path, *, expect: str, set_slug: str = SET):
    """`turfmap import KIND PATH --set SET --commit`, refused with ``expect``."""
    return refused(cli, "import", kind, path, "--set", set_slug, "--commit", expect=expect)


def write_geojson(path, features):
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def square(code, name, x=-2.0, y=53.0, size=0.1):
    ring = [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]
    return {
        "type": "Feature",
        "properties": {"PCON24CD": code, "PCON24NM": name},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


def test_geometry_with_no_area(uk_cli, tmp_path):
    flat = square("X1", "Flat")
    flat["geometry"]["coordinates"] = [[[-2, 53], [-1.9, 53], [-1.8, 53], [-2, 53]]]
    path = write_geojson(tmp_path / "flat.geojson", [square("X0", "Fine"), flat])
    refused_import(
        uk_cli, "boundaries", path, expect="no area once their geometry is repaired: ['X1']"
    )


def test_feature_that_is_not_a_polygon(uk_cli, tmp_path):
    line = square("X2", "A road")
    line["geometry"] = {"type": "LineString", "coordinates": [[-2, 53], [-1, 54]]}
    path = write_geojson(tmp_path / "line.geojson", [square("X0", "Fine"), line])
    refused_import(uk_cli, "boundaries", path, expect="not polygons (districts need areas): X2")


def test_shapefile_without_crs(uk_cli, tmp_path):
    frame = gpd.read_file(UK / "wpc_2024_uk_buc.geojson").head(5).set_crs(None, allow_override=True)
    path = tmp_path / "nocrs.shp"
    frame.to_file(path)
    assert not path.with_suffix(".prj").exists()
    refused_import(
        uk_cli,
        "boundaries",
        path,
        expect="declares no coordinate reference system; name it with --crs",
    )


def test_british_national_grid_coordinates_claiming_lonlat(uk_cli, tmp_path):
    """GeoJSON is WGS84 by definition; metres from a BNG export are caught, with a hint."""
    frame = gpd.read_file(UK / "wpc_2024_uk_buc.geojson").head(5).to_crs(27700)
    path = tmp_path / "bng.geojson"
    frame.to_file(path, driver="GeoJSON", RFC7946="NO", WRITE_NAME="NO")
    path.write_text(path.read_text().replace('"crs"', '"_crs"'))  # as many tools write it
    refused_import(
        uk_cli,
        "boundaries",
        path,
        expect="look like British National Grid metres: add --crs EPSG:27700",
    )


def test_duplicate_codes(uk_cli, tmp_path):
    path = write_geojson(
        tmp_path / "dup.geojson", [square("E1", "One"), square("E1", "Again", x=-1.5)]
    )
    refused_import(
        uk_cli,
        "boundaries",
        path,
        expect="duplicate codes in field 'PCON24CD': E1 (features 1 and 2)",
    )


def test_missing_codes(uk_cli, tmp_path):
    path = write_geojson(
        tmp_path / "nocode.geojson", [square("E1", "One"), square("", "Nameless", x=-1.5)]
    )
    refused_import(
        uk_cli,
        "boundaries",
        path,
        expect="1 feature(s) have no code in field 'PCON24CD': feature number(s) 2",
    )


@pytest.mark.parametrize("content", [b"", b'{"type": "FeatureCollection", "features": []}'])
def test_empty_file(uk_cli, tmp_path, content):
    path = tmp_path / "empty.geojson"
    path.write_bytes(content)
    output = refused_import(uk_cli, "boundaries", path, expect="empty.geojson")
    assert "empty" in output or "no features" in output


def test_truncated_zip(uk_cli, tmp_path):
    frame = gpd.read_file(UK / "wpc_2024_uk_buc.geojson").head(20)
    shapefile = tmp_path / "seats.shp"
    frame.to_file(shapefile)
    import zipfile

    archive = tmp_path / "seats.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        for part in tmp_path.glob("seats.*"):
            if part.suffix != ".zip":
                out.write(part, part.name)
    data = archive.read_bytes()
    archive.write_bytes(data[: len(data) // 2])
    refused_import(uk_cli, "boundaries", archive, expect="the zip archive is damaged or truncated")


def test_non_utf8_results(uk_cli, tmp_path):
    text = (UK / "HoC-GE2024-results-by-constituency.csv").read_text(encoding="utf-8")
    path = tmp_path / "latin1.csv"
    path.write_bytes(text.replace("Ynys Môn", "Ynys Môn").encode("latin-1", errors="replace"))
    refused_import(uk_cli, "results", path, expect="is not UTF-8")


def test_non_utf8_needs(uk_cli, tmp_path):
    path = tmp_path / "needs.csv"
    path.write_bytes("code,need,reason,expires\nE14001279,90,Café meeting,\n".encode("cp1252"))
    refused_import(uk_cli, "needs", path, expect="line 2 is not UTF-8")


def test_unknown_codes_in_results(uk_cli, tmp_path):
    lines = (UK / "HoC-GE2024-results-by-constituency.csv").read_text().splitlines(True)
    lines[3] = lines[3].replace("W07000081", "W07999999", 1)
    path = tmp_path / "unknown.csv"
    path.write_text("".join(lines))
    refused_import(
        uk_cli,
        "results",
        path,
        expect="line 4, column 'ONS ID': 'W07999999' is not a district of 'westminster-2024'",
    )


def test_unknown_codes_in_needs(uk_cli, tmp_path):
    path = tmp_path / "needs.csv"
    path.write_text("code,need,reason,expires\nE14001279,90,Held by 15,\nE99999999,50,Typo,\n")
    refused_import(
        uk_cli,
        "needs",
        path,
        expect="line 3, column 'code': 'E99999999' is not a district of this set",
    )


@pytest.mark.parametrize("value", ["101", "-1", "lots", "nan"])
def test_need_out_of_range(uk_cli, tmp_path, value):
    path = tmp_path / "needs.csv"
    path.write_text(f"code,need,reason,expires\nE14001279,90,Fine,\nS14000060,{value},Bad,\n")
    refused_import(uk_cli, "needs", path, expect="line 3, column 'need':")


def test_formula_in_needs_reason(uk_cli, tmp_path):
    path = tmp_path / "needs.csv"
    path.write_text('code,need,reason,expires\nE14001279,90,"=HYPERLINK(""http://x"")",\n')
    refused_import(
        uk_cli,
        "needs",
        path,
        expect="line 2, column 'reason': '=HYPERLINK(\"http://x\")' starts with '='",
    )


def test_formula_in_results_name(uk_cli, tmp_path):
    lines = (UK / "HoC-GE2024-results-by-constituency.csv").read_text().splitlines(True)
    lines[3] = lines[3].replace("Aberafan Maesteg", "=1+1", 1)
    path = tmp_path / "formula.csv"
    path.write_text("".join(lines))
    refused_import(
        uk_cli, "results", path, expect="line 4, column 'Constituency name': '=1+1' starts with '='"
    )


def test_needs_errors_are_all_reported_and_nothing_loads(uk_cli, tmp_path):
    path = tmp_path / "needs.csv"
    path.write_text(
        "code,need,reason,expires\n"
        "E14001279,90,Held by 15,2099-01-01\n"
        "S14000060,50,,\n"
        "S14000060,40,Again,\n"
        "E14001279,60,Late,1999-01-01\n"
    )
    output = refused_import(uk_cli, "needs", path, expect="2 problem(s); nothing was loaded")
    assert "line 3, column 'reason': a reason is required" in output
    assert "line 5, column 'expires': 1999-01-01 is already past" in output


def test_unknown_set(uk_cli):
    results = UK / "HoC-GE2024-results-by-constituency.csv"
    refused_import(
        uk_cli, "results", results, set_slug="nowhere", expect="no boundary set 'nowhere'"
    )

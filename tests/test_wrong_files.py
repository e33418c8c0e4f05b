"""Files that are wrong must not load as right, on both backends: coordinates in the
wrong system, swapped axes, districts in the wrong country or at sea, NaN
coordinates, impossible postcode locations, zip archives that expand without end;
and staged uploads are deleted once they are done with."""

from __future__ import annotations

import io
import json
import re
import zipfile

import geopandas as gpd
import pytest
import shapely

from tests.conftest import UK, services_of, snapshot
from tests.test_bad_input import refused
from tests.test_uploads import apply_path, upload_boundaries, upload_needs
from tests.workspace import WARD_A, any_token, signed_in
from turfmap.store.models import Upload

BRADFORD = UK / "wards_bradford_E08000032_wd13.geojson"


def bradford(tmp_path, name="wards.geojson", change=None, crs_text=None):
    """Bradford's 30 wards, optionally with their coordinates changed, written as
    GeoJSON that declares ``crs_text`` (a named CRS member) when given."""
    frame = gpd.read_file(BRADFORD)
    if change is not None:
        frame = frame.set_geometry(shapely.transform(frame.geometry.values, change))
    data = json.loads(frame.to_json())
    if crs_text:
        data["crs"] = {"type": "name", "properties": {"name": crs_text}}
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return path


def test_degrees_declared_as_british_national_grid(app, cli, tmp_path):
    path = bradford(tmp_path, crs_text="urn:ogc:def:crs:EPSG::27700")
    before = snapshot(app)
    refused(
        cli, "import", "boundaries", path, "--set", "w", "--commit",
        expect="declares EPSG:27700",
    )  # fmt: skip
    output = cli("import", "boundaries", path, "--set", "w").output
    assert "look like longitude/latitude degrees" in output and "--crs EPSG:4326" in output
    assert snapshot(app) == before


def test_metres_outside_where_the_declared_system_is_used(app, cli, tmp_path):
    # British National Grid metres, declared as New Zealand's grid (EPSG:2193).
    frame = gpd.read_file(BRADFORD).to_crs(27700)
    data = json.loads(frame.to_json())
    data["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::2193"}}
    path = tmp_path / "nz.geojson"
    path.write_text(json.dumps(data))
    refused(
        cli, "import", "boundaries", path, "--set", "w", "--commit",
        expect="far outside where EPSG:2193 is used",
    )  # fmt: skip


def test_swapped_latitude_and_longitude(app, cli, tmp_path):
    path = bradford(tmp_path, change=lambda xy: xy[:, ::-1])
    output = refused(
        cli, "import", "boundaries", path, "--set", "w", "--commit",
        expect="the districts look misplaced",
    )  # fmt: skip
    assert "the axes are probably swapped" in output and "--accept" in output


def test_uk_codes_far_from_the_uk(app, cli, tmp_path):
    # Moved 30 degrees east: on land (Ukraine), but ONS codes do not belong there.
    path = bradford(tmp_path, change=lambda xy: xy + [30.0, 0.0])
    refused(
        cli, "import", "boundaries", path, "--set", "w", "--commit",
        expect="districts have UK (ONS) codes, but only 0% of them lie in the UK",
    )  # fmt: skip
    accepted = cli.ok("import", "boundaries", path, "--set", "w", "--accept", "--commit")
    assert "ACCEPTED although: 30 districts have UK (ONS) codes" in accepted


def test_nan_coordinates_are_refused_cleanly(workspace, cli, tmp_path):
    data = json.loads(gpd.read_file(BRADFORD).to_json())
    ring = data["features"][0]["geometry"]["coordinates"][0]
    ring[1] = [float("nan"), 53.8]
    path = tmp_path / "nan.geojson"
    path.write_text(json.dumps(data))  # Python writes NaN, as several tools do
    output = refused(cli, "import", "boundaries", path, "--set", "w", expect="not finite numbers")
    assert "feature number(s) 1 " in output
    answer = upload_boundaries(signed_in(workspace, "admin@x.org"), path, "w2")
    assert answer.status_code == 400 and "not finite numbers" in answer.get_data(as_text=True)


def test_boundary_upload_refuses_degrees_declared_as_metres(workspace, tmp_path):
    path = bradford(tmp_path, crs_text="urn:ogc:def:crs:EPSG::27700")
    answer = upload_boundaries(signed_in(workspace, "admin@x.org"), path, "w3")
    assert answer.status_code == 400
    assert "declares EPSG:27700" in answer.get_data(as_text=True)


POSTCODE_HEADER = "pcds,doterm,lat,long\n"


@pytest.mark.parametrize("lat", ["999", "-91", "NaN", "1e309", "abc", ""])
def test_impossible_postcode_locations_are_refused_by_line(app, cli, tmp_path, lat):
    path = tmp_path / "postcodes.csv"
    path.write_text(
        POSTCODE_HEADER
        + "AB10 1AA,,57.14,-2.11\n"
        + f"AB10 1AB,,{lat},-2.11\n"
        + "JE2 4WD,,99.999999,0.000000\n"  # ONSPD's own "no grid reference": skipped
    )
    before = snapshot(app)
    refused(cli, "import", "postcodes", path, "--commit", expect="line 3, column 'lat'")
    assert snapshot(app) == before
    output = cli.ok("import", "postcodes", path, "--skip-bad", "--commit")
    assert "1 rows with a bad location skipped (--skip-bad)" in output
    assert "1 live without a location" in output


# -- zip archives --------------------------------------------------------------------


def zipped(tmp_path, members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    path = tmp_path / "upload.zip"
    path.write_bytes(buffer.getvalue())
    return path


def test_a_zip_that_expands_too_far_is_refused_before_reading(workspace, cli, tmp_path):
    workspace.config["TURFMAP_MAX_UNZIPPED_MB"] = 10
    path = zipped(tmp_path, {"big.geojson": b" " * (40 * 1024 * 1024)})
    assert path.stat().st_size < 200_000
    refused(
        cli, "import", "boundaries", path, "--set", "w",
        expect="would expand to 40 MB, more than the 10 MB allowed",
    )  # fmt: skip
    answer = upload_boundaries(signed_in(workspace, "admin@x.org"), path, "w4")
    assert answer.status_code == 400 and "would expand to 40 MB" in answer.get_data(as_text=True)


def test_a_zip_of_too_many_files_is_refused(app, cli, tmp_path):
    path = zipped(tmp_path, {f"part{n}.txt": b"x" for n in range(150)})
    refused(cli, "import", "boundaries", path, "--set", "w", expect="holds 150 files")


# -- staged uploads ------------------------------------------------------------------


def staged(app) -> list[Upload]:
    with services_of(app).db.session() as session:
        return list(session.query(Upload).order_by(Upload.id))


def test_staged_uploads_are_emptied_when_applied_and_deleted_when_cancelled(workspace, cli):
    alice = signed_in(workspace, "a@x.org")
    csv = f"code,need,reason,expires\n{WARD_A},70,Short of leafleters,\n"
    preview = upload_needs(alice, csv).get_data(as_text=True)
    assert staged(workspace)[0].content == csv.encode()
    alice.post(apply_path(preview), data={"csrf_token": any_token(alice)})
    [applied] = staged(workspace)
    assert applied.applied_at is not None and applied.content == b""
    assert "staged uploads not yet applied: 0" in cli.ok("db", "report")

    preview = upload_needs(alice, csv.replace("70", "60")).get_data(as_text=True)
    cancel = re.search(r'action="(/admin/uploads/(\d+)/cancel)"', preview)
    assert "staged uploads not yet applied: 1" in cli.ok("db", "report")
    answer = alice.post(cancel.group(1), data={"csrf_token": any_token(alice)})
    assert answer.status_code == 302
    assert [u.id for u in staged(workspace)] == [applied.id]


def test_unapplied_uploads_are_deleted_after_the_retention_period(workspace, cli):
    alice = signed_in(workspace, "a@x.org")
    csv = f"code,need,reason,expires\n{WARD_A},70,Short of leafleters,\n"
    upload_needs(alice, csv)
    assert len(staged(workspace)) == 1
    workspace.config["TURFMAP_UPLOAD_RETENTION_HOURS"] = 0
    upload_needs(alice, csv.replace("70", "65"))  # staging purges what is past retention
    assert len(staged(workspace)) == 1
    assert "deleted 1 staged upload(s)" in cli.ok("uploads", "purge", "--older-than-hours", "0")
    assert staged(workspace) == []

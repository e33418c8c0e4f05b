"""A first visit is cheap: the map page and a cached map layer ask the database
nothing once a worker holds its index and need board, and static files go out
fingerprinted, gzipped once and cacheable for a year (issue 22.7)."""

from __future__ import annotations

import gzip
import json
import re
import shutil
from contextlib import contextmanager
from html import unescape
from pathlib import Path

import pytest
from sqlalchemy import event

from tests.conftest import load_montreal, services_of
from turfmap import create_app
from turfmap.config import PROJECT_ROOT
from turfmap.web.static_files import fingerprint

YEAR = "max-age=315360000, public, immutable"


@pytest.fixture
def held_app(uk_app, tmp_path):
    """A second worker on the UK database that checks the store's versions once a
    minute, as a production worker between changes."""
    config = uk_app.config
    app = create_app(
        {
            "TESTING": True,
            "TURFMAP_DATABASE_URL": config["TURFMAP_DATABASE_URL"],
            "TURFMAP_DATABASE_SCHEMA": config["TURFMAP_DATABASE_SCHEMA"],
            "TURFMAP_CACHE_DIR": tmp_path / "cache",
            "TURFMAP_INDEX_CHECK_SECONDS": 60.0,
        }
    )
    yield app
    services_of(app).db.dispose()


@contextmanager
def statements(app):
    """Every SQL statement the app's engine runs inside the block."""
    seen: list[str] = []
    engine = app.extensions["turfmap"].db.engine

    def note(_conn, _cursor, statement, *_args):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


def test_a_warm_worker_serves_the_map_page_and_layer_without_a_query(held_app):
    client = held_app.test_client()
    layer = "/api/v1/sets/westminster-2024/districts.geojson?zoom=6"
    hexes = "/api/v1/sets/westminster-2024/hexes.json"
    first_page, first_layer = client.get("/"), client.get(layer)  # builds what it holds
    first_hexes = client.get(hexes)
    assert first_page.status_code == 200 and first_layer.status_code == 200
    with statements(held_app) as seen:
        page = client.get("/")
        again = client.get(layer)
        embed = client.get("/embed?theme=dark")
        hexes_again = client.get(hexes, headers={"If-None-Match": first_hexes.headers["ETag"]})
    assert seen == []
    assert hexes_again.status_code == 304
    assert "public" in first_hexes.headers["Cache-Control"]
    assert page.data == first_page.data and embed.status_code == 200
    assert again.data == first_layer.data and again.headers["ETag"] == first_layer.headers["ETag"]
    assert len(again.get_json()["features"]) == 650


def test_static_files_are_fingerprinted_gzipped_once_and_kept_a_year(uk_app):
    client = uk_app.test_client()
    html = client.get("/").get_data(as_text=True)
    leaflet = re.search(r'"(/static/([0-9a-f]{12})/vendor/leaflet/leaflet\.js)"', html)
    assert leaflet and leaflet[2] == fingerprint(PROJECT_ROOT / "static")
    original = (PROJECT_ROOT / "static" / "vendor/leaflet/leaflet.js").read_bytes()
    zipped = client.get(leaflet[1], headers={"Accept-Encoding": "gzip, br"})
    assert zipped.status_code == 200 and zipped.headers["Content-Encoding"] == "gzip"
    assert zipped.headers["Cache-Control"] == YEAR
    assert zipped.headers["Vary"] == "Accept-Encoding"
    assert zipped.headers["X-Content-Type-Options"] == "nosniff"
    assert zipped.mimetype == "text/javascript"
    assert gzip.decompress(zipped.data) == original
    # Compressed once, at start-up, into the cache folder: the same file each time.
    copy = Path(uk_app.config["TURFMAP_CACHE_DIR"]) / "static" / leaflet[2]
    assert (copy / "vendor/leaflet/leaflet.js.gz").read_bytes() == zipped.data
    plain = client.get(leaflet[1])
    assert plain.data == original and "Content-Encoding" not in plain.headers
    # A page's relative references (leaflet.css's images) stay under the fingerprint.
    image = client.get(f"/static/{leaflet[2]}/vendor/leaflet/images/marker-icon.png")
    assert image.status_code == 200 and image.headers["Cache-Control"] == YEAR
    # An address written without the fingerprint still works, cached for a minute only.
    unversioned = client.get("/static/map.js")
    assert unversioned.status_code == 200 and unversioned.headers["Cache-Control"] == (
        "max-age=60, public"
    )
    assert client.get(f"/static/{leaflet[2]}/no-such-file.js").status_code == 404


def test_the_fingerprint_changes_with_any_file(tmp_path):
    folder = tmp_path / "static"
    shutil.copytree(PROJECT_ROOT / "static", folder, ignore=shutil.ignore_patterns("vendor"))
    before = fingerprint(folder)
    assert fingerprint(folder) == before
    (folder / "map.js").write_text((folder / "map.js").read_text() + "\n// changed\n")
    assert fingerprint(folder) != before
    (folder / "map.js").rename(folder / "renamed.js")
    assert fingerprint(folder) not in (before,)


def test_the_page_made_once_follows_a_need_change(app, cli, tmp_path):
    """The map page each worker keeps is made again when a need it colours by
    changes (its key holds the versions the worker holds)."""
    load_montreal(cli)
    client = app.test_client()

    def drawn_needs() -> list:
        page = client.get("/").get_data(as_text=True)
        return json.loads(unescape(re.search(r'data-needs="([^"]*)"', page)[1]))

    before = drawn_needs()
    assert drawn_needs() == before  # the same page, made once
    needs = tmp_path / "needs.csv"
    needs.write_text("code,need,reason,expires\n101,3,Covered by the tenants' union,\n")
    cli.ok("import", "needs", needs, "--set", "mtl", "--commit")
    after = drawn_needs()
    assert after != before and 3 in after

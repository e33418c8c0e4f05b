"""Downloads against a local HTTP server serving ../shared/data, --from folders, and
the demo with and without files."""

from __future__ import annotations

import functools
import http.server
import json
import threading

import pytest

from tests.conftest import UK, US, Cli, make_app, services_of
from turfmap.pipeline.fetch import sources

CLOSED_PORT = "http://127.0.0.1:9"  # the discard port: nothing listens, like no network


@pytest.fixture
def mirror(tmp_path):
    """A web server on 127.0.0.1 whose files are links into ../shared/data, named as
    the publishers name them. Yields (base URL, folder) so tests can swap a file."""
    folder = tmp_path / "mirror"
    folder.mkdir()
    uk = {item.role: item.filename for item in sources()["uk-2024"].files}
    (folder / uk["boundaries"]).symlink_to(UK / "wpc_2024_uk_bgc.topojson")
    (folder / uk["results"]).symlink_to(UK / "HoC-GE2024-results-by-constituency.csv")
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", folder
    server.shutdown()
    server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.mark.slow
def test_download_checks_and_caches_then_imports(app, cli, mirror):
    base, _ = mirror
    output = cli.ok("fetch", "uk-2024", "--mirror", base)
    assert "checksum verified" in output
    cache = app.config["TURFMAP_CACHE_DIR"] / "uk-2024"
    results = cache / "HoC-GE2024-results-by-constituency.csv"
    assert results.read_bytes() == (UK / "HoC-GE2024-results-by-constituency.csv").read_bytes()
    assert not list(cache.glob("*.part"))
    assert "using cached" in cli.ok("fetch", "uk-2024", "--mirror", base)
    boundaries = next(cache.glob("Westminster_*"))
    cli.ok("import", "boundaries", boundaries, "--set", "wpc", "--commit")
    cli.ok("generations", "activate", "wpc")
    cli.ok("import", "results", results, "--set", "wpc", "--commit")
    hendon = app.test_client().get("/api/v1/districts/E14001279").get_json()
    assert hendon["result"]["majority"] == 15


def test_tampered_download_is_discarded(app, cli, mirror):
    base, folder = mirror
    results = folder / "HoC-GE2024-results-by-constituency.csv"
    results.unlink()
    results.symlink_to(UK / "HoC-LEH-2024-local-election-results-by-ward.csv")
    result = cli("fetch", "uk-2024", "--mirror", base)
    assert result.exit_code != 0 and "checksum mismatch" in result.output
    cache = app.config["TURFMAP_CACHE_DIR"] / "uk-2024"
    assert not (cache / "HoC-GE2024-results-by-constituency.csv").exists()
    assert not list(cache.glob("*.part"))


def test_missing_file_on_the_server(app, cli, mirror):
    base, folder = mirror
    (folder / "HoC-GE2024-results-by-constituency.csv").unlink()
    result = cli("fetch", "uk-2024", "--mirror", base)
    assert result.exit_code != 0 and "404" in result.output


def test_no_network(cli):
    result = cli("fetch", "uk-2024", "--mirror", CLOSED_PORT)
    assert result.exit_code != 0 and "could not download" in result.output


def test_from_folder(cli):
    output = cli.ok("fetch", "uk-2024", "--from", UK)
    assert f"boundaries: {UK / 'wpc_2024_uk_bgc.topojson'}" in output
    assert f"results: {UK / 'HoC-GE2024-results-by-constituency.csv'}" in output
    assert f"postcodes: {UK / 'onspd_sample_aberdeen_postcodes.csv'}" in output
    output = cli.ok("fetch", "us-2024", "--from", US)
    assert "cb_2024_us_cd119_20m.geojson" in output and "presvote_by_cd" in output


def test_from_folder_without_the_files(cli, tmp_path):
    result = cli("fetch", "uk-2024", "--from", tmp_path)
    assert result.exit_code != 0
    assert "no boundaries file for uk-2024 (looked for Westminster_" in result.output


def test_unknown_source(cli):
    result = cli("fetch", "narnia-2024")
    assert result.exit_code != 0 and "unknown source 'narnia-2024'" in result.output


def test_demo_offline_loads_montreal(backend, tmp_path):
    app = make_app(backend, tmp_path, TURFMAP_FETCH_MIRROR=CLOSED_PORT)
    cli = Cli(app)
    output = cli.ok("demo")
    assert "UK 2024 files are not available" in output
    assert "offline demo" in output
    sets = app.test_client().get("/api/v1/sets").get_json()["sets"]
    assert [(s["slug"], s["districts"]) for s in sets] == [("montreal-2013", 58)]
    district = app.test_client().get("/api/v1/districts/101").get_json()
    assert district["result"]["winner"] == "Joly" and district["need"] is not None
    assert "already loaded" in cli.ok("demo", "--if-empty")
    services_of(app).db.dispose()


@pytest.mark.slow
def test_demo_from_a_data_folder_loads_the_uk(backend, tmp_path):
    app = make_app(backend, tmp_path, TURFMAP_DATA_DIR=UK, TURFMAP_FETCH_MIRROR=CLOSED_PORT)
    Cli(app).ok("demo", "--if-empty")
    client = app.test_client()
    sets = client.get("/api/v1/sets").get_json()["sets"]
    assert [(s["slug"], s["districts"]) for s in sets] == [("westminster-2024", 650)]
    found = client.get("/api/v1/point?lat=57.1647&lon=-2.1016").get_json()["districts"]
    assert found[0]["code"] == "S14000060" and found[0]["result"]["winner"] == "SNP"
    services_of(app).db.dispose()


def test_serve_answers_on_its_port(tmp_path):
    """`turfmap serve` (what `make run` ends with) really serves the app. The command
    is the same on either backend; SQLite keeps the subprocess's set-up simple."""
    import os
    import socket
    import subprocess
    import sys
    import time
    import urllib.request
    from pathlib import Path

    from tests.conftest import Backend

    app = make_app(Backend("sqlite", str(tmp_path)), tmp_path)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = os.environ | {
        "TURFMAP_DATABASE_URL": app.config["TURFMAP_DATABASE_URL"],
        "TURFMAP_DEBUG": "1",
    }
    turfmap = Path(sys.executable).with_name("turfmap")
    server = subprocess.Popen(
        [str(turfmap), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    assert json.load(r)["status"] == "ok"
                    break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("turfmap serve did not answer")
    finally:
        server.terminate()
        server.wait(10)
        services_of(app).db.dispose()

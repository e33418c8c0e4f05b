"""HTML pages, embeds and response headers (the browser tests drive the same pages)."""

from __future__ import annotations

import gzip
import json
import re
from html import unescape

import pytest

from turfmap import lookup
from turfmap.extensions import services
from turfmap.web.clock import board


@pytest.fixture
def client(uk_app):
    return uk_app.test_client()


def test_map_page_is_one_request_until_it_is_usable(client):
    """On a slow phone every request costs seconds (bench/bench_phone.py): the page
    carries its styles, its first script and a coarse drawing of the districts;
    nothing it refers to holds up that first drawing, and the map's own shapes
    still come by URL."""
    page = client.get("/")
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    # Served here, not from a CDN, at a fingerprinted address (web/static_files.py).
    assert re.search(r'"/static/[0-9a-f]{12}/vendor/leaflet/leaflet\.js"', html)
    assert "cdn" not in html.lower()
    assert '"coordinates"' not in html
    assert len(gzip.compress(page.data, 6)) < 30_000  # well under a second of Slow 3G
    assert html.count("<path d=") == 650
    assert len(json.loads(unescape(re.search(r'data-needs="([^"]*)"', html)[1]))) == 650
    assert re.findall(r"<script src=", html) == []  # every script deferred, or inline
    assert re.findall(r'<link rel="stylesheet"(?![^>]*media="print")', html) == []
    assert "TurfmapEarly" in html and "TurfmapColours" in html  # inlined
    assert '"set": "westminster-2024"' in html
    assert 'id="turfmap-search"' in html and 'aria-live="polite"' in html
    assert "user-scalable=no" not in html


def test_the_pages_drawing_is_coloured_as_the_map(uk_app, client):
    """The drawing's needs are the map's, district by district, and it covers the UK."""
    features = client.get("/api/v1/sets/westminster-2024/districts.geojson?zoom=5").get_json()
    on_the_map = {f["id"]: f["properties"]["need"] for f in features["features"]}
    with uk_app.app_context():
        index = services().spatial.get()
        with services().db.session() as session:
            drawing = lookup.map_overview(session, index, board(), "westminster-2024")
    assert dict(zip(drawing["codes"], drawing["needs"], strict=True)) == on_the_map
    assert len(drawing["paths"]) == 650 and all(drawing["paths"])
    (south, west), (north, east) = drawing["bounds"]
    assert 49.0 < south < 50.0 and 60.8 < north < 61.5 and -9.0 < west < -8.0 and 1.7 < east < 2.2


def test_district_page_and_its_json_twin(client):
    html = client.get("/d/E14001279").get_data(as_text=True)
    assert "<h1>Hendon</h1>" in html
    assert "Lab won by 15 votes over Con" in html
    assert (
        '<span class="party-swatch" data-party="Lab"></span>Lab</td><td class="num">15,855</td>'
        in html
    )
    assert 'id="district-map"' in html and "Host a session here" in html
    assert "Lab won it by 15 votes (0.0% of the vote) in the 2024 general election" in html
    twin = client.get("/d/E14001279.json").get_json()
    assert twin["name"] == "Hendon" and twin["result"]["table"][0]["party"] == "Lab"
    assert twin["need"]["source"] == "computed"
    assert twin["need_history"] == []  # no coordinator has said anything yet
    assert twin["sessions"] == []


def test_unknown_district_page_is_a_404_page(client):
    page = client.get("/d/NOPE")
    assert page.status_code == 404 and page.mimetype == "text/html"
    assert "no district with code" in page.get_data(as_text=True)
    assert client.get("/d/NOPE.json").get_json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    "url, status",
    [("/embed?theme=neon", 400), ("/embed?focus=NOPE", 404), ("/embed?set=nowhere", 404)],
)
def test_bad_embed_options(client, url, status):
    assert client.get(url).status_code == status


def test_frame_policy(client, uk_app):
    assert client.get("/embed").headers["Content-Security-Policy"] == "frame-ancestors *"
    home = client.get("/")
    assert home.headers["Content-Security-Policy"] == "frame-ancestors 'self'"
    assert home.headers["X-Frame-Options"] == "SAMEORIGIN"
    admin = client.get("/admin/")
    assert "frame-ancestors 'none'" in admin.headers["Content-Security-Policy"]
    assert admin.headers["X-Frame-Options"] == "DENY"


def test_frame_ancestors_is_a_setting(backend, tmp_path):
    from tests.conftest import make_app

    app = make_app(backend, tmp_path, TURFMAP_FRAME_ANCESTORS="https://example.org")
    headers = app.test_client().get("/embed").headers
    assert headers["Content-Security-Policy"] == "frame-ancestors https://example.org"


def test_cors_on_the_api_only(client):
    assert client.get("/api/v1/sets").headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Origin" not in client.get("/").headers


def test_gzip_and_etags_work_together(client):
    url = "/api/v1/sets/westminster-2024/districts.geojson?zoom=5"
    first = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert first.headers["Content-Encoding"] == "gzip"
    assert len(first.data) <= 250 * 1024
    assert gzip.decompress(first.data).startswith(b'{"type":"FeatureCollection"')
    again = client.get(
        url, headers={"Accept-Encoding": "gzip", "If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304


def test_embed_script(client):
    script = client.get("/embed.js")
    assert script.mimetype == "text/javascript"
    body = script.get_data(as_text=True)
    assert "document.currentScript" in body and '"/embed"' in body


def test_embed_dialog_snippets_are_built_from_the_page_origin(client):
    """The snippets are written in the browser from TURFMAP_PUBLIC_URL or the page's
    own origin (the browser test reads them); the server writes no address of its
    own, so a forged Host header cannot end up in them."""
    html = client.get("/", headers={"Host": "evil.example"}).get_data(as_text=True)
    assert "evil.example" not in html
    assert '"public_url": null' in html
    assert 'id="embed-iframe"' in html and 'id="embed-script"' in html


def test_the_api_has_no_session(client):
    """The public API's answers do not depend on who asks: no Vary: Cookie, so a
    shared cache can serve the map's GeoJSON to everyone."""
    url = "/api/v1/sets/westminster-2024/districts.geojson?zoom=5"
    assert client.get(url, headers={"Accept-Encoding": "gzip"}).headers["Vary"] == "Accept-Encoding"
    for path in ("/api/v1/sets", "/healthz"):
        assert "Vary" not in client.get(path).headers
    assert "Cookie" in client.get("/admin/login").headers["Vary"]

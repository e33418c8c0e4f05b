"""The map in a real browser: Debian's Chromium driven by Playwright.

Screenshots go to screenshots/ (git-ignored) for anyone to look at. Without
Chromium these tests skip on a laptop and fail under CI=true (.ci/run installs it).
"""

from __future__ import annotations

import functools
import http.server
import json
import threading

import pytest

from tests.browsing import LiveServer, shot, wait_for_map
from tests.conftest import UK, US, Cli, make_app, services_of

pytestmark = pytest.mark.slow


def test_map_draws_all_650_seats(page, live, backend):
    page.goto(live + "/")
    wait_for_map(page)
    drawn = page.evaluate("window.turfmapInstance.layer.getLayers().length")
    assert drawn == 650
    assert page.locator(".turfmap-legend").is_visible()
    shot(page, f"map-{backend.name}")
    assert page.errors == []


def test_postcode_search_lists_ranked_results_and_opens_a_popup(page, live, backend):
    page.goto(live + "/")
    wait_for_map(page)
    page.fill("#postcode", "ab10 1an")
    page.press("#postcode", "Enter")  # the keyboard works as well as the mouse
    page.wait_for_selector("#turfmap-results li")
    first = page.locator("#turfmap-results li button").first
    assert first.inner_text() == "1. Aberdeen North"
    assert "behind SNP" in page.locator("#turfmap-results li .why").first.inner_text()
    assert "You are in Aberdeen South" in page.inner_text("#turfmap-status")
    first.focus()
    page.keyboard.press("Enter")
    popup = page.wait_for_selector(".turfmap-popup[data-code='S14000060']", timeout=15_000)
    assert "Aberdeen North" in popup.inner_text()
    shot(page, f"search-{backend.name}")
    assert page.errors == []
    page.set_viewport_size({"width": 390, "height": 844})  # the same journey on a phone
    page.goto(live + "/")
    wait_for_map(page)
    page.fill("#postcode", "ab10 1an")
    page.press("#postcode", "Enter")
    page.wait_for_selector(".folium-map[data-outlined]", timeout=20_000)
    assert page.locator("#turfmap-results li button").first.inner_text() == "1. Aberdeen North"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, f"search-phone-{backend.name}")


def test_bad_postcode_is_explained(page, live):
    page.goto(live + "/")
    page.fill("#postcode", "hello")
    page.click("#turfmap-search button[type=submit]")
    page.wait_for_function("document.getElementById('turfmap-status').textContent.length > 0")
    assert "No postcode or place called “hello” was found." in page.inner_text("#turfmap-status")


def test_phone_width(browser, live, backend):
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    page.goto(live + "/")
    wait_for_map(page)
    map_box = page.locator(".turfmap-mapbox").bounding_box()
    assert map_box["width"] == pytest.approx(375, abs=2)
    assert page.locator("#postcode").is_visible()
    shot(page, f"phone-{backend.name}")
    context.close()


@pytest.fixture
def other_origin(tmp_path, live):
    """A second web server, on another port (so another origin), with host pages."""
    (tmp_path / "iframe.html").write_text(
        f"<!doctype html><title>Host</title><h1>A union site</h1>"
        f'<iframe id="m" src="{live}/embed?focus=E14001279" style="width:900px;height:600px">'
        f"</iframe>"
    )
    (tmp_path / "script.html").write_text(
        f'<!doctype html><title>Host</title><h1>A tenants\' site</h1><div id="turfmap"></div>'
        f'<script src="{live}/embed.js" data-target="turfmap" data-theme="dark"></script>'
    )
    handler = functools.partial(_Quiet, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_embed_inside_an_iframe_on_another_origin(page, other_origin, backend):
    page.goto(other_origin + "/iframe.html")
    frame = page.frame_locator("#m")
    frame.locator(".folium-map[data-districts]").wait_for(timeout=20_000)
    popup = frame.locator(".turfmap-popup[data-code='E14001279']")
    popup.wait_for(timeout=20_000)  # focus= flies to Hendon and opens it
    assert "Hendon" in popup.inner_text()
    assert not frame.locator(".turfmap-header").is_visible()  # minimal chrome
    shot(page, f"embed-iframe-{backend.name}")


def test_embed_script_renders_into_the_host_page(page, other_origin, live, backend):
    page.goto(other_origin + "/script.html")
    iframe = page.wait_for_selector("#turfmap iframe", timeout=10_000)
    assert iframe.get_attribute("src") == f"{live}/embed?theme=dark"
    frame = iframe.content_frame()
    wait_for_map(frame)
    assert "theme-dark" in frame.evaluate("document.body.className")
    shot(page, f"embed-script-{backend.name}")


def test_a_district_name_with_markup_shows_as_text(browser, backend, tmp_path):
    name = '<img src=x onerror="window.__owned=1"><script>window.__owned=1</script>'
    feature = {
        "type": "Feature",
        "properties": {"code": "X1", "name": name},
        "geometry": {
            "type": "Polygon",
            "coordinates": [[[-2, 53], [-1, 53], [-1, 54], [-2, 54], [-2, 53]]],
        },
    }
    path = tmp_path / "x.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    app = make_app(backend, tmp_path, TURFMAP_TILES=None)
    cli = Cli(app)
    cli.ok("import", "boundaries", path, "--set", "x", "--commit")
    cli.ok("generations", "activate", "x")
    server = LiveServer(app)
    try:
        context = browser.new_context()
        page = context.new_page()
        page.goto(server.url + "/embed?focus=X1")
        popup = page.wait_for_selector(".turfmap-popup[data-code='X1']", timeout=20_000)
        assert popup.query_selector("h3").inner_text() == name
        page.goto(server.url + "/d/X1")
        assert page.inner_text("h1") == name
        assert page.evaluate("window.__owned") is None
        context.close()
    finally:
        server.stop()
        services_of(app).db.dispose()


def test_hex_view_and_place_search(page, live, backend):
    page.goto(live + "/")
    wait_for_map(page)
    page.click("#turfmap-hex")
    page.wait_for_selector("#turfmap-hexmap[data-hexes='650']", timeout=15_000)
    assert page.get_attribute("#turfmap-hex", "aria-pressed") == "true"
    shot(page, f"hex-{backend.name}")
    page.click("#turfmap-hex")
    assert page.locator("#turfmap-hexmap").is_hidden()
    page.fill("#postcode", "Hendon")
    page.press("#postcode", "Enter")
    page.wait_for_selector("#turfmap-results li")
    assert page.inner_text("#turfmap-status").startswith("From Hendon.")
    assert page.locator("#turfmap-results li button").first.inner_text() == "1. Hendon"


@pytest.mark.parametrize("size", [(1280, 800), (390, 844)], ids=["desktop", "phone"])
def test_use_my_location(browser, live, size):
    context = browser.new_context(
        geolocation={"latitude": 57.1647, "longitude": -2.1016},
        permissions=["geolocation"],
        viewport={"width": size[0], "height": size[1]},
        is_mobile=size[0] < 700,
    )
    page = context.new_page()
    page.goto(live + "/")
    wait_for_map(page)
    page.click("#turfmap-locate")
    page.wait_for_selector(".folium-map[data-outlined]", timeout=20_000)
    assert page.inner_text("#turfmap-status").startswith("You are in Aberdeen North")
    assert "lat=57.1647" in page.url  # the search is in the address, to share or reload
    shot(page, f"journey-location-{size[0]}")
    context.close()


def test_wards_appear_at_street_zoom(browser, backend, tmp_path):
    from tests.workspace import load_bradford

    app = make_app(backend, tmp_path, TURFMAP_TILES=None)
    load_bradford(Cli(app), tmp_path, wards_set="bradford-wards")
    server = LiveServer(app)
    try:
        context = browser.new_context()
        page = context.new_page()
        page.goto(server.url + "/")
        page.wait_for_selector(".folium-map[data-districts]", timeout=20_000)
        has_wards = "window.turfmapInstance.map.hasLayer(window.turfmapInstance.wards)"
        assert page.evaluate(has_wards) is False
        page.evaluate("window.turfmapInstance.map.setView([53.795, -1.76], 14); 0")
        page.wait_for_function(
            f"{has_wards} && window.turfmapInstance.wards.getLayers().length > 0", timeout=20_000
        )
        shot(page, f"wards-{backend.name}")
        page.evaluate("window.turfmapInstance.map.setView([53.795, -1.76], 9); 0")
        page.wait_for_function(f"!({has_wards})", timeout=10_000)
        context.close()
    finally:
        server.stop()
        services_of(app).db.dispose()


def test_session_meeting_point_picked_on_the_map(page, workspace, backend):
    """A host clicks the meeting point; the form fills in, names the district, and
    the saved session is filed under it. The admin CSP lets the picker run."""
    from tests.workspace import PASSWORD, WARD_A, inside, session_fields

    workspace.config["TURFMAP_TILES"] = None
    server = LiveServer(workspace)
    violations = []
    page.on("console", lambda m: "Content Security Policy" in m.text and violations.append(m.text))
    try:
        page.goto(server.url + "/admin/login")
        page.fill("input[name=email]", "host@x.org")
        page.fill("input[name=password]", PASSWORD)
        page.click("main button")
        page.goto(server.url + "/admin/sessions/new")
        fields = session_fields(workspace)
        for name in ("title", "starts", "ends", "capacity", "contact"):
            page.fill(f"[name={name}]", fields[name])
        page.select_option("[name=set_slug]", "wards")
        lat, lon = inside(workspace, "wards", WARD_A)
        page.fill("[name=lat]", f"{lat:.6f}")
        page.fill("[name=lon]", f"{lon:.6f}")
        page.dispatch_event("[name=lon]", "change")
        # Locators, not wait_for_function: the admin CSP (rightly) forbids eval.
        page.locator("#picked-district", has_text="Clayton").wait_for()
        box = page.locator("#picker").bounding_box()
        page.mouse.click(box["x"] + box["width"] / 2 + 3, box["y"] + box["height"] / 2 + 3)
        picked = float(page.input_value("[name=lat]")), float(page.input_value("[name=lon]"))
        assert picked != (round(lat, 6), round(lon, 6))  # the click wrote them
        assert picked == pytest.approx((lat, lon), abs=0.002)
        page.locator(
            "#picked-district", has_text="District: Clayton and Fairweather Green"
        ).wait_for()
        shot(page, f"session-picker-{backend.name}")
        page.click("#session-form button")
        page.wait_for_url("**/admin/sessions/*")
        assert "Clayton and Fairweather Green (E05001348, wards)" in page.inner_text("main")
        assert page.errors == [] and violations == []
    finally:
        server.stop()


def test_the_map_follows_a_search_into_another_countrys_set(browser, backend, tmp_path):
    """UK seats and US districts both active, the US set first alphabetically: the
    map opens on it, and a search for Durham is answered from the UK seats, which
    the map then shows."""
    app = make_app(backend, tmp_path, TURFMAP_TILES=None)
    cli = Cli(app)
    cli.ok("import", "boundaries", UK / "wpc_2024_uk_buc.geojson", "--set", "uk", "--commit")
    cli.ok("generations", "activate", "uk")
    cli.ok("import", "results", UK / "HoC-GE2024-results-by-constituency.csv", "--set", "uk",
           "--commit")  # fmt: skip
    cli.ok("import", "boundaries", US / "cb_2024_us_cd119_20m.geojson", "--set", "aa-us",
           "--commit")  # fmt: skip
    cli.ok("generations", "activate", "aa-us")
    server = LiveServer(app)
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(server.url + "/")
        wait_for_map(page, districts=437)
        page.fill("#postcode", "Durham")
        page.press("#postcode", "Enter")
        page.wait_for_selector("#turfmap-results li")
        wait_for_map(page, districts=650)
        assert page.evaluate("window.turfmapInstance.config.set") == "uk"
        codes = page.eval_on_selector_all(
            "#turfmap-results li button", "els => els.map(e => e.dataset.code)"
        )
        assert codes and all(code.startswith("E14") for code in codes)
        shot(page, f"two-sets-{backend.name}")
        assert errors == []
    finally:
        context.close()
        server.stop()
        services_of(app).db.dispose()


# -- The volunteer's journey (issue 19) -----------------------------------------------


def test_a_shared_link_restores_the_search_with_outlines_and_next_steps(browser, live, backend):
    """A link someone sent: the search runs from the address, the origin is marked,
    the recommended districts are outlined and numbered as in the list, and every
    result ends in a next step."""
    for name, size in (("desktop", (1280, 800)), ("phone", (390, 844))):
        context = browser.new_context(
            viewport={"width": size[0], "height": size[1]}, is_mobile=name == "phone"
        )
        page = context.new_page()
        page.goto(live + "/?postcode=AB10%201XG&mode=walk&max_minutes=45")
        page.wait_for_selector(".folium-map[data-outlined]", timeout=20_000)
        assert page.input_value("#mode") == "walk" and page.input_value("#max_minutes") == "45"
        assert page.input_value("#postcode") == "AB10 1XG"
        results = page.locator("#turfmap-results li.turfmap-result")
        count = results.count()
        assert count >= 2
        assert page.get_attribute(".folium-map", "data-outlined") == str(count)
        numbers = page.locator(".turfmap-number").all_inner_texts()
        assert sorted(numbers, key=int) == [str(n) for n in range(1, count + 1)]
        for i in range(count):
            step = results.nth(i).locator(".next-step")
            host = step.locator("a.host-link")
            assert step.locator("a.take-place").count() or host.count()
            if host.count():
                code = results.nth(i).get_attribute("data-code")
                assert host.get_attribute("href").endswith(f"set=westminster-2024&code={code}")
        if name == "desktop":
            results.nth(1).hover()
            assert "active" in results.nth(1).get_attribute("class")
        shot(page, f"journey-shared-link-{name}-{backend.name}")
        context.close()


def test_a_search_goes_in_the_address_and_back_returns_to_the_one_before(page, live):
    page.goto(live + "/")
    wait_for_map(page)
    page.fill("#postcode", "AB10 1XG")
    page.press("#postcode", "Enter")
    page.wait_for_selector("#turfmap-results li")
    assert "postcode=AB10+1XG" in page.url and "mode=transit" in page.url
    page.fill("#postcode", "Hendon")
    page.press("#postcode", "Enter")
    page.wait_for_function(
        "document.getElementById('turfmap-status').textContent.startsWith('From Hendon')"
    )
    assert "place=Hendon" in page.url
    page.go_back()
    page.wait_for_function(
        "document.getElementById('turfmap-status').textContent.startsWith('You are in Aberdeen')"
    )
    assert page.input_value("#postcode") == "AB10 1XG"
    assert page.locator("#turfmap-share").is_visible()


def test_who_holds_it_colouring_has_its_own_legend(page, live, backend):
    page.goto(live + "/")
    wait_for_map(page)
    page.check("input[name=colour-by][value=holder]")
    legend = page.inner_text(".turfmap-legend")
    assert legend.startswith("Who holds it") and "Lab (411)" in legend and "SNP (9)" in legend
    layers = "window.turfmapInstance.layer.getLayers()"
    fills = page.evaluate(f"new Set({layers}.map(l => l.options.fillColor)).size")
    assert fills >= 8
    shot(page, f"who-holds-it-{backend.name}")
    page.check("input[name=colour-by][value=need]")
    assert page.inner_text(".turfmap-legend").startswith("Need for volunteers")


def test_a_phone_of_320_pixels_scrolls_only_down_and_its_targets_are_big(browser, live):
    context = browser.new_context(viewport={"width": 320, "height": 700}, is_mobile=True)
    page = context.new_page()
    page.goto(live + "/?postcode=AB10%201XG")
    page.wait_for_selector(".folium-map[data-outlined]", timeout=20_000)
    assert page.evaluate("document.documentElement.scrollWidth") == 320
    map_box = page.locator(".turfmap-mapbox").bounding_box()
    panel = page.locator(".turfmap-panel").bounding_box()
    assert map_box["y"] < panel["y"]  # the map on top, the results below
    targets = page.locator(
        "#turfmap-search button, #turfmap-search select, .next-step a, #turfmap-share, "
        ".turfmap-result button.turfmap-name, .colour-by label"
    )
    small = [
        (targets.nth(i).inner_text()[:30], round(targets.nth(i).bounding_box()["height"]))
        for i in range(targets.count())
        if targets.nth(i).bounding_box()["height"] < 44
    ]
    assert small == []
    context.close()


def test_the_map_in_welsh_says_its_own_words_too(browser, live, backend):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(live + "/?lang=cy&postcode=AB10%201XG")
    page.wait_for_selector(".folium-map[data-outlined]", timeout=20_000)
    assert page.inner_text("#turfmap-status").startswith("Rydych chi yn Aberdeen South")
    assert page.inner_text(".turfmap-legend").startswith("Angen gwirfoddolwyr")
    assert page.locator("a.host-link").first.inner_text() == "Cynnal sesiwn yma"
    # The sentences the API writes come in Welsh too: the page asks for them so.
    why = page.locator("#turfmap-results li .why").first.inner_text()
    assert "o bleidleisiau" in why or "y tu ôl i" in why, why
    assert "munud ar drafnidiaeth gyhoeddus (amcangyfrif)" in why, why
    shot(page, f"welsh-phone-{backend.name}")
    context.close()

"""The map page before its map: on a slow phone Leaflet and map.js arrive seconds
after the page, which draws the districts itself and takes a search at once
(static/map-early.js). Here Leaflet is held back until the test lets it through,
as a slow network would, in Debian's Chromium."""

from __future__ import annotations

import pytest

from tests.browsing import shot

pytestmark = pytest.mark.slow


@pytest.fixture
def slow_phone(browser):
    """A phone-sized page whose Leaflet waits until ``page.let_leaflet_in()``, and
    which counts the searches it asks the API for."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    held, page.asked, page.errors = [], [], []
    page.route("**/vendor/leaflet/leaflet.js", lambda route: held.append(route))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on(
        "request",
        lambda r: page.asked.append(r.url) if "/recommend?" in r.url or "/places?" in r.url else 0,
    )

    def let_leaflet_in():
        for route in held:
            route.continue_()

    page.let_leaflet_in = let_leaflet_in
    yield page
    context.close()


def test_districts_are_drawn_and_a_search_is_taken_before_the_map(slow_phone, live, backend):
    page = slow_phone
    page.goto(live + "/", wait_until="commit")
    page.wait_for_selector("#turfmap-overview[data-districts='650']")
    assert page.evaluate("window.turfmapInstance") is None  # no map yet: Leaflet is held
    assert page.locator("#turfmap-overview").is_visible()
    fills = page.eval_on_selector_all("#turfmap-overview path", "ps => ps.map(p => p.style.fill)")
    assert len(fills) == 650 and len(set(fills)) >= 5  # coloured by need, as the map is
    shot(page, f"map-before-leaflet-phone-{backend.name}")

    page.fill("#postcode", "Hendon")
    with page.expect_request("**/api/v1/recommend?**"):  # asked for before the map is there
        page.press("#postcode", "Enter")
    assert page.inner_text("#turfmap-status") == "Searching…"
    assert page.evaluate("window.turfmapInstance") is None

    page.let_leaflet_in()
    page.wait_for_selector("#turfmap-results li", timeout=20_000)
    assert page.locator("#turfmap-results li button").first.inner_text() == "1. Hendon"
    assert "place=Hendon" in page.url  # the search is in the address, as any other
    assert len(page.asked) == 2, page.asked  # one place search, one recommendation
    page.wait_for_selector(".folium-map[data-districts='650']", timeout=20_000)
    assert page.locator("#turfmap-overview").count() == 0  # the map's own shapes took over
    assert page.errors == []


def test_a_shared_link_is_asked_for_before_the_map(slow_phone, live):
    page = slow_phone
    with page.expect_request("**/api/v1/recommend?postcode=AB10%201XG&mode=walk&max_minutes=45"):
        page.goto(live + "/?postcode=AB10%201XG&mode=walk&max_minutes=45", wait_until="commit")
    page.let_leaflet_in()
    page.wait_for_selector("#turfmap-results li", timeout=20_000)
    assert page.input_value("#mode") == "walk" and page.input_value("#max_minutes") == "45"
    assert len(page.asked) == 1, page.asked
    assert page.errors == []


def test_use_my_location_before_the_map_is_done_once_it_is(browser, live):
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        geolocation={"latitude": 51.5896, "longitude": -0.2283},  # Hendon
        permissions=["geolocation"],
    )
    page = context.new_page()
    held = []
    page.route("**/vendor/leaflet/leaflet.js", lambda route: held.append(route))
    page.goto(live + "/", wait_until="commit")
    page.wait_for_selector("#turfmap-overview[data-districts='650']")
    page.click("#turfmap-locate")
    assert page.inner_text("#turfmap-status") == "Finding you…"
    for route in held:
        route.continue_()
    page.wait_for_selector("#turfmap-results li", timeout=20_000)
    assert "lat=51.5896" in page.url
    context.close()

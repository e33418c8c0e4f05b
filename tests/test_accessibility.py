"""Accessibility, measured: axe-core (vendored, tests/vendor/axe-core) run by
Playwright in Chromium on every kind of page a volunteer, host or coordinator
opens, at desktop and phone sizes: no serious or critical violation. And the
search, its results and the popups work with the keyboard alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browsing import LiveServer, shot, wait_for_map
from tests.workspace import PASSWORD, SEAT_A, WARD_A, WARD_B

pytestmark = pytest.mark.slow

AXE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text()
SIZES = {"desktop": (1280, 800), "phone": (390, 844)}


def violations(page) -> list[str]:
    page.add_script_tag(content=AXE)
    found = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
            .filter(v => v.impact === "serious" || v.impact === "critical")
            .map(v => `${v.impact} ${v.id}: ${v.help} (${v.nodes.length}: `
                 + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join("; ") + ")")"""
    )
    return found


@pytest.fixture
def site(workspace, cli, tmp_path):
    """Bradford's wards with two needs set by hand and an approved session in one."""
    from tests.test_sessions import approved

    workspace.config["TURFMAP_TILES"] = None
    needs = tmp_path / "needs.csv"
    needs.write_text(
        f"code,need,reason,expires\n{WARD_A},80,Short of canvassers,\n"
        f"{WARD_B},90,Nobody has been since May,\n"
    )
    cli.ok("import", "needs", needs, "--set", "wards", "--commit")
    session_id = approved(workspace)
    server = LiveServer(workspace)
    yield server.url, session_id
    server.stop()


def sign_in(page, base, email):
    page.goto(base + "/admin/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button")
    page.wait_for_url(base + "/admin/")


@pytest.mark.parametrize("size", SIZES)
def test_no_serious_or_critical_violations_on_any_page(browser, site, size):
    base, session_id = site
    width, height = SIZES[size]
    context = browser.new_context(viewport={"width": width, "height": height}, bypass_csp=True)
    page = context.new_page()
    public = {
        "map": "/",
        "map-searched": "/?lat=53.79&lon=-1.80&set=wards",
        "embed": "/embed",
        "district": f"/d/{SEAT_A}",
        "ward": f"/d/{WARD_A}",
        "session": f"/s/{session_id}",
        "not-found": "/d/NOPE",
        "sign-in": "/admin/login",
    }
    workspace_pages = {
        "workspace": "/admin/",
        "need-form": f"/admin/needs/wards/{WARD_A}",
        "session-form": f"/admin/sessions/new?set=wards&code={WARD_A}",
        "sessions": "/admin/sessions",
        "needs-upload": "/admin/needs/upload",
        "audit": "/admin/audit",
    }
    found = {}
    for name, path in public.items():
        page.goto(base + path)
        if name.startswith("map") or name == "embed":
            page.wait_for_selector(".folium-map[data-districts]", timeout=20_000)
        if name == "map-searched":
            page.wait_for_selector(".folium-map[data-outlined]", timeout=20_000)
        found[name] = violations(page)
    sign_in(page, base, "admin@x.org")
    for name, path in workspace_pages.items():
        page.goto(base + path)
        found[name] = violations(page)
    shot(page, f"axe-last-page-{size}")
    context.close()
    assert {name: v for name, v in found.items() if v} == {}


def tab_to(page, selector: str, most: int = 40) -> int:
    """Press Tab until the focused element matches ``selector``; how many presses."""
    for presses in range(1, most + 1):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return presses
    raise AssertionError(f"{selector} was not reached in {most} presses of Tab")


def test_the_search_results_and_popups_work_with_the_keyboard_alone(browser, live):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(live + "/")
    wait_for_map(page)
    assert tab_to(page, "#postcode") <= 3  # the search comes first
    page.keyboard.type("AB10 1XG")
    page.keyboard.press("Enter")
    page.wait_for_selector(".folium-map[data-outlined]", timeout=20_000)
    tab_to(page, "#turfmap-results li:first-child button.turfmap-name")
    code = page.evaluate("document.activeElement.dataset.code")
    first = page.locator("#turfmap-results li").first
    assert "active" in first.get_attribute("class")  # focus highlights its outline too
    page.keyboard.press("Enter")
    popup = page.wait_for_selector(f".turfmap-popup[data-code='{code}']", timeout=15_000)
    assert popup.is_visible()
    tab_to(page, "#turfmap-results li:first-child .next-step a")
    tab_to(page, "#turfmap-results li:nth-child(2) button.turfmap-name")
    page.keyboard.press("Shift+Tab")  # and back
    assert page.evaluate("document.activeElement.closest('li').dataset.code") == code
    # The colouring is a radio group: arrow keys move between its choices.
    page.focus("input[name=colour-by][value=need]")
    page.keyboard.press("ArrowDown")
    assert page.is_checked("input[name=colour-by][value=holder]")
    assert page.inner_text(".turfmap-legend").startswith("Who holds it")
    page.close()


# -- The journeys of issue 19, walked as their users would -------------------------


def test_a_coordinator_signs_in_and_edits_a_district_found_by_name(browser, site):
    base, _ = site
    for size, (width, height) in SIZES.items():
        page = browser.new_page(viewport={"width": width, "height": height})
        sign_in(page, base, "a@x.org")
        assert "districts in wards" in page.inner_text("main")
        page.wait_for_selector("#region-map[data-drawn]", timeout=20_000)
        rows = page.locator("#district-table tbody tr").count()
        assert page.get_attribute("#region-map", "data-drawn") == str(rows)  # theirs, coloured
        page.fill("#filter", "clayton")
        visible = page.locator("#district-table tbody tr:visible")
        assert visible.count() == 1 and "Clayton and Fairweather Green" in visible.inner_text()
        page.fill("#district", "Clayton and Fairweather Green")
        page.press("#district", "Enter")
        page.wait_for_url(f"{base}/admin/needs/wards/{WARD_A}")
        page.fill("input[name=score]", "85")
        page.fill("input[name=reason]", f"Short of canvassers ({size})")
        page.click("form button:has-text('Save')")
        page.wait_for_url(f"{base}/admin/needs/wards/{WARD_A}")
        assert f"Short of canvassers ({size})" in page.inner_text("main")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        shot(page, f"journey-coordinator-edit-{size}")
        page.goto(base + "/admin/")
        row = page.locator("#district-table tbody tr", has_text="Clayton and Fairweather Green")
        assert "hand" in row.inner_text() and "a@x.org" in row.inner_text()
        page.close()


def test_a_host_offers_a_session_from_a_result_with_none(browser, site):
    base, _ = site
    page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    page.goto(base + "/?lat=53.79&lon=-1.80&set=wards")
    page.wait_for_selector(".folium-map[data-outlined]", timeout=20_000)
    host = page.locator("#turfmap-results a.host-link").first
    code = host.get_attribute("href").rsplit("code=", 1)[1]
    host.click()
    page.wait_for_url("**/admin/login**")
    page.fill("input[name=email]", "host@x.org")
    page.fill("input[name=password]", PASSWORD)
    page.click("form button")
    page.wait_for_url(f"**/admin/sessions/new?set=wards&code={code}")
    assert "the map below opens on it" in page.inner_text("main")
    assert page.input_value("select[name=set_slug]") == "wards"
    shot(page, "journey-host-offer-phone")
    page.close()

"""The walk page in Chromium, as a canvasser's phone uses it (issue 20, part 6): open
the link once with a signal, lose it, record 10 doors, reload, get the signal back:
exactly 10 outcomes stored. And the coordinator's turf page, at both sizes."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests.browsing import LiveServer, shot
from tests.conftest import Cli, make_app, services_of
from tests.doorstep import RUTLAND, SET, load_doorstep
from tests.workspace import PASSWORD
from turfmap.coordination import canvass
from turfmap.store.turf_models import DoorOutcome, Turf

pytestmark = pytest.mark.slow
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def served(backend, tmp_path_factory):
    directory = tmp_path_factory.mktemp("walk-browser")
    app = make_app(backend, directory, TURFMAP_TILES=None)
    cli = Cli(app)
    load_doorstep(cli, directory)
    cli.ok("turfs", "cut", "--set", SET, "--district", RUTLAND)
    cli.ok("users", "create", "c@x.org", "--role", "coordinator", "--region", SET,
           "--password", PASSWORD)  # fmt: skip
    day = (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%d")
    sessions = directory / "sessions.csv"
    sessions.write_text(  # the meeting point: Oakham's market place
        "title,starts,ends,lat,lon,capacity,contact\n"
        f"Oakham doors,{day} 10:00,{day} 13:00,52.6703,-0.7276,10,https://example.org/o\n"
    )
    cli.ok("import", "sessions", sessions, "--set", SET, "--approve", "--commit")
    needs = directory / "needs.csv"
    needs.write_text(f"code,need,reason,expires\n{RUTLAND},80,A close fight this time,\n")
    cli.ok("import", "needs", needs, "--set", SET, "--commit")
    server = LiveServer(app)
    yield app, server.url
    server.stop()
    services_of(app).db.dispose()


def link_for(app, number: int) -> str:
    with services_of(app).db.transaction() as session:
        turf = session.scalar(select(Turf).where(Turf.number == number))
        token, _ = canvass.issue_link(session, turf, by="test", now=datetime.now(UTC))
    return token


def stored(app) -> int:
    with services_of(app).db.session() as session:
        return session.scalar(select(func.count()).select_from(DoorOutcome))


def test_ten_doors_recorded_offline_are_stored_exactly_once(served, browser):
    app, url = served
    token = link_for(app, 1)
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{url}/walk/{token}")
    page.wait_for_function("window.turfmapWalkReady === true")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # now under the service worker, which keeps what it fetches
    page.wait_for_function(
        "window.turfmapWalkReady === true && !!navigator.serviceWorker.controller"
    )
    shot(page, "walk-phone")
    before = stored(app)
    context.set_offline(True)
    for n in range(10):
        page.locator("#door").get_by_role(
            "button", name="Not in" if n % 3 else "Spoke to them"
        ).click()
    # The status is written once the tenth outcome is safely in IndexedDB.
    page.wait_for_function(
        "document.getElementById('sync').textContent.startsWith('10 outcome(s) waiting')"
    )
    page.reload()  # offline: the page and the turf come from the service worker's cache
    page.wait_for_function(
        "window.turfmapWalkReady === true"
        " && document.getElementById('sync').textContent.startsWith('10 outcome(s) waiting')"
    )
    assert page.locator(".door-list li.done").count() == 10
    shot(page, "walk-phone-offline")
    assert stored(app) == before
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_function("document.getElementById('sync').textContent === 'All outcomes sent'")
    page.reload()  # and once more: nothing is sent twice
    page.wait_for_function("window.turfmapWalkReady === true")
    time.sleep(0.5)
    assert stored(app) == before + 10
    assert page.locator(".door-list li.done").count() == 10
    assert errors == []
    context.close()


def test_walk_and_turf_pages_at_both_sizes(served, browser):
    app, url = served
    token = link_for(app, 2)
    for name, size in (("desktop", {"width": 1280, "height": 800}), ("phone", PHONE)):
        context = browser.new_context(viewport=size)
        page = context.new_page()
        page.goto(f"{url}/walk/{token}")
        page.wait_for_function("window.turfmapWalkReady === true")
        assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]
        shot(page, f"walk-{name}")
        page.goto(f"{url}/admin/login")
        page.fill("input[name=email]", "c@x.org")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit], form button")
        page.goto(f"{url}/admin/turfs/{SET}/{RUTLAND}")
        page.wait_for_selector("#turf-map[data-drawn]")
        shot(page, f"turfs-{name}")
        context.close()


def remaining_need(page, url) -> float:
    answer = page.evaluate(f"fetch('{url}/api/v1/districts/{RUTLAND}').then(r => r.json())")
    return answer["need"]["remaining"]


def test_the_whole_chain_cut_assign_claim_walk_offline_sync_and_the_need_falls(served, browser):
    app, url = served
    coordinator = browser.new_context(viewport={"width": 1280, "height": 800})
    page = coordinator.new_page()
    page.goto(f"{url}/admin/login")
    page.fill("input[name=email]", "c@x.org")
    page.fill("input[name=password]", PASSWORD)
    page.click("form button")
    page.goto(f"{url}/admin/needs/{SET}/{RUTLAND}")
    page.click("text=Turfs: cut, hand out, outcomes")
    page.fill("#doors", "100")
    page.click("text=Cut again")
    assert "turfs of about 100 doors" in page.inner_text(".notice")
    before = remaining_need(page, url)
    row = page.locator("tbody tr", has_text="unassigned").first
    number = row.locator("th").inner_text()
    row.locator("select").select_option(label=row.locator("option").nth(1).inner_text())
    row.get_by_role("button", name="Save").click()
    assert "given to session" in page.inner_text(".notice")
    volunteer = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    phone = volunteer.new_page()
    with services_of(app).db.session() as session:
        from turfmap.store.models import CanvassSession

        session_id = session.scalar(select(CanvassSession.id))
    phone.goto(f"{url}/s/{session_id}")
    phone.fill("input[name=name]", "Vol")
    phone.locator("form.stack").first.locator("input[name=contact]").fill("walker@example.org")
    phone.get_by_role("button", name="Take a place").click()
    phone.locator("#turf ~ form input[name=contact]").fill("walker@example.org")
    phone.get_by_role("button", name="Take a turf").click()
    phone.wait_for_function("window.turfmapWalkReady === true")
    phone.evaluate("navigator.serviceWorker.ready.then(() => true)")
    phone.reload()
    phone.wait_for_function(
        "window.turfmapWalkReady === true && !!navigator.serviceWorker.controller"
    )
    doors = phone.locator(".door-list li").count()
    volunteer.set_offline(True)
    for _ in range(doors):
        phone.locator("#door").get_by_role("button", name="Spoke to them").click()
    phone.wait_for_function(
        f"document.getElementById('sync').textContent.startsWith('{doors} outcome(s) waiting')"
    )
    volunteer.set_offline(False)
    phone.evaluate("window.dispatchEvent(new Event('online'))")
    phone.wait_for_function("document.getElementById('sync').textContent === 'All outcomes sent'")
    deadline = time.monotonic() + 10
    while remaining_need(page, url) >= before and time.monotonic() < deadline:
        time.sleep(0.3)
    assert remaining_need(page, url) < before
    page.reload()
    assert "done" in page.locator(f"#turf-{number}").inner_text()
    shot(page, "turfs-after-walk")
    coordinator.close()
    volunteer.close()

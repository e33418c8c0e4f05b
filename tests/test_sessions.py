"""Canvassing sessions: proposal with the district found from the meeting point,
moderation, public pages, RSVPs with capacity enforced (also under a race), iCal
feeds, the CSV import, and RSVPs counted by the dispatcher. Both backends."""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from tests.conftest import services_of, snapshot
from tests.workspace import (
    SEAT_B,
    WARD_A,
    WARD_B,
    any_token,
    inside,
    session_fields,
    signed_in,
    token,
)
from turfmap.store.queries import all_sessions


def propose(client, app, **extra):
    fields = session_fields(app, **extra)
    return client.post("/admin/sessions/new", data=fields | {"csrf_token": any_token(client)})


def new_id(response) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(re.search(r"/admin/sessions/(\d+)$", response.headers["Location"]).group(1))


def decide(client, session_id, decision, note=""):
    return client.post(
        f"/admin/sessions/{session_id}/review",
        data={"decision": decision, "note": note, "csrf_token": any_token(client)},
    )


def rsvp(app, session_id, name, contact):
    return app.test_client().post(
        f"/api/v1/sessions/{session_id}/rsvps", json={"name": name, "contact": contact}
    )


def approved(app, **extra) -> int:
    session_id = new_id(propose(signed_in(app, "host@x.org"), app, **extra))
    assert decide(signed_in(app, "a@x.org"), session_id, "approve").status_code == 302
    return session_id


def test_host_proposes_coordinator_approves(workspace):
    host = signed_in(workspace, "host@x.org")
    session_id = new_id(propose(host, workspace))
    detail = host.get(f"/admin/sessions/{session_id}").get_data(as_text=True)
    assert "Clayton and Fairweather Green" in detail and WARD_A in detail  # found, not typed
    public = workspace.test_client()
    assert public.get(f"/s/{session_id}").status_code == 404  # proposed is not public
    assert public.get(f"/api/v1/sessions/{session_id}").status_code == 404
    assert "Saturday doors" not in public.get(f"/d/{WARD_A}").get_data(as_text=True)
    assert decide(signed_in(workspace, "b@x.org"), session_id, "approve").status_code == 403
    assert decide(signed_in(workspace, "a@x.org"), session_id, "approve").status_code == 302
    body = public.get(f"/api/v1/sessions/{session_id}").get_json()
    assert body["district"] == {
        "set": "wards",
        "code": WARD_A,
        "name": "Clayton and Fairweather Green",
    }
    assert body["free_places"] == 2 and body["contact"] == "mailto:organiser@example.org"
    assert "Saturday doors" in public.get(f"/d/{WARD_A}").get_data(as_text=True)
    page = public.get(f"/s/{session_id}").get_data(as_text=True)
    assert "Step-free meeting point" in page and "2 of 2 free" in page
    csv_text = (
        signed_in(workspace, "admin@x.org").get("/admin/audit?format=csv").get_data(as_text=True)
    )
    assert f",host@x.org,session.propose,session/{session_id}," in csv_text
    assert f",a@x.org,session.approve,session/{session_id}," in csv_text


def test_reject_needs_a_note_and_stays_private(workspace):
    session_id = new_id(propose(signed_in(workspace, "host@x.org"), workspace))
    alice = signed_in(workspace, "a@x.org")
    silent = decide(alice, session_id, "reject")
    assert silent.status_code == 400 and "field &#39;note&#39;: required" in silent.get_data(
        as_text=True
    )
    assert decide(alice, session_id, "reject", "Clashes with the count").status_code == 302
    assert workspace.test_client().get(f"/s/{session_id}").status_code == 404
    host_view = signed_in(workspace, "host@x.org").get(f"/admin/sessions/{session_id}")
    assert "Clashes with the count" in host_view.get_data(as_text=True)


def test_rsvps_up_to_capacity_then_refused(workspace):
    session_id = approved(workspace)
    first = rsvp(workspace, session_id, "Sam", "sam@example.org")
    assert first.status_code == 201 and first.get_json()["places_left"] == 1
    double = rsvp(workspace, session_id, "Sam again", "SAM@example.org")
    assert double.status_code == 409 and double.get_json()["error"]["code"] == "already_booked"
    assert rsvp(workspace, session_id, "Ali", "07700 900123").status_code == 201
    full = rsvp(workspace, session_id, "Late", "late@example.org")
    assert full.status_code == 409 and full.get_json()["error"]["code"] == "full"
    assert "full: all 2 places are taken" in full.get_json()["error"]["message"]
    host_view = signed_in(workspace, "host@x.org").get(f"/admin/sessions/{session_id}")
    text = host_view.get_data(as_text=True)
    assert "sam@example.org" in text and "07700900123" in text and "late@" not in text
    page = workspace.test_client().get(f"/s/{session_id}").get_data(as_text=True)
    assert "This session is full" in page


def test_rsvp_form_on_the_public_page(workspace):
    session_id = approved(workspace, capacity="1")
    client, other = workspace.test_client(), workspace.test_client()
    other_page = other.get(f"/s/{session_id}").get_data(as_text=True)  # opened while free
    page = client.get(f"/s/{session_id}").get_data(as_text=True)
    csrf = token(page)
    bad = client.post(
        f"/s/{session_id}", data={"name": "Jo", "contact": "carrier pigeon", "csrf_token": csrf}
    )
    assert bad.status_code == 400
    assert "&#39;carrier pigeon&#39; is not an email address or phone number" in bad.get_data(
        as_text=True
    )
    ok = client.post(
        f"/s/{session_id}", data={"name": "Jo", "contact": "jo@example.org", "csrf_token": csrf}
    )
    assert ok.status_code == 302
    assert "You have a place. 0 place(s) left." in client.get(f"/s/{session_id}").get_data(
        as_text=True
    )
    csrf = token(other_page)
    refused = other.post(
        f"/s/{session_id}", data={"name": "Al", "contact": "al@example.org", "csrf_token": csrf}
    )
    assert refused.status_code == 409 and "is full" in refused.get_data(as_text=True)


def test_rsvp_form_needs_its_csrf_token(workspace):
    session_id = approved(workspace)
    refused = workspace.test_client().post(
        f"/s/{session_id}", data={"name": "Jo", "contact": "jo@example.org"}
    )
    assert refused.status_code == 400
    assert workspace.test_client().get(f"/api/v1/sessions/{session_id}").get_json()["taken"] == 0


def test_racing_for_the_last_place(workspace):
    session_id = approved(workspace, capacity="1")
    statuses, start = [], threading.Barrier(6)

    def attempt(n):
        start.wait()
        statuses.append(rsvp(workspace, session_id, f"v{n}", f"v{n}@example.org").status_code)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201, 409, 409, 409, 409, 409]
    body = workspace.test_client().get(f"/api/v1/sessions/{session_id}").get_json()
    assert body["taken"] == 1


def test_bad_session_forms_keep_what_was_typed(workspace):
    host = signed_in(workspace, "host@x.org")
    before = snapshot(workspace)
    fields = session_fields(workspace)
    backwards = propose(host, workspace, ends=fields["starts"], title="Backwards")
    text = backwards.get_data(as_text=True)
    assert backwards.status_code == 400 and "field &#39;ends&#39;" in text
    assert 'value="Backwards"' in text
    at_sea = propose(host, workspace, lat="54.5", lon="-0.5")
    assert at_sea.status_code == 400 and "is not inside any district of" in at_sea.get_data(
        as_text=True
    )
    script = propose(host, workspace, contact="javascript:alert(1)")
    assert script.status_code == 400 and "is not a web link" in script.get_data(as_text=True)
    assert propose(host, workspace, capacity="-3").status_code == 400
    assert propose(host, workspace, lat="north").status_code == 400
    assert snapshot(workspace) == before


def test_markup_in_a_title_is_text_everywhere(workspace):
    title = '<img src=x onerror="alert(1)">Doors & <b>tea</b>'
    session_id = approved(workspace, title=title)
    escaped = "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;Doors &amp; &lt;b&gt;tea&lt;/b&gt;"
    pages = [
        signed_in(workspace, "a@x.org").get("/admin/sessions"),
        signed_in(workspace, "a@x.org").get(f"/admin/sessions/{session_id}"),
        workspace.test_client().get(f"/s/{session_id}"),
        workspace.test_client().get(f"/d/{WARD_A}"),
    ]
    for page in pages:
        text = page.get_data(as_text=True)
        assert "<img src=x" not in text and "<b>tea</b>" not in text
        assert escaped in text or escaped.replace("&#34;", "&quot;") in text
    feed = workspace.test_client().get(f"/s/{session_id}.ics").get_data(as_text=True)
    assert 'SUMMARY:<img src=x onerror="alert(1)">Doors & <b>tea</b>' in feed


def test_ical_feeds(workspace):
    first = approved(workspace, title="Morning, doors; then tea")
    second = approved(workspace, title="Evening phone bank")
    hidden = new_id(propose(signed_in(workspace, "host@x.org"), workspace, title="Not yet"))
    client = workspace.test_client()
    one = client.get(f"/s/{first}.ics")
    assert one.status_code == 200 and one.mimetype == "text/calendar"
    body = one.get_data(as_text=True)
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    assert "SUMMARY:Morning\\, doors\\; then tea\r\n" in body
    assert re.search(r"DTSTART:\d{8}T\d{6}Z\r\n", body)
    assert f"UID:session-{first}@" in body
    district = client.get(f"/d/{WARD_A}/sessions.ics").get_data(as_text=True)
    assert district.count("BEGIN:VEVENT") == 2 and "Evening phone bank" in district
    assert "Not yet" not in district
    assert client.get(f"/s/{hidden}.ics").status_code == 404
    assert client.get("/d/NOWHERE/sessions.ics").status_code == 404
    second_body = client.get(f"/s/{second}.ics").get_data(as_text=True)
    assert second_body.count("BEGIN:VEVENT") == 1 and "Morning" not in second_body


def test_import_sessions_csv(workspace, cli, tmp_path):
    lat_a, lon_a = inside(workspace, "wards", WARD_A)
    lat_b, lon_b = inside(workspace, "wards", WARD_B)
    day = (datetime.now(UTC) + timedelta(days=5)).strftime("%Y-%m-%d")
    header = "title,starts,ends,lat,lon,capacity,contact,accessibility\n"
    good_a = f"Doors A,{day} 10:00,{day} 13:00,{lat_a},{lon_a},10,https://example.org/a,Flat\n"
    good_b = f"Doors B,{day} 14:00,{day} 16:00,{lat_b},{lon_b},6,0113 496 0000,\n"
    bad = f"Doors C,{day} 14:00,{day} 12:00,{lat_b},{lon_b},6,x@example.org,\n"
    path = tmp_path / "sessions.csv"
    path.write_text(header + good_a + bad + good_b)
    before = snapshot(workspace)
    refused = cli("import", "sessions", path, "--set", "wards", "--commit")
    assert refused.exit_code != 0
    assert "line 3, column 'ends'" in refused.output and "is not after the start" in refused.output
    assert snapshot(workspace) == before
    sea = tmp_path / "sea.csv"
    sea.write_text(header + good_a.replace(f"{lat_a},{lon_a}", "54.5,-0.5"))
    at_sea = cli("import", "sessions", sea, "--set", "wards")
    assert at_sea.exit_code != 0 and "line 2: field 'lat'/'lon'" in at_sea.output
    path.write_text(header + good_a + good_b)
    dry = cli.ok("import", "sessions", path, "--set", "wards")
    assert "in Clayton and Fairweather Green (E05001348) -> proposed" in dry
    assert snapshot(workspace) == before
    cli.ok(
        "import",
        "sessions",
        path,
        "--set",
        "wards",
        "--host",
        "host@x.org",
        "--approve",
        "--commit",
    )
    with services_of(workspace).db.session() as session:
        rows = all_sessions(session, "approved")
    assert [(s.title, s.district_code, s.host) for s in rows] == [
        ("Doors A", WARD_A, "host@x.org"),
        ("Doors B", WARD_B, "host@x.org"),
    ]
    assert rows[1].contact == "tel:01134960000"
    london = datetime.fromisoformat(f"{day}T10:00").replace(tzinfo=ZoneInfo("Europe/London"))
    assert rows[0].starts_at == london  # a time without an offset is the campaign's clock


def test_rsvps_lower_remaining_need(workspace):
    alice = signed_in(workspace, "a@x.org")
    page = alice.get(f"/admin/needs/wards/{WARD_A}").get_data(as_text=True)
    csrf = token(page)
    alice.post(
        f"/admin/needs/wards/{WARD_A}",
        data={"score": "90", "reason": "Big push", "csrf_token": csrf, "base_id": ""},
    )
    now = datetime.now(ZoneInfo("Europe/London"))  # the form's clock, so today is today
    session_id = approved(
        workspace,
        starts=now.strftime("%Y-%m-%dT%H:%M"),
        ends=(now + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        capacity="20",
    )
    board = services_of(workspace).board
    before = board.get().get("wards", WARD_A).need
    for n in range(3):
        assert rsvp(workspace, session_id, f"v{n}", f"v{n}@example.org").status_code == 201
    after = board.get().get("wards", WARD_A).need
    assert after.committed == before.committed + 3
    assert after.remaining < before.remaining


def test_authorisation_of_other_regions_sessions(workspace):
    """Coordinator A (Bradford West's wards) proposes nothing in the seats' set, and
    coordinator B (all seats, no wards) cannot see or review a ward session."""
    alice, bob = signed_in(workspace, "a@x.org"), signed_in(workspace, "b@x.org")
    assert propose(alice, workspace, set_slug="wy", code=SEAT_B).status_code == 403
    assert propose(bob, workspace).status_code == 403
    ward_session = new_id(propose(signed_in(workspace, "host@x.org"), workspace))
    assert bob.get(f"/admin/sessions/{ward_session}").status_code == 403
    assert "Saturday doors" not in bob.get("/admin/sessions").get_data(as_text=True)
    assert "Saturday doors" in alice.get("/admin/sessions").get_data(as_text=True)


def test_host_a_session_here_opens_the_form_on_that_district(workspace):
    """The link a result with no session ends in (static/map-results.js)."""
    host = signed_in(workspace, "host@x.org")
    page = host.get(f"/admin/sessions/new?set=wards&code={WARD_A}").get_data(as_text=True)
    assert "In Clayton and Fairweather Green: the map below opens on it." in page
    assert f'data-focus="{WARD_A}"' in page
    assert re.search(r'<option selected value="wards">|<option value="wards" selected', page)
    unknown = host.get("/admin/sessions/new?set=wards&code=NOPE").get_data(as_text=True)
    assert "the map below opens on it" not in unknown and 'data-focus=""' in unknown

"""Coordinators' workspace: accounts, sign-in, CSRF, the authorisation matrix,
need edits with history, conflicts, reverts and the audit log."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from tests.conftest import services_of
from tests.workspace import PASSWORD, SEAT_A, SEAT_B, WARD_A, WHO, inside, signed_in, token
from turfmap.store.queries import get_set, need_history


def history(app, code=WARD_A, set_slug="wards"):
    with services_of(app).db.session() as session:
        return need_history(session, get_set(session, set_slug).id, code)


def edit(
    client, code=WARD_A, score="80", reason="Short of 20 canvassers", set_slug="wards", **extra
):
    page = client.get(f"/admin/needs/{set_slug}/{code}")
    html = page.get_data(as_text=True)
    data = {
        "score": score,
        "reason": reason,
        "csrf_token": token(html),
        "base_id": re.search(r'name="base_id" type="hidden" value="([^"]*)"', html).group(1),
    }
    return client.post(f"/admin/needs/{set_slug}/{code}", data=data | extra)


def test_users_cli(workspace, cli):
    listing = cli.ok("users", "list")
    assert f"a@x.org\tcoordinator\tactive\twards:{SEAT_A}" in listing
    assert "b@x.org\tcoordinator\tactive\twy" in listing
    short = cli("users", "create", "c@x.org", "--role", "host", "--password", "short")
    assert short.exit_code != 0 and "at least 12 characters" in short.output
    lonely = cli("users", "create", "c@x.org", "--role", "coordinator", "--password", PASSWORD)
    assert lonely.exit_code != 0 and "needs at least one region" in lonely.output
    nowhere = cli(
        "users",
        "create",
        "c@x.org",
        "--role",
        "coordinator",
        "--password",
        PASSWORD,
        "--region",
        "narnia",
    )
    assert nowhere.exit_code != 0 and "no boundary set 'narnia'" in nowhere.output
    cli.ok("users", "disable", "b@x.org")
    client = workspace.test_client()
    page = client.get("/admin/login").get_data(as_text=True)
    refused = client.post(
        "/admin/login", data={"email": "b@x.org", "password": PASSWORD, "csrf_token": token(page)}
    )
    assert refused.status_code == 401


def test_wrong_password(workspace):
    client = workspace.test_client()
    page = client.get("/admin/login").get_data(as_text=True)
    response = client.post(
        "/admin/login", data={"email": "a@x.org", "password": "nope", "csrf_token": token(page)}
    )
    assert response.status_code == 401
    assert "do not match an active account" in response.get_data(as_text=True)


def test_csrf_is_required(workspace):
    client = signed_in(workspace, "a@x.org")
    before = len(history(workspace))
    response = client.post(
        f"/admin/needs/wards/{WARD_A}", data={"score": "90", "reason": "no token"}
    )
    assert response.status_code == 400
    assert len(history(workspace)) == before
    anonymous = workspace.test_client().post(
        "/admin/login", data={"email": "a@x.org", "password": PASSWORD}
    )
    assert anonymous.status_code == 400


# (route, method) -> expected status for anonymous, host, coordinator A, coordinator B, admin
MATRIX = [
    ("/admin/", "GET", (302, 200, 200, 200, 200)),
    (f"/admin/needs/wards/{WARD_A}", "GET", (302, 403, 200, 403, 200)),
    (f"/admin/needs/wards/{WARD_A}", "POST", (302, 403, 302, 403, 302)),
    (f"/admin/needs/wy/{SEAT_A}", "GET", (302, 403, 403, 200, 200)),
    (f"/admin/needs/wy/{SEAT_A}", "POST", (302, 403, 403, 302, 302)),
    (f"/admin/needs/wy/{SEAT_B}", "POST", (302, 403, 403, 302, 302)),
    ("/admin/audit", "GET", (302, 403, 403, 403, 200)),
    ("/admin/audit?format=csv", "GET", (302, 403, 403, 403, 200)),
]


@pytest.mark.parametrize("path, method, expected", MATRIX)
def test_authorisation_matrix(workspace, path, method, expected):
    for email, status in zip(WHO, expected, strict=True):
        client = signed_in(workspace, email)
        if method == "GET":
            response = client.get(path)
        else:
            # A valid token from a page this user may see, so only authorisation decides.
            html = client.get("/admin/login").get_data(as_text=True)
            data = {"score": "55", "reason": f"matrix {email}", "csrf_token": token(html)}
            set_slug, code = path.split("/")[3:5]
            base = history(workspace, code, set_slug)
            data["base_id"] = str(base[0].id) if base else ""
            response = client.post(path, data=data)
        assert response.status_code == status, (email, path, method, response.status_code)


def test_coordinator_of_another_region_cannot_revert_either(workspace):
    alice = signed_in(workspace, "a@x.org")
    edit(alice, score="70")
    edit(alice, score="75")
    rows = history(workspace)
    bob = signed_in(workspace, "b@x.org")
    page = bob.get("/admin/").get_data(as_text=True)
    response = bob.post(
        f"/admin/needs/wards/{WARD_A}/revert/{rows[-1].id}",
        data={"csrf_token": token(page), "base_id": str(rows[0].id)},
    )
    assert response.status_code == 403
    assert len(history(workspace)) == 2


def test_edit_with_expiry_and_revert(workspace):
    client = signed_in(workspace, "a@x.org")
    until = (date.today() + timedelta(days=7)).isoformat()
    assert edit(client, score="80", reason="Short of canvassers", expires=until).status_code == 302
    assert edit(client, score="20", reason="The branch is covering it").status_code == 302
    rows = history(workspace)
    assert [(r.score, r.author) for r in rows] == [(20, "a@x.org"), (80, "a@x.org")]
    assert rows[1].expires_on.isoformat() == until
    page = client.get(f"/admin/needs/wards/{WARD_A}").get_data(as_text=True)
    response = client.post(
        f"/admin/needs/wards/{WARD_A}/revert/{rows[1].id}",
        data={"csrf_token": token(page), "base_id": str(rows[0].id)},
    )
    assert response.status_code == 302
    latest = history(workspace)[0]
    assert latest.score == 80 and latest.reason == f"Reverted to #{rows[1].id}: Short of canvassers"
    public = workspace.test_client().get(f"/api/v1/districts/{WARD_A}").get_json()
    assert public["need"]["score"] == 80 and public["need"]["author"] == "a@x.org"


def test_two_coordinators_editing_at_once(workspace):
    alice, admin = signed_in(workspace, "a@x.org"), signed_in(workspace, "admin@x.org")
    alice_page = alice.get(f"/admin/needs/wards/{WARD_A}").get_data(as_text=True)
    admin_page = admin.get(f"/admin/needs/wards/{WARD_A}").get_data(as_text=True)
    base = re.search(r'name="base_id" type="hidden" value="([^"]*)"', alice_page).group(1)
    first = alice.post(
        f"/admin/needs/wards/{WARD_A}",
        data={
            "score": "90",
            "reason": "Alice: big push Saturday",
            "csrf_token": token(alice_page),
            "base_id": base,
        },
    )
    assert first.status_code == 302
    second = admin.post(
        f"/admin/needs/wards/{WARD_A}",
        data={
            "score": "10",
            "reason": "Admin: quiet week",
            "csrf_token": token(admin_page),
            "base_id": base,
        },
    )
    assert second.status_code == 409
    text = second.get_data(as_text=True)
    assert "a@x.org changed the need" in text and "Alice: big push Saturday" in text
    assert [r.score for r in history(workspace)] == [90]


@pytest.mark.parametrize(
    "score, reason, fragment",
    [
        ("101", "x", "Number must be between 0 and 100"),
        ("50", "", "This field is required"),
        ("50", " =HYPERLINK(1)", "which spreadsheets run as a formula"),
    ],
)
def test_bad_need_forms(workspace, score, reason, fragment):
    response = edit(signed_in(workspace, "a@x.org"), score=score, reason=reason)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and fragment in page
    assert "Nothing was saved" in page and "<form" in page  # the form again, to fix
    assert history(workspace) == []


def test_reason_with_markup_is_text(workspace):
    reason = '<script>alert("x")</script><b>bold</b>'
    edit(signed_in(workspace, "a@x.org"), reason=reason)
    admin_page = signed_in(workspace, "a@x.org").get(f"/admin/needs/wards/{WARD_A}")
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in admin_page.get_data(as_text=True)
    assert "<script>alert" not in admin_page.get_data(as_text=True)
    public = workspace.test_client().get(f"/d/{WARD_A}").get_data(as_text=True)
    assert "<script>alert" not in public and "&lt;b&gt;bold&lt;/b&gt;" in public


def test_audit_log_filter_and_csv(workspace):
    edit(signed_in(workspace, "a@x.org"), reason="Short of canvassers")
    admin = signed_in(workspace, "admin@x.org")
    page = admin.get("/admin/audit?action=need.").get_data(as_text=True)
    assert "need.edit" in page and "user.create" not in page
    csv_text = admin.get("/admin/audit?format=csv").get_data(as_text=True)
    assert csv_text.startswith("id,at,actor,action,target,detail")
    assert "a@x.org,need.edit,wards/" + WARD_A in csv_text
    assert ",user.create,a@x.org," in csv_text
    only_a = admin.get("/admin/audit?actor=a@x.org").get_data(as_text=True)
    assert "user.create" not in only_a


def test_sign_in_is_throttled(workspace):
    client = workspace.test_client()
    page = client.get("/admin/login").get_data(as_text=True)
    statuses = [
        client.post(
            "/admin/login",
            data={"email": "a@x.org", "password": "wrong", "csrf_token": token(page)},
        )
        for _ in range(11)
    ]
    assert [r.status_code for r in statuses[:10]] == [401] * 10
    refused = statuses[10]
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert "Too many sign-in attempts from here" in refused.get_data(as_text=True)


def test_a_signed_in_coordinator_stays_signed_in_across_the_api(workspace):
    client = signed_in(workspace, "a@x.org")
    answer = client.get("/api/v1/sets")
    assert answer.status_code == 200 and "Set-Cookie" not in answer.headers
    assert client.get("/admin/").status_code == 200


def test_admin_security_headers(workspace):
    headers = workspace.test_client().get("/admin/login").headers
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    client = signed_in(workspace, "a@x.org")
    cookie = client.get_cookie("session")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"


def test_cookies_are_secure_by_default(monkeypatch):
    """Without TURFMAP_SECURE_COOKIES the session and remember-me cookies are Secure;
    TURFMAP_SECURE_COOKIES=0 is the only way to turn that off."""
    from turfmap import create_app

    monkeypatch.delenv("TURFMAP_SECURE_COOKIES", raising=False)
    app = create_app({"TURFMAP_DATABASE_URL": "sqlite://", "TESTING": True})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    monkeypatch.setenv("TURFMAP_SECURE_COOKIES", "0")
    assert (
        create_app({"TURFMAP_DATABASE_URL": "sqlite://", "TESTING": True}).config[
            "SESSION_COOKIE_SECURE"
        ]
        is False
    )


def test_the_workspace_opens_on_the_coordinators_region(workspace):
    """a@x.org coordinates the wards inside Bradford West: the front page lists those
    wards (and no others), a hand-set need expiring within a week is flagged with
    who set it, and a district opens by name as well as by code."""
    client = signed_in(workspace, "a@x.org")
    until = (date.today() + timedelta(days=3)).isoformat()
    assert edit(client, score="90", reason="Short of canvassers", expires=until).status_code == 302
    page = client.get("/admin/").get_data(as_text=True)
    index = services_of(workspace).spatial.get()
    mine = [d for d in index.districts if d.set_slug == "wards" and d.parent_code == SEAT_A]
    others = [d for d in index.districts if d.set_slug == "wards" and d.parent_code != SEAT_A]
    assert f"{len(mine)} districts in wards" in page
    assert all(d.name in page for d in mine) and not any(d.code in page for d in others)
    assert f"the need a@x.org set expires on {until}" in page
    assert f'<option value="Clayton and Fairweather Green ({WARD_A})">' in page
    for asked in (
        "clayton and fairweather green",
        WARD_A,
        f"Clayton and Fairweather Green ({WARD_A})",
    ):
        opened = client.get("/admin/", query_string={"district": asked})
        assert opened.status_code == 302 and opened.location.endswith(
            f"/admin/needs/wards/{WARD_A}"
        )
    missing = client.get("/admin/", query_string={"district": "Atlantis"})
    text = missing.get_data(as_text=True)
    assert (
        missing.status_code == 404
        and "No active district is called or coded &#39;Atlantis&#39;" in text
    )
    assert 'value="Atlantis"' in text and "districts in wards" in text


def test_an_admin_chooses_among_every_set(workspace):
    client = signed_in(workspace, "admin@x.org")
    page = client.get("/admin/?set=wy").get_data(as_text=True)
    assert '<option value="wy" selected>' in page and "districts in wy" in page


def test_a_district_contact_reaches_volunteers_and_the_audit_log(workspace):
    client = signed_in(workspace, "a@x.org")
    url = f"/admin/needs/wards/{WARD_A}"

    def save(link, text=""):
        page = client.get(url).get_data(as_text=True)
        data = {"link": link, "text": text, "csrf_token": token(page)}
        return client.post(f"{url}/contact", data=data)

    refused = save("javascript:alert(1)", "Click")
    assert refused.status_code == 400
    assert "Nothing was saved: field &#39;link&#39;" in refused.get_data(as_text=True)
    assert save("sam@example.org", "Email Sam, our organiser").status_code == 302
    public = workspace.test_client()
    answer = public.get(f"/api/v1/districts/{WARD_A}").get_json()
    assert answer["contact"] == {
        "link": "mailto:sam@example.org",
        "text": "Email Sam, our organiser",
    }
    page = public.get(f"/d/{WARD_A}").get_data(as_text=True)
    assert 'Email Sam, our organiser: <a href="mailto:sam@example.org">sam@example.org</a>' in page
    lat, lon = inside(workspace, "wards", WARD_A)
    found = public.get(f"/api/v1/recommend?lat={lat}&lon={lon}&set=wards&own_area=1").get_json()
    assert found["district"]["contact"]["link"] == "mailto:sam@example.org"
    assert save("").status_code == 302  # removed
    assert public.get(f"/api/v1/districts/{WARD_A}").get_json()["contact"] is None
    with services_of(workspace).db.session() as session:
        from turfmap.coordination.audit import events

        actions = [e.action for e in events(session, actor="a@x.org")]
    assert actions[:2] == ["contact.remove", "contact.set"]


@pytest.mark.parametrize(
    "asked, lands",
    [
        ("/admin/sessions/new?set=wards", "/admin/sessions/new?set=wards"),
        ("https://evil.example/admin/", "/admin/"),
        ("//evil.example/admin/", "/admin/"),
    ],
)
def test_sign_in_returns_to_the_page_asked_for_and_only_on_this_site(workspace, asked, lands):
    client = workspace.test_client()
    page = client.get("/admin/login").get_data(as_text=True)
    answer = client.post(
        "/admin/login",
        query_string={"next": asked},
        data={"email": "host@x.org", "password": PASSWORD, "csrf_token": token(page)},
    )
    assert answer.status_code == 302 and answer.location == lands

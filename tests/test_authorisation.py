"""The authorisation matrix for the routes added with uploads, sessions and
boundaries, and for the public write API: every route against anonymous, host,
coordinator of region A (Bradford West's wards), coordinator of region B (the seats)
and admin. (The need-editing routes are in test_admin.py.)"""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime

import pytest

from tests.conftest import UK, services_of
from tests.workspace import SEAT_B, WARD_A, WHO, any_token, inside, session_fields, signed_in
from turfmap.coordination import sessions as canvassing
from turfmap.coordination.permissions import Actor
from turfmap.coordination.session_fields import parse_session
from turfmap.coordination.uploads import stage
from turfmap.store.turf_models import Turf

ADMIN = Actor("admin@x.org", "admin")


def make_session(app, set_slug="wards", code=WARD_A, host=ADMIN, status="proposed") -> int:
    fields = session_fields(app, set_slug=set_slug, code=code, capacity="50")
    draft = parse_session(fields, tz="Europe/London", now=datetime.now(UTC))
    index = services_of(app).spatial.get()
    placed = canvassing.place_meeting_point(index, set_slug, draft.lon, draft.lat)
    with services_of(app).db.transaction() as session:
        return canvassing.propose(session, host, draft, placed, status=status).id


def make_upload(app, kind, owner, set_slug, data, options=None, filename="upload.csv") -> int:
    with services_of(app).db.transaction() as session:
        upload = stage(session, owner, kind=kind, set_slug=set_slug, filename=filename, data=data)
        upload.options = options or {}
        return upload.id


def needs_upload(client, set_slug, code):
    csv = f"code,need,reason,expires\n{code},70,Matrix,\n".encode()
    return client.post(
        "/admin/needs/upload",
        data={
            "csrf_token": any_token(client),
            "set_slug": set_slug,
            "file": (io.BytesIO(csv), "needs.csv"),
        },
        content_type="multipart/form-data",
    )


def post(path, **data):
    return lambda app, client, email: client.post(
        path, data=data | {"csrf_token": any_token(client)}
    )


def get(path):
    return lambda app, client, email: client.get(path)


def new_session(set_slug, code):
    def call(app, client, email):
        fields = session_fields(app, set_slug=set_slug, code=code)
        return client.post("/admin/sessions/new", data=fields | {"csrf_token": any_token(client)})

    return call


def view_session(host):
    def call(app, client, email):
        return client.get(f"/admin/sessions/{make_session(app, host=host)}")

    return call


def review_session(set_slug, code):
    def call(app, client, email):
        session_id = make_session(app, set_slug=set_slug, code=code)
        data = {"decision": "approve", "csrf_token": any_token(client)}
        return client.post(f"/admin/sessions/{session_id}/review", data=data)

    return call


def apply_needs(app, client, email):
    owner = Actor("a@x.org", "coordinator")
    csv = f"code,need,reason,expires\n{WARD_A},70,Matrix,\n".encode()
    upload_id = make_upload(app, "needs", owner, "wards", csv, {"basis": {WARD_A: None}})
    return client.post(f"/admin/uploads/{upload_id}/apply", data={"csrf_token": any_token(client)})


def write_generation(app, client, email):
    data = (UK / "wards_bradford_E08000032_wd13.geojson").read_bytes()
    options = {"set_slug": "more-wards", "level": "ward"}
    upload_id = make_upload(
        app, "boundaries", ADMIN, "more-wards", data, options, filename="wards.geojson"
    )
    path = f"/admin/uploads/{upload_id}/generation"
    return client.post(path, data={"csrf_token": any_token(client)})


def boundary_dry_run(app, client, email):
    data = (UK / "wards_bradford_E08000032_wd13.geojson").read_bytes()
    return client.post(
        "/admin/boundaries",
        data={
            "csrf_token": any_token(client),
            "set_slug": "dry-wards",
            "file": (io.BytesIO(data), "wards.geojson"),
        },
        content_type="multipart/form-data",
    )


def rsvp_api(app, client, email):
    session_id = make_session(app, status="approved")
    contact = f"{(email or 'anon').split('@')[0]}@volunteer.example.org"
    return client.post(
        f"/api/v1/sessions/{session_id}/rsvps", json={"name": "V", "contact": contact}
    )


def revert_need(app, client, email):
    """Two edits by the admin, then this user reverts to the first."""
    from datetime import date

    from turfmap.coordination.needs import edit_need

    ids = []
    with services_of(app).db.transaction() as session:
        for score in (30, 60):
            base = ids[-1] if ids else _latest_need(session)
            need = edit_need(
                session, ADMIN, set_slug="wards", code=WARD_A, score=score,
                reason=f"step {score}", expires=None, base_id=base, today=date.today(),
            )  # fmt: skip
            ids.append(need.id)
    path = f"/admin/needs/wards/{WARD_A}/revert/{ids[0]}"
    return client.post(path, data={"csrf_token": any_token(client), "base_id": str(ids[1])})


def _latest_need(session):
    from turfmap.coordination.needs import latest_need_id
    from turfmap.store.queries import get_set

    return latest_need_id(session, get_set(session, "wards").id, WARD_A)


def commitment_api(app, client, email):
    with app.app_context():
        from turfmap.web.clock import today

        token = services_of(app).tokens.issue("wards", WARD_A, today())
    return client.post("/api/v1/commitments", json={"token": token})


def ward_a_turf(app) -> int:
    """Thirty doors around ward A's middle, cut into turfs of ten (street-blind)."""
    from turfmap.coordination.doors import import_doors
    from turfmap.coordination.turfs import cut_district
    from turfmap.store import doorstep
    from turfmap.store.queries import get_set

    with services_of(app).db.session() as session:
        made = doorstep.district_turfs(session, get_set(session, "wards").id, WARD_A)
    if made:  # the matrix asks once for each kind of user
        return made[0].id
    lat, lon = inside(app, "wards", WARD_A)
    rows = "".join(f"{lat + (i % 6) * 2e-4},{lon + (i // 6) * 3e-4}\n" for i in range(30))
    path = app.config["TURFMAP_CACHE_DIR"] / "ward-doors.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("lat,lon\n" + rows)
    import_doors(services_of(app).db, path, set_slug="wy", commit=True)
    report = cut_district(services_of(app).db, set_slug="wards", code=WARD_A, target=10,
                          author="admin@x.org")  # fmt: skip
    return report.turf_ids[0]


def on_turf(method, suffix, **data):
    def call(app, client, email):
        turf_id = ward_a_turf(app)
        path = f"/admin/turfs/{turf_id}/{suffix}"
        if method == "get":
            return client.get(path)
        return client.post(path, data=data | {"csrf_token": any_token(client)})

    return call


def correct_outcome(app, client, email):
    from turfmap.coordination import canvass

    turf_id = ward_a_turf(app)
    with services_of(app).db.transaction() as session:
        now = datetime.now(UTC)
        token, _ = canvass.issue_link(session, session.get(Turf, turf_id), by="t", now=now)
    with services_of(app).db.transaction() as session:
        walk = canvass.open_walk(session, token, now)
        door = canvass.walk_data(session, walk)["doors"][0]["id"]
        item = {"id": str(uuid.uuid4()), "door": door, "outcome": "spoke", "at": now.isoformat()}
        stored = canvass.record_outcomes(session, walk, [item], now, "Europe/London")["stored"][0]
    data = {"outcome": "not_in", "support": "", "csrf_token": any_token(client)}
    return client.post(f"/admin/outcomes/{stored}/correct", data=data)


def turfs_of_ward(suffix="", method="get"):
    def call(app, client, email):
        ward_a_turf(app)
        path = f"/admin/turfs/wards/{WARD_A}{suffix}"
        if method == "get":
            return client.get(path)
        return client.post(path, data={"doors": "12", "csrf_token": any_token(client)})

    return call


#            anonymous, host, coordinator A, coordinator B, admin
MATRIX = [
    ("sign out", post("/admin/logout"), (302, 302, 302, 302, 302)),
    ("revert ward A need", revert_need, (302, 403, 302, 403, 302)),
    ("list sessions", get("/admin/sessions"), (302, 200, 200, 200, 200)),
    ("session form", get("/admin/sessions/new"), (302, 200, 200, 200, 200)),
    ("propose in ward A", new_session("wards", WARD_A), (302, 302, 302, 403, 302)),
    ("propose in seat B", new_session("wy", SEAT_B), (302, 302, 403, 302, 302)),
    ("see host's session", view_session(Actor("host@x.org", "host")), (302, 200, 200, 403, 200)),
    ("see admin's session", view_session(ADMIN), (302, 403, 200, 403, 200)),
    ("approve in ward A", review_session("wards", WARD_A), (302, 403, 302, 403, 302)),
    ("approve in seat B", review_session("wy", SEAT_B), (302, 403, 403, 302, 302)),
    ("needs upload form", get("/admin/needs/upload"), (302, 403, 200, 200, 200)),
    (
        "upload ward A needs",
        lambda app, client, email: needs_upload(client, "wards", WARD_A),
        (302, 403, 200, 403, 200),
    ),
    (
        "upload seat B needs",
        lambda app, client, email: needs_upload(client, "wy", SEAT_B),
        (302, 403, 403, 200, 200),
    ),
    ("apply A's upload", apply_needs, (302, 403, 302, 403, 403)),
    ("boundary sets", get("/admin/boundaries"), (302, 403, 403, 403, 200)),
    ("boundary dry run", boundary_dry_run, (302, 403, 403, 403, 302)),
    ("write generation", write_generation, (302, 403, 403, 403, 302)),
    ("review a switch", get("/admin/generations/wy/1/activate"), (302, 403, 403, 403, 200)),
    ("activate", post("/admin/generations/wy/1/activate"), (302, 403, 403, 403, 302)),
    ("RSVP (public API)", rsvp_api, (201, 201, 201, 201, 201)),
    ("commitment (public API)", commitment_api, (201, 201, 201, 201, 201)),
    ("ward A's turfs", turfs_of_ward(), (302, 403, 200, 403, 200)),
    ("ward A's turf map", turfs_of_ward(".geojson"), (302, 403, 200, 403, 200)),
    ("cut ward A", turfs_of_ward("/cut", "post"), (302, 403, 302, 403, 302)),
    ("ward A's outcomes CSV", turfs_of_ward("/outcomes.csv"), (302, 403, 200, 403, 200)),
    (
        "hand a turf to no session",
        on_turf("post", "assign", session_id=""),
        (302, 403, 302, 403, 302),
    ),
    ("new walk link", on_turf("post", "link"), (302, 403, 302, 403, 302)),
    ("walk sheet", on_turf("get", "sheet.pdf"), (302, 403, 200, 403, 200)),
    ("correct an outcome", correct_outcome, (302, 403, 302, 403, 302)),
]


@pytest.mark.parametrize("name, call, expected", MATRIX, ids=[m[0] for m in MATRIX])
def test_authorisation_matrix(workspace, name, call, expected):
    got = []
    for email in WHO:
        client = signed_in(workspace, email)
        got.append(call(workspace, client, email).status_code)
    assert tuple(got) == expected, dict(zip(WHO, got, strict=True))

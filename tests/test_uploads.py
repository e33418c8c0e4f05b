"""Bulk needs upload (preview, all-or-nothing apply, regions, conflicts) and boundary
files uploaded by admins (dry run, write, activate), on both backends."""

from __future__ import annotations

import io
import re

from tests.conftest import UK, services_of, snapshot
from tests.workspace import SEAT_A, WARD_A, WARD_B, any_token, followed_job, signed_in, token
from turfmap.store.queries import get_set, need_history


def public(app):
    """Everything but the staged uploads (and their audit entries) and the jobs that
    previewed them: what a preview must leave alone."""
    counts, checksum = snapshot(app)
    counts.pop("uploads")
    counts.pop("audit_events")
    counts.pop("jobs")
    return counts, checksum


def wards_of(app, seat):
    index = services_of(app).spatial.get()
    return sorted(
        d.code for d in index.districts if d.set_slug == "wards" and d.parent_code == seat
    )


def upload_needs(client, text, set_slug="wards", filename="needs.csv"):
    data = text.encode() if isinstance(text, str) else text
    return client.post(
        "/admin/needs/upload",
        data={
            "csrf_token": any_token(client),
            "set_slug": set_slug,
            "file": (io.BytesIO(data), filename),
        },
        content_type="multipart/form-data",
    )


def apply_path(html: str) -> str:
    return re.search(r'action="(/admin/uploads/\d+/apply)"', html).group(1)


def needs_of(app, code, set_slug="wards"):
    with services_of(app).db.session() as session:
        return need_history(session, get_set(session, set_slug).id, code)


def test_bad_row_in_the_middle_is_named_and_nothing_is_staged(workspace):
    first, second = wards_of(workspace, SEAT_A)[:2]
    alice = signed_in(workspace, "a@x.org")
    before = snapshot(workspace)
    response = upload_needs(
        alice,
        "code,need,reason,expires\n"
        f"{first},80,Short of leafleters,\n"
        f"{second},lots,Bad number,\n"
        f"{WARD_A},60,Fine row,\n",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "line 3, column &#39;need&#39;: &#39;lots&#39; is not a number" in html
    assert "/apply" not in html  # nothing to confirm
    assert snapshot(workspace) == before


def test_preview_then_apply_in_one_go(workspace):
    first, second = wards_of(workspace, SEAT_A)[:2]
    alice = signed_in(workspace, "a@x.org")
    before = public(workspace)
    preview = upload_needs(
        alice,
        "code,need,reason,expires\n"
        f"{first},80,Short of leafleters,2099-01-01\n"
        f"{second},15,Branch has it covered,\n",
    )
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200, html
    assert f"<small>{first}</small>" in html and "<strong>80.0</strong>" in html
    assert "Short of leafleters" in html and "2099-01-01" in html
    assert public(workspace) == before  # a preview changes nothing public
    applied = alice.post(apply_path(html), data={"csrf_token": token(html)})
    assert applied.status_code == 302
    assert [(n.score, n.author) for n in needs_of(workspace, first)] == [(80, "a@x.org")]
    assert needs_of(workspace, second)[0].reason == "Branch has it covered"
    again = alice.post(apply_path(html), data={"csrf_token": token(html)})
    assert again.status_code == 409
    assert len(needs_of(workspace, first)) == 1
    audit = signed_in(workspace, "admin@x.org").get("/admin/audit?format=csv")
    assert ",a@x.org,import.needs,wards," in audit.get_data(as_text=True)
    assert ",a@x.org,upload.needs,upload/" in audit.get_data(as_text=True)


def test_rows_outside_the_uploaders_region_are_refused(workspace):
    alice = signed_in(workspace, "a@x.org")
    before = snapshot(workspace)
    response = upload_needs(
        alice, f"code,need,reason,expires\n{WARD_A},70,Mine,\n{WARD_B},90,Not mine,\n"
    )
    assert response.status_code == 400
    assert f"line 3, column &#39;code&#39;: {WARD_B} is outside your region" in (
        response.get_data(as_text=True)
    )
    # A set where she has no region at all is refused outright.
    seats = upload_needs(alice, f"code,need,reason,expires\n{SEAT_A},70,x,\n", set_slug="wy")
    assert seats.status_code == 403
    assert snapshot(workspace) == before


def test_apply_refuses_what_changed_since_the_preview(workspace):
    alice, admin = signed_in(workspace, "a@x.org"), signed_in(workspace, "admin@x.org")
    preview = upload_needs(alice, f"code,need,reason,expires\n{WARD_A},70,From the sheet,\n")
    html = preview.get_data(as_text=True)
    page = admin.get(f"/admin/needs/wards/{WARD_A}").get_data(as_text=True)
    admin.post(
        f"/admin/needs/wards/{WARD_A}",
        data={"score": "20", "reason": "Admin: covered", "csrf_token": token(page), "base_id": ""},
    )
    refused = alice.post(apply_path(html), data={"csrf_token": token(html)})
    assert refused.status_code == 409
    text = refused.get_data(as_text=True)
    assert f"{WARD_A} was set to 20 by admin@x.org (Admin: covered)" in text
    assert [n.score for n in needs_of(workspace, WARD_A)] == [20]


def test_someone_elses_upload_cannot_be_applied(workspace):
    alice, admin = signed_in(workspace, "a@x.org"), signed_in(workspace, "admin@x.org")
    html = upload_needs(alice, f"code,need,reason,expires\n{WARD_A},70,x,\n").get_data(as_text=True)
    response = admin.post(apply_path(html), data={"csrf_token": any_token(admin)})
    assert response.status_code == 403
    assert needs_of(workspace, WARD_A) == []


def test_unreadable_uploads(workspace):
    alice = signed_in(workspace, "a@x.org")
    latin1 = upload_needs(
        alice, f"code,need,reason,expires\n{WARD_A},70,Caf\xe9,\n".encode("latin-1")
    )
    assert latin1.status_code == 400
    assert "line 2 is not UTF-8" in latin1.get_data(as_text=True)
    columns = upload_needs(alice, "ward,score\nE1,2\n")
    assert columns.status_code == 400 and "missing column(s)" in columns.get_data(as_text=True)
    empty = upload_needs(alice, b"")
    assert empty.status_code == 400


def active_generation(app, slug):
    sets = app.test_client().get("/api/v1/sets").get_json()["sets"]
    return next(s["active_generation"] for s in sets if s["slug"] == slug)


def upload_boundaries(client, path, set_slug, filename=None, **fields):
    """The dry run's page once its job is done (or the upload's own refusal)."""
    return followed_job(
        client.application, client, _post_boundaries(client, path, set_slug, filename, **fields)
    )


def _post_boundaries(client, path, set_slug, filename=None, **fields):
    return client.post(
        "/admin/boundaries",
        data={
            "csrf_token": any_token(client),
            "set_slug": set_slug,
            "file": (io.BytesIO(path.read_bytes()), filename or path.name),
        }
        | fields,
        content_type="multipart/form-data",
    )


def test_boundary_upload_dry_run_write_activate(workspace):
    admin = signed_in(workspace, "admin@x.org")
    before = public(workspace)
    source = UK / "wards_bradford_E08000032_wd13.geojson"
    dry = upload_boundaries(admin, source, "bradford-wards", set_name="Bradford wards")
    html = dry.get_data(as_text=True)
    assert dry.status_code == 200, html
    assert "30 features" in html and "Dry run: nothing was written" in html
    assert public(workspace) == before
    write = re.search(r'action="(/admin/uploads/\d+/generation)"', html).group(1)
    written = followed_job(workspace, admin, admin.post(write, data={"csrf_token": token(html)}))
    assert written.status_code == 200 and "INACTIVE" in written.get_data(as_text=True)
    listing = admin.get("/admin/boundaries").get_data(as_text=True)
    assert "/admin/generations/bradford-wards/1/activate" in listing
    assert active_generation(workspace, "bradford-wards") is None
    activated = admin.post(
        "/admin/generations/bradford-wards/1/activate", data={"csrf_token": token(listing)}
    )
    assert activated.status_code == 302
    assert active_generation(workspace, "bradford-wards") == 1
    point = workspace.test_client().get("/api/v1/point?lat=53.795&lon=-1.72").get_json()
    assert "bradford-wards" in {d["set"] for d in point["districts"]}
    csv_text = admin.get("/admin/audit?format=csv").get_data(as_text=True)
    assert ",admin@x.org,import.boundaries,bradford-wards," in csv_text
    assert ",admin@x.org,generation.activate,bradford-wards," in csv_text


def test_bad_boundary_uploads_are_named(workspace, tmp_path):
    admin = signed_in(workspace, "admin@x.org")
    before, staged = public(workspace), snapshot(workspace)[0]["uploads"]
    broken = tmp_path / "broken.geojson"
    broken.write_text('{"type": "FeatureCollection", "features": [')
    response = upload_boundaries(admin, broken, "broken")
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "broken.geojson" in text and "turfmap-upload" not in text
    shp = upload_boundaries(admin, broken, "broken", filename="wards.shp")
    assert shp.status_code == 400 and "as one .zip" in shp.get_data(as_text=True)
    assert public(workspace) == before
    assert snapshot(workspace)[0]["uploads"] == staged  # a refused file is not kept

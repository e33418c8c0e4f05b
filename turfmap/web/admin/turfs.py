"""A district's turfs in the workspace: cut, hand out, links, outcomes. Each view calls
one coordination function; who may do what is decided there."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Response, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import login_required

from turfmap.coordination import canvass, turf_overview
from turfmap.coordination.turfs import cut_district
from turfmap.errors import InputError
from turfmap.extensions import services
from turfmap.turf.cut import WalkPace
from turfmap.web.admin import actor, admin
from turfmap.web.admin.forms import TokenOnly
from turfmap.web.walk_sheet import walk_sheet_pdf


def _checked_form() -> None:
    if not TokenOnly().validate():
        raise InputError("the form expired or was not sent from this site; reload the page")


def _whole(name: str, low: int, high: int) -> int:
    raw = (request.form.get(name) or "").strip()
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise InputError(f"{name}: {raw!r} is not a whole number from {low} to {high}")
    return int(raw)


@admin.get("/turfs/<set_slug>/<code>")
@login_required
def turfs(set_slug: str, code: str):
    with services().db.session() as session:
        page = turf_overview.district_turfs(session, actor(), set_slug, code)
        return render_template("admin/turfs.html", form=TokenOnly(), **page)


@admin.get("/turfs/<set_slug>/<code>.geojson")
@login_required
def turfs_geojson(set_slug: str, code: str):
    with services().db.session() as session:
        page = turf_overview.district_turfs(session, actor(), set_slug, code)
    return jsonify(turf_overview.turfs_geojson(page))


@admin.post("/turfs/<set_slug>/<code>/cut")
@login_required
def turfs_cut(set_slug: str, code: str):
    _checked_form()
    target = _whole("doors", 10, 500)
    with services().db.session() as session:
        turf_overview.district_turfs(session, actor(), set_slug, code)  # may they?
    report = cut_district(services().db, set_slug=set_slug, code=code, target=target,
                          author=actor().email, pace=_pace())  # fmt: skip
    flash(report.render().splitlines()[0])
    return redirect(url_for("admin.turfs", set_slug=set_slug, code=code))


@admin.post("/turfs/<int:turf_id>/assign")
@login_required
def turf_assign(turf_id: int):
    _checked_form()
    raw = request.form.get("session_id") or ""
    session_id = int(raw) if raw.isdigit() else None
    if raw and session_id is None:
        raise InputError(f"session_id: {raw!r} is not a session")
    with services().db.transaction() as session:
        turf = canvass.assign(session, actor(), turf_id, session_id, _pace())
        back = (turf.set_id, turf.district_code, turf.number)
    flash(f"Turf {back[2]} " + (f"given to session {session_id}" if session_id else "taken back"))
    return _back_to(turf_id)


@admin.post("/turfs/<int:turf_id>/link")
@login_required
def turf_link(turf_id: int):
    _checked_form()
    days = current_app.config["TURFMAP_WALK_LINK_DAYS"]
    with services().db.transaction() as session:
        token, expires = canvass.coordinator_link(
            session, actor(), turf_id, datetime.now(UTC), days
        )
    link = url_for("walk.walk_page", token=token, _external=True)
    flash(f"Walk link (shown once; it works until {expires:%d %b %H:%M} UTC): {link}")
    return _back_to(turf_id)


@admin.get("/turfs/<int:turf_id>/sheet.pdf")
@login_required
def turf_sheet(turf_id: int):
    with services().db.session() as session:
        data = canvass.sheet_data(session, actor(), turf_id)
    return Response(walk_sheet_pdf(data), mimetype="application/pdf")


@admin.get("/turfs/<set_slug>/<code>/outcomes.csv")
@login_required
def turf_outcomes_csv(set_slug: str, code: str):
    with services().db.session() as session:
        text = turf_overview.outcomes_csv(session, actor(), set_slug, code)
    name = f"outcomes-{code}.csv"
    return Response(text, mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename={name}"})  # fmt: skip


@admin.post("/outcomes/<outcome_id>/correct")
@login_required
def outcome_correct(outcome_id: str):
    _checked_form()
    raw = request.form.get("support") or ""
    support = _whole("support", 1, 5) if raw else None
    with services().db.transaction() as session:
        row = canvass.correct(session, actor(), outcome_id, request.form.get("outcome") or "",
                              support, datetime.now(UTC))  # fmt: skip
        turf_id = row.turf_id
    flash("Outcome corrected")
    return _back_to(turf_id)


def _pace() -> WalkPace:
    config = current_app.config
    return WalkPace(config["TURFMAP_WALK_METRES_PER_MINUTE"], config["TURFMAP_MINUTES_PER_DOOR"])


def _back_to(turf_id: int):
    with services().db.session() as session:
        set_slug, code = canvass.turf_place(session, turf_id)
    return redirect(url_for("admin.turfs", set_slug=set_slug, code=code))

"""Canvassing sessions in the workspace: hosts propose (the meeting point picked on
a map, its district found for them), coordinators of that district approve or
reject, and the host and reviewers see who has signed up."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import abort, redirect, render_template, request, url_for
from flask_login import login_required

from turfmap.coordination import sessions as canvassing
from turfmap.coordination.session_fields import parse_session
from turfmap.errors import Forbidden, InputError, shown
from turfmap.extensions import services
from turfmap.store import queries
from turfmap.web.admin import actor, admin, timezone
from turfmap.web.admin.forms import ReviewForm, SessionForm

STATUSES = ("proposed", "approved", "rejected")


@admin.get("/sessions")
@login_required
def session_list():
    status = request.args.get("status") or None
    if status is not None and status not in STATUSES:
        raise InputError(f"status={shown(status)} must be one of {', '.join(STATUSES)}")
    with services().db.session() as session:
        rows = [
            (c, queries.rsvp_count(session, c.id))
            for c in canvassing.sessions_for(session, actor(), status)
        ]
    return render_template("admin/sessions.html", rows=rows, status=status, statuses=STATUSES)


@admin.route("/sessions/new", methods=["GET", "POST"])
@login_required
def session_new():
    form = SessionForm()
    index = services().spatial.get()
    form.set_slug.choices = index.set_slugs
    if not form.is_submitted():
        focus = _asked_district(index, form)
        return render_template(
            "admin/session_new.html",
            form=form,
            error=None,
            focus=focus.code if focus else None,
            focus_name=focus.name if focus else None,
        )
    if not form.validate():
        raise InputError("; ".join(f"{f}: {', '.join(e)}" for f, e in form.errors.items()))
    try:
        draft = parse_session(request.form, tz=timezone(), now=datetime.now(UTC))
        placed = canvassing.place_meeting_point(index, form.set_slug.data, draft.lon, draft.lat)
        with services().db.transaction() as session:
            created = canvassing.propose(session, actor(), draft, placed)
    except InputError as error:
        # Keep what was typed: show the form again with the problem named.
        return render_template("admin/session_new.html", form=form, error=error.message), 400
    return redirect(url_for("admin.session_detail", session_id=created.id))


def _asked_district(index, form):
    """The district a "Host a session here" link names (?set=&code=), if it is
    active; its set is then chosen in the form. Anything else: no focus."""
    wanted = (request.args.get("set"), request.args.get("code"))
    found = next((d for d in index.districts if (d.set_slug, d.code) == wanted), None)
    if found is not None:
        form.set_slug.data = found.set_slug
    return found


@admin.get("/sessions/<int:session_id>")
@login_required
def session_detail(session_id: int):
    with services().db.session() as session:
        canvass = canvassing.get_session(session, session_id)
        placed = canvassing.placed_of(session, canvass)
        if not canvassing.may_see(actor(), canvass, placed):
            raise Forbidden(f"{actor().email} may not see session #{session_id}")
        rsvps = queries.session_rsvps(session, session_id)
    return render_template(
        "admin/session.html",
        s=canvass,
        placed=placed,
        rsvps=rsvps,
        review=ReviewForm() if canvassing.may_review(actor(), placed) else None,
        tz=timezone(),
    )


@admin.post("/sessions/<int:session_id>/review")
@login_required
def session_review(session_id: int):
    form = ReviewForm()
    if not form.validate():
        abort(400)
    with services().db.transaction() as session:
        canvassing.review(session, actor(), session_id, form.decision.data, form.note.data or "")
    return redirect(url_for("admin.session_detail", session_id=session_id))

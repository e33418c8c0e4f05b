"""Public session pages: details, signing up, and iCalendar feeds per session and
per district. Only approved sessions exist here."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlsplit

from flask import Response, current_app, flash, redirect, render_template, url_for
from flask_wtf import FlaskForm
from wtforms import StringField

from turfmap.coordination import canvass
from turfmap.coordination import sessions as canvassing
from turfmap.errors import Conflict, Forbidden, InputError
from turfmap.extensions import services
from turfmap.web.api_sessions import limit_rsvps
from turfmap.web.ical import CalendarEvent, calendar
from turfmap.web.pages import pages
from turfmap.web.ratelimit import client, limits


class TurfForm(FlaskForm):
    contact = StringField("The email or phone you gave for your place")


class RsvpForm(FlaskForm):
    name = StringField("Your name")
    contact = StringField("Email or phone (only the host sees it)")


@pages.route("/s/<int:session_id>", methods=["GET", "POST"])
def session_page(session_id: int):
    form = RsvpForm()
    error, status = None, 200
    if form.is_submitted():
        if not form.validate():
            raise InputError("the form has expired or was not sent from this site; reload it")
        limit_rsvps(form.contact.data or "")
        try:
            with services().db.transaction() as session:
                _, left = canvassing.take_place(
                    session,
                    session_id,
                    name=form.name.data or "",
                    contact=form.contact.data or "",
                    now=datetime.now(UTC),
                )
        except (InputError, Conflict) as refused:
            error, status = refused.message, refused.status
        else:
            flash(f"You have a place. {left} place(s) left.")
            return redirect(url_for("pages.session_page", session_id=session_id))
    return _session_page(session_id, form, error=error, status=status)


def _session_page(session_id, form, *, status=200, **shown):
    # From the primary: this page follows the sign-up form's own write.
    with services().db.session() as session:
        detail = canvassing.public_detail(session, session_id)
        turfs_left = canvass.turfs_left(session, session_id)
    page = {"error": None, "turf_error": None} | shown
    return render_template("session.html", s=detail, form=form, turf_form=TurfForm(),
                           turfs_left=turfs_left, **page), status  # fmt: skip


@pages.post("/s/<int:session_id>/turf")
def session_turf(session_id: int):
    """A volunteer with a place takes one of the session's turfs and goes to its walk."""
    form = TurfForm()
    if not form.validate():
        raise InputError("the form has expired or was not sent from this site; reload it")
    # Claims are counted apart from sign-ups, at the same rate: a contact is tried here,
    # so trying many from one address is what the limit stops.
    limits().hit(current_app.config["TURFMAP_RSVP_LIMIT"], "turf-claim", client(), "turf claims")
    try:
        with services().db.transaction() as session:
            canvassing.public_detail(session, session_id)  # approved sessions only
            token, _, _ = canvass.claim(session, session_id, form.contact.data or "",
                                        datetime.now(UTC),
                                        current_app.config["TURFMAP_WALK_LINK_DAYS"])  # fmt: skip
    except (Forbidden, Conflict) as refused:
        return _session_page(session_id, RsvpForm(formdata=None), turf_error=refused.message,
                             status=refused.status)  # fmt: skip
    return redirect(url_for("walk.walk_page", token=token))


@pages.get("/s/<int:session_id>.ics")
def session_calendar(session_id: int):
    with services().reads.session() as session:
        detail = canvassing.public_detail(session, session_id)
    return _calendar(detail["title"], [detail], f"session-{session_id}.ics")


@pages.get("/d/<code>/sessions.ics")
def district_calendar(code: str):
    with services().reads.session() as session:
        name, sessions = canvassing.district_calendar(session, code, datetime.now(UTC))
    return _calendar(f"Canvassing in {name}", sessions, f"{code}-sessions.ics")


def _calendar(name: str, sessions: list[dict], filename: str) -> Response:
    # Absolute links only from the configured public URL, never the request's Host.
    public = current_app.config["TURFMAP_PUBLIC_URL"]
    host = urlsplit(public).hostname if public else "turfmap.invalid"
    events = [
        CalendarEvent(
            uid=f"session-{s['id']}@{host}",
            title=s["title"],
            starts_at=datetime.fromisoformat(s["starts_at"]),
            ends_at=datetime.fromisoformat(s["ends_at"]),
            lat=s["lat"],
            lon=s["lon"],
            description=_description(s),
            url=public + url_for("pages.session_page", session_id=s["id"]) if public else None,
        )
        for s in sessions
    ]
    body = calendar(name, events, stamp=datetime.now(UTC))
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.cache_control.max_age = 300
    return response


def _description(s: dict) -> str:
    lines = [
        f"Canvassing in {s['district']['name']}.",
        f"{s['free_places']} of {s['capacity']} places free.",
        f"Contact: {s['contact']}",
    ]
    if s["accessibility"]:
        lines.append(f"Accessibility: {s['accessibility']}")
    return "\n".join(lines)

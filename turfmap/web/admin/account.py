"""Signing in and out, and the workspace's front page."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from turfmap.coordination.overview import find_district, overview
from turfmap.coordination.users import authenticate, end_sessions
from turfmap.errors import shown
from turfmap.extensions import services
from turfmap.web.admin import SignedIn, actor, admin
from turfmap.web.admin.forms import LoginForm
from turfmap.web.clock import board
from turfmap.web.ratelimit import client, limits


@admin.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if request.method == "POST":
        # Per address, and per account: guesses spread over many addresses still
        # meet the account's own allowance.
        rate = current_app.config["TURFMAP_LOGIN_LIMIT"]
        limits().hit(rate, "sign-in", client(), "sign-in attempts")
        account = (form.email.data or "").strip().lower()[:200]
        limits().hit(rate, "sign-in-account", account, "sign-in attempts for this account")
    error = None
    if form.validate_on_submit():
        with services().db.session() as session:
            user = authenticate(session, form.email.data, form.password.data)
            if user is not None:
                login_user(SignedIn(user))
                return redirect(_next_page(request.args.get("next")))
        error = "That email and password do not match an active account."
    status = 401 if request.method == "POST" else 200
    return render_template("admin/login.html", form=form, error=error), status


def _next_page(asked: str | None) -> str:
    r"""Where sign-in was asked for (Flask-Login's ?next=), if it is a workspace
    page of this site; anything else (another site, //host, a scheme, a backslash
    that some browsers read as a slash) is not followed.

    >>> _next_page("/admin/sessions/new?set=wards&code=E05001348")
    '/admin/sessions/new?set=wards&code=E05001348'
    >>> _next_page("https://evil.example/admin/"), _next_page("//evil.example/x")
    ('/admin/', '/admin/')
    >>> _next_page("/admin/\\evil.example")
    '/admin/'
    """
    if asked and asked.startswith("/admin/") and not asked.startswith("//") and "\\" not in asked:
        return asked
    return "/admin/"


@admin.post("/logout")
@login_required
def logout():
    with services().db.transaction() as session:
        end_sessions(session, current_user.id)
    logout_user()
    return redirect(url_for("admin.login"))


@admin.get("/")
@login_required
def index():
    """The coordinator's region: their districts, what needs attention, and a box
    that opens a district by name or code."""
    index = services().spatial.get()
    wanted = request.args.get("district", "").strip() or request.args.get("code", "").strip()
    set_slug = request.args.get("set") or None
    found = find_district(index, wanted, set_slug) if wanted else None
    if found is not None:
        return redirect(url_for("admin.district", set_slug=found.set_slug, code=found.code))
    # Not found: the same page, with the problem named and what was typed kept.
    problem = f"No active district is called or coded {shown(wanted)}." if wanted else None
    with services().db.session() as session:
        summary = overview(session, board(), index, actor(), set_slug, datetime.now(UTC))
    page = render_template(
        "admin/index.html", user=current_user, o=summary, problem=problem, typed=wanted
    )
    return page, 404 if problem else 200

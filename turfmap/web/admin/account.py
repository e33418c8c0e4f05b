"""Signing in and out, and the workspace's front page."""

from __future__ import annotations

from flask import current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from turfmap.coordination.users import authenticate, end_sessions
from turfmap.extensions import services
from turfmap.store import queries
from turfmap.web.admin import SignedIn, admin
from turfmap.web.admin.forms import LoginForm
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
                return redirect(url_for("admin.index"))
        error = "That email and password do not match an active account."
    status = 401 if request.method == "POST" else 200
    return render_template("admin/login.html", form=form, error=error), status


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
    code = request.args.get("code", "").strip()
    if code:
        with services().db.session() as session:
            boundary_set, _ = queries.active_district(session, code)
        return redirect(url_for("admin.district", set_slug=boundary_set.slug, code=code))
    return render_template("admin/index.html", user=current_user)

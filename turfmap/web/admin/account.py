"""Signing in and out, and the workspace's front page."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from turfmap.coordination.users import authenticate
from turfmap.extensions import services
from turfmap.store import queries
from turfmap.web.admin import SignedIn, admin, sign_in_throttle
from turfmap.web.admin.forms import LoginForm


@admin.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "POST":
        sign_in_throttle().attempt(str(request.remote_addr))
    form = LoginForm()
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

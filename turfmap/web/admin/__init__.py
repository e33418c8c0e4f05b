"""/admin: coordinators sign in, edit needs with a reason and expiry, revert, and
read the audit log. Every form carries a CSRF token; sign-in is throttled."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import (
    LoginManager,
    UserMixin,
    current_user,
    login_required,
    login_user,
    logout_user,
)
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFProtect
from wtforms import DateField, DecimalField, EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, NumberRange, Optional

from turfmap.coordination import audit
from turfmap.coordination.needs import edit_need, latest_need_id, revert_need
from turfmap.coordination.permissions import Region, require_admin, require_district
from turfmap.coordination.users import actor_of, authenticate
from turfmap.errors import Conflict, InputError
from turfmap.extensions import services
from turfmap.store import queries
from turfmap.store.models import User

admin = Blueprint("admin", __name__, url_prefix="/admin")
LOGIN_LIMIT = "10 per minute"


class SignedIn(UserMixin):
    """The signed-in user as the session sees it (detached from the database)."""

    def __init__(self, user):
        self.id = user.id
        self.email = user.email
        self.role = user.role
        self.active = user.active
        self.regions = [Region(r.set_slug, r.parent_code) for r in user.regions]

    @property
    def is_active(self) -> bool:
        return self.active


def install(app) -> None:
    """Sign-in, CSRF on every form, and throttled sign-in attempts, for this app."""
    manager = LoginManager(app)
    manager.login_view = "admin.login"

    @manager.user_loader
    def load(user_id: str):
        with services().db.session() as session:
            user = session.get(User, int(user_id)) if user_id.isdigit() else None
            return SignedIn(user) if user is not None and user.active else None

    csrf = CSRFProtect(app)
    csrf.exempt("turfmap.web.api_volunteer.commit")  # public JSON, no cookies involved
    limiter = Limiter(get_remote_address, app=app, storage_uri="memory://", default_limits=[])
    app.view_functions["admin.login"] = limiter.limit(
        app.config["TURFMAP_LOGIN_LIMIT"], methods=["POST"]
    )(app.view_functions["admin.login"])


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired()])
    password = PasswordField("Password", validators=[DataRequired()])


class NeedForm(FlaskForm):
    score = DecimalField("Need (0-100)", validators=[DataRequired(), NumberRange(0, 100)])
    reason = StringField("Reason", validators=[DataRequired()])
    expires = DateField("Expires (optional)", validators=[Optional()])
    base_id = HiddenField()


class RevertForm(FlaskForm):
    base_id = HiddenField()


@admin.route("/login", methods=["GET", "POST"])
def login():
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


@admin.route("/needs/<set_slug>/<code>", methods=["GET", "POST"])
@login_required
def district(set_slug: str, code: str):
    form = NeedForm()
    actor = actor_of(current_user)
    conflict = None
    with services().db.transaction() as session:
        if request.method == "POST":
            if not form.validate():
                raise InputError("; ".join(f"{f}: {', '.join(e)}" for f, e in form.errors.items()))
            try:
                edit_need(
                    session,
                    actor,
                    set_slug=set_slug,
                    code=code,
                    score=float(form.score.data),
                    reason=form.reason.data,
                    expires=form.expires.data,
                    base_id=_base(form.base_id.data),
                    today=date.today(),
                )
            except Conflict as exc:
                conflict = exc
            else:
                return redirect(url_for("admin.district", set_slug=set_slug, code=code))
        page = _district_page(session, actor, set_slug, code)
    form.base_id.data = page["base_id"]
    status = 409 if conflict else 200
    return render_template(
        "admin/district.html", form=form, revert=RevertForm(), conflict=conflict, **page
    ), status


@admin.post("/needs/<set_slug>/<code>/revert/<int:need_id>")
@login_required
def revert(set_slug: str, code: str, need_id: int):
    form = RevertForm()
    if not form.validate():
        abort(400)
    with services().db.transaction() as session:
        revert_need(
            session,
            actor_of(current_user),
            set_slug=set_slug,
            code=code,
            need_id=need_id,
            base_id=_base(form.base_id.data),
            today=date.today(),
        )
    return redirect(url_for("admin.district", set_slug=set_slug, code=code))


@admin.get("/audit")
@login_required
def audit_log():
    require_admin(actor_of(current_user))
    with services().db.session() as session:
        rows = audit.events(
            session,
            actor=request.args.get("actor") or None,
            action=request.args.get("action") or None,
        )
    if request.args.get("format") == "csv":
        return Response(
            audit.as_csv(rows),
            mimetype="text/csv",
            headers={"Content-Disposition": "attachment; filename=audit.csv"},
        )
    return render_template("admin/audit.html", rows=rows, args=request.args)


def _base(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() else None


def _district_page(session, actor, set_slug, code) -> dict:
    boundary_set, district = queries.active_district(session, code)
    if boundary_set.slug != set_slug:
        abort(404)
    require_district(actor, set_slug, code, district.parent_code)
    return {
        "set_slug": set_slug,
        "district": district,
        "history": queries.need_history(session, boundary_set.id, code),
        "current": queries.current_needs(session, boundary_set.id, date.today(), code).get(code),
        "base_id": latest_need_id(session, boundary_set.id, code),
    }

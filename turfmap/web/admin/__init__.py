"""/admin: the coordinators' workspace. Sign-in is throttled, every form carries a
CSRF token, and each view calls one coordination function (who may do what is
decided there, not here)."""

from __future__ import annotations

from flask import Blueprint, current_app
from flask_login import LoginManager, UserMixin, current_user
from flask_wtf.csrf import CSRFProtect

from turfmap.coordination.permissions import Actor, Region
from turfmap.coordination.users import actor_of
from turfmap.extensions import services
from turfmap.store.models import User
from turfmap.web.admin.throttle import Throttle

admin = Blueprint("admin", __name__, url_prefix="/admin")
# Public JSON writes: no cookies are involved, so there is nothing to forge.
CSRF_EXEMPT = (
    "turfmap.web.api_volunteer.commit",
    "turfmap.web.api_sessions.rsvp",
)


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
    for view in CSRF_EXEMPT:
        csrf.exempt(view)
    app.extensions["turfmap.sign_in_throttle"] = Throttle(
        app.config["TURFMAP_LOGIN_LIMIT"], "sign-in"
    )


def sign_in_throttle() -> Throttle:
    return current_app.extensions["turfmap.sign_in_throttle"]


def actor() -> Actor:
    return actor_of(current_user)


def timezone() -> str:
    return current_app.config["TURFMAP_TIMEZONE"]


# The views register themselves on the blueprint above.
from turfmap.web.admin import (  # noqa: E402
    account,
    audit_view,
    boundaries,
    needs,
    sessions,
    uploads,
)

__all__ = ["account", "audit_view", "boundaries", "needs", "sessions", "uploads"]

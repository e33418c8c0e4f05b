"""/admin: the coordinators' workspace. Sign-in is throttled, every form carries a
CSRF token, each view calls one coordination function (who may do what is
decided there, not here), and a signed-in session lasts only while the account's
session version matches the one in its cookie."""

from __future__ import annotations

from flask import Blueprint, current_app
from flask_login import LoginManager, UserMixin, current_user
from flask_wtf.csrf import CSRFProtect

from turfmap.coordination.permissions import Actor, Region
from turfmap.coordination.users import actor_of
from turfmap.extensions import services
from turfmap.store.models import User

admin = Blueprint("admin", __name__, url_prefix="/admin")
# Public JSON writes: no cookies are involved, so there is nothing to forge.
CSRF_EXEMPT = (
    "turfmap.web.api_volunteer.commit",
    "turfmap.web.api_sessions.rsvp",
    "turfmap.web.walk.walk_outcomes",  # the walk link in the address is the credential
)


class SignedIn(UserMixin):
    """The signed-in user as the session sees it (detached from the database)."""

    def __init__(self, user):
        self.id = user.id
        self.session_version = user.session_version
        self.email = user.email
        self.role = user.role
        self.active = user.active
        self.regions = [Region(r.set_slug, r.parent_code) for r in user.regions]

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        """What the cookie holds: the account and its session version."""
        return f"{self.id}.{self.session_version}"


def parse_session_id(raw: str) -> tuple[int, int] | None:
    """
    >>> parse_session_id("12.3"), parse_session_id("12"), parse_session_id("x.1")
    ((12, 3), None, None)
    """
    user_id, _, version = raw.partition(".")
    if not (user_id.isascii() and user_id.isdigit() and version.isascii() and version.isdigit()):
        return None
    if len(user_id) > 9 or len(version) > 9:
        return None
    return int(user_id), int(version)


def install(app) -> None:
    """Sign-in, CSRF on every form, and throttled sign-in attempts, for this app; and
    with TURFMAP_JOBS=web, the thread that does the jobs its pages queue."""
    if app.config["TURFMAP_JOBS"] == "web":
        from turfmap.coordination.jobs import InProcessWorker

        app.extensions[JOB_THREAD] = InProcessWorker(app.extensions["turfmap"].db)
    manager = LoginManager(app)
    manager.login_view = "admin.login"

    @manager.user_loader
    def load(raw_id: str):
        parsed = parse_session_id(raw_id)
        if parsed is None:
            return None  # a cookie from before session versions, or a forged one
        with services().db.session() as session:
            user = session.get(User, parsed[0])
            if user is None or not user.active or user.session_version != parsed[1]:
                return None
            return SignedIn(user)

    csrf = CSRFProtect(app)
    for view in CSRF_EXEMPT:
        csrf.exempt(view)


JOB_THREAD = "turfmap.jobs"  # app.extensions key: the in-process job worker, if any


def job_thread():
    """The thread that does queued jobs in this process (TURFMAP_JOBS=web), or None
    when `turfmap jobs work` processes do them."""
    return current_app.extensions.get(JOB_THREAD)


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
    turfs,
    uploads,
)

__all__ = ["account", "audit_view", "boundaries", "needs", "sessions", "turfs", "uploads"]

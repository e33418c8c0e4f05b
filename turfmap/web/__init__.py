"""The web layer: thin blueprints that parse a request, call one function, serialize."""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app, jsonify, render_template, request
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from turfmap.errors import TurfmapError
from turfmap.web import guard, headers, language, observe, static_files
from turfmap.web.json_provider import OrjsonProvider
from turfmap.web.ratelimit import Limits
from turfmap.web.sessions import SessionsOffTheApi

log = logging.getLogger(__name__)
MAX_MESSAGE = 4000  # an error never echoes more than this back
RETRY_AFTER_SECONDS = 5


def register_web(app: Flask) -> None:
    from turfmap.web import admin as admin_module
    from turfmap.web import api_sessions, api_volunteer, session_pages  # noqa: F401  (routes)
    from turfmap.web.api import api
    from turfmap.web.pages import pages
    from turfmap.web.walk import walk

    guard.install_converters(app)
    app.json = OrjsonProvider(app)
    app.session_interface = SessionsOffTheApi()
    proxies = app.config["TURFMAP_TRUSTED_PROXIES"]
    if proxies:
        # Only as many X-Forwarded-* hops as there are proxies of ours: anything
        # further left was written by the client and proves nothing.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    app.extensions["turfmap.limits"] = Limits(app.config["TURFMAP_RATE_LIMIT_STORAGE"])
    observe.install(app)  # first: its clock starts before every other hook
    guard.install(app)
    language.install(app)
    _install_api_limit(app)
    app.register_blueprint(api)
    app.register_blueprint(pages)
    app.register_blueprint(walk)
    app.register_blueprint(admin_module.admin)
    admin_module.install(app)
    headers.install(app)
    app.add_template_filter(lambda when: local_time(when, app.config["TURFMAP_TIMEZONE"]), "local")
    app.add_template_filter(datetime.fromisoformat, "fromiso")
    _install_health(app)
    _install_error_handlers(app)
    static_files.install(app)  # last: static files never reach Flask


def _install_api_limit(app: Flask) -> None:
    @app.before_request
    def api_limit():
        if request.path.startswith("/api/"):
            limits = current_app.extensions["turfmap.limits"]
            rate = current_app.config["TURFMAP_API_RATE_LIMIT"]
            limits.hit(rate, "api", str(request.remote_addr), "requests", write=False)


def _install_health(app: Flask) -> None:
    from turfmap.extensions import services

    @app.get("/healthz")
    def healthz():
        """Alive: answers whenever the process does, from what it holds."""
        index = services().spatial.get()
        return {"status": "ok", "districts_indexed": len(index), "sets": index.set_slugs}

    @app.get("/readyz")
    def readyz():
        """Ready for traffic: the database answers and the index is built. While the
        database is unreachable the last good index and need board are served (the
        answer says since when) and this says 503, so a load balancer can tell."""
        ours = services()
        state = {
            "database": ours.db.reachable(),
            "index": ours.spatial.state(),
            "board": ours.board.state(),
            "rate_limits": current_app.extensions["turfmap.limits"].reachable(),
            # Not a condition of readiness: public reads fall back to the primary.
            "replica": ours.reads.state(),
        }
        ready = state["database"] and state["index"]["built"] and state["rate_limits"]
        return {"status": "ready" if ready else "not_ready", **state}, 200 if ready else 503


def _install_error_handlers(app: Flask) -> None:
    @app.errorhandler(TurfmapError)
    def domain_error(error: TurfmapError):
        return _error(error.status, error.code, error.message)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        body, status = _error(error.code, error.name.lower().replace(" ", "_"), error.description)
        # Keep what the error says besides its page, such as a 429's Retry-After.
        extra = [(name, value) for name, value in error.get_headers() if name != "Content-Type"]
        return body, status, extra

    @app.errorhandler(OperationalError)
    @app.errorhandler(DBAPIError)
    def database_unavailable(error: DBAPIError):
        # Connection refused, a restart, a lost connection, SQLite busy past its
        # timeout: nothing the user did, and over in seconds. Anything else a
        # database raises is a bug and stays a 500, logged with its traceback.
        if not isinstance(error, OperationalError) and not error.connection_invalidated:
            raise error
        log.warning("database unavailable: %s", str(error.orig or error).splitlines()[0])
        body, status = _error(
            503,
            "database_unavailable",
            "The database cannot be reached just now; try again in a few seconds.",
        )
        return body, status, {"Retry-After": str(RETRY_AFTER_SECONDS)}


def local_time(when: datetime, tz: str) -> str:
    """A stored (UTC) time on the campaign's clock, as people read it.

    >>> from datetime import UTC
    >>> local_time(datetime(2026, 7, 4, 9, 0, tzinfo=UTC), "Europe/London")
    'Sat 4 Jul 2026, 10:00'
    """
    local = when.astimezone(ZoneInfo(tz))
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M}"


def _wants_json() -> bool:
    path = request.path
    return (
        path.startswith("/api/")
        or path in ("/healthz", "/readyz")
        or path.endswith((".json", ".geojson"))
    )


def _error(status: int, code: str, message: str):
    """One handler for every error: JSON for the API, an HTML page for people."""
    if len(message) > MAX_MESSAGE:
        message = message[:MAX_MESSAGE] + " … (message cut short)"
    if _wants_json():
        return jsonify({"error": {"code": code, "message": message}}), status
    return render_template("error.html", status=status, message=message), status

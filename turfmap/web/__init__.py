"""The web layer: thin blueprints that parse a request, call one function, serialize."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from turfmap.errors import TurfmapError
from turfmap.web import headers
from turfmap.web.json_provider import OrjsonProvider
from turfmap.web.sessions import SessionsOffTheApi


def register_web(app: Flask) -> None:
    from turfmap.web import admin as admin_module
    from turfmap.web import api_sessions, api_volunteer, session_pages  # noqa: F401  (routes)
    from turfmap.web.api import api
    from turfmap.web.pages import pages

    app.json = OrjsonProvider(app)
    app.session_interface = SessionsOffTheApi()
    app.register_blueprint(api)
    app.register_blueprint(pages)
    app.register_blueprint(admin_module.admin)
    admin_module.install(app)
    headers.install(app)
    app.add_template_filter(lambda when: local_time(when, app.config["TURFMAP_TIMEZONE"]), "local")
    app.add_template_filter(datetime.fromisoformat, "fromiso")

    @app.get("/healthz")
    def healthz():
        from turfmap.extensions import services

        index = services().spatial.get()
        return {"status": "ok", "districts_indexed": len(index), "sets": index.set_slugs}

    @app.errorhandler(TurfmapError)
    def domain_error(error: TurfmapError):
        return _error(error.status, error.code, error.message)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        body, status = _error(error.code, error.name.lower().replace(" ", "_"), error.description)
        # Keep what the error says besides its page, such as a 429's Retry-After.
        extra = [(name, value) for name, value in error.get_headers() if name != "Content-Type"]
        return body, status, extra


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
    return path.startswith("/api/") or path == "/healthz" or path.endswith(".json")


def _error(status: int, code: str, message: str):
    """One handler for every error: JSON for the API, an HTML page for people."""
    if _wants_json():
        return jsonify({"error": {"code": code, "message": message}}), status
    return render_template("error.html", status=status, message=message), status

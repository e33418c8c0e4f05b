"""The web layer: thin blueprints that parse a request, call one function, serialize."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from turfmap.errors import TurfmapError
from turfmap.web import headers


def register_web(app: Flask) -> None:
    from turfmap.web import admin as admin_module
    from turfmap.web import api_volunteer  # noqa: F401  (adds its routes to api)
    from turfmap.web.api import api
    from turfmap.web.pages import pages

    app.register_blueprint(api)
    app.register_blueprint(pages)
    app.register_blueprint(admin_module.admin)
    admin_module.install(app)
    headers.install(app)

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
        return _error(error.code, error.name.lower().replace(" ", "_"), error.description)


def _wants_json() -> bool:
    path = request.path
    return path.startswith("/api/") or path == "/healthz" or path.endswith(".json")


def _error(status: int, code: str, message: str):
    """One handler for every error: JSON for the API, an HTML page for people."""
    if _wants_json():
        return jsonify({"error": {"code": code, "message": message}}), status
    return render_template("error.html", status=status, message=message), status

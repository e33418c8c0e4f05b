"""The web layer: thin blueprints that parse a request, call one function, serialize."""

from __future__ import annotations

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException

from turfmap.errors import TurfmapError


def register_web(app: Flask) -> None:
    from turfmap.web import api_volunteer  # noqa: F401  (adds its routes to api)
    from turfmap.web.api import api

    app.register_blueprint(api)

    @app.get("/healthz")
    def healthz():
        from turfmap.extensions import services

        index = services().spatial.get()
        return {"status": "ok", "districts_indexed": len(index), "sets": index.set_slugs}

    @app.errorhandler(TurfmapError)
    def domain_error(error: TurfmapError):
        return jsonify(error.to_dict()), error.status

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if request.path.startswith("/api/") or request.path == "/healthz":
            body = {
                "error": {
                    "code": error.name.lower().replace(" ", "_"),
                    "message": error.description,
                }
            }
            return jsonify(body), error.code
        return error

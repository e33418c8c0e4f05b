"""turfmap: a marginals and turf map service."""

from __future__ import annotations

import sys

from flask import Flask


class RefusedToStart(SystemExit):
    """The configuration is unsafe outside development mode. Exit status 3 is what
    gunicorn's arbiter reads as "worker failed to boot": it stops, rather than
    restarting workers that would refuse again, forever."""

    def __init__(self, problems: list[str]):
        super().__init__(3)
        self.problems = problems

    def __str__(self) -> str:
        return "; ".join(self.problems)


def create_app(test_config: dict | None = None, *, serving: bool = True) -> Flask:
    """Build the Flask app. ``test_config`` overrides settings read from the environment.

    Outside development mode (TURFMAP_DEBUG, or Flask's testing/debug), the app will
    not start without a database URL, nor, when it is to serve the web
    (``serving``), without a strong secret key: it prints why in one line and
    exits. The CLI's commands other than ``serve`` sign nothing, so they are built
    with ``serving=False``.
    """
    from turfmap import extensions
    from turfmap.config import PROJECT_ROOT, read_settings
    from turfmap.web import register_web

    app = Flask(
        __name__,
        instance_relative_config=True,
        static_folder=str(PROJECT_ROOT / "static"),
        template_folder=str(PROJECT_ROOT / "templates"),
    )
    settings = read_settings()
    app.config.from_mapping(settings)
    app.config.from_mapping(
        SECRET_KEY=settings["TURFMAP_SECRET_KEY"],
        TURFMAP_DATABASE_SCHEMA=None,
        MAX_CONTENT_LENGTH=settings["TURFMAP_MAX_UPLOAD_MB"] * 1024 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        # Browsers treat http://localhost as secure, so this holds for `make run` too.
        SESSION_COOKIE_SECURE=settings["TURFMAP_SECURE_COOKIES"],
        REMEMBER_COOKIE_SECURE=settings["TURFMAP_SECURE_COOKIES"],
        REMEMBER_COOKIE_HTTPONLY=True,
        WTF_CSRF_TIME_LIMIT=None,  # a form left open over lunch still submits
    )
    if test_config:
        app.config.update(test_config)
    _development_defaults_or_refuse(app, serving=serving)
    extensions.init_app(app)
    register_web(app)
    return app


def development_mode(app: Flask) -> bool:
    return bool(app.config["TURFMAP_DEBUG"] or app.testing or app.debug)


def _development_defaults_or_refuse(app: Flask, *, serving: bool) -> None:
    from turfmap.config import DEV_DATABASE_URL, DEV_SECRET_KEY, production_problems

    config = app.config
    if development_mode(app):
        config["TURFMAP_DATABASE_URL"] = config["TURFMAP_DATABASE_URL"] or DEV_DATABASE_URL
        config["SECRET_KEY"] = config["SECRET_KEY"] or DEV_SECRET_KEY
        return
    problems = production_problems(config, serving=serving)
    if problems:
        print(f"turfmap will not start: {'; '.join(problems)}", file=sys.stderr, flush=True)
        raise RefusedToStart(problems)

"""turfmap: a marginals and turf map service."""

from __future__ import annotations

from flask import Flask

from turfmap.config import Settings


def create_app(test_config: dict | None = None) -> Flask:
    """Build the Flask app. ``test_config`` overrides settings read from the environment."""
    from turfmap import extensions
    from turfmap.config import PROJECT_ROOT
    from turfmap.web import register_web

    app = Flask(
        __name__,
        instance_relative_config=True,
        static_folder=str(PROJECT_ROOT / "static"),
        template_folder=str(PROJECT_ROOT / "templates"),
    )
    settings = Settings.from_env()
    app.config.from_mapping(
        SECRET_KEY=settings.secret_key,
        TURFMAP_DATABASE_URL=settings.database_url,
        TURFMAP_DATABASE_SCHEMA=None,
        TURFMAP_TARGET_PARTY=settings.target_party,
        TURFMAP_DATA_DIR=settings.data_dir,
        TURFMAP_CACHE_DIR=settings.cache_dir,
        TURFMAP_FETCH_MIRROR=settings.fetch_mirror,
        TURFMAP_INDEX_CHECK_SECONDS=settings.index_check_seconds,
        TURFMAP_ROUTER_URL=settings.router_url,
        TURFMAP_HOLD_WEIGHT=settings.hold_weight,
        TURFMAP_GAIN_WEIGHT=settings.gain_weight,
        TURFMAP_MARGIN_SCALE=settings.margin_scale,
        TURFMAP_TILES=settings.tiles,
        TURFMAP_FRAME_ANCESTORS=settings.frame_ancestors,
        TURFMAP_LOGIN_LIMIT="10 per minute",
        TURFMAP_TIMEZONE=settings.timezone,
        MAX_CONTENT_LENGTH=settings.max_upload_mb * 1024 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        # Browsers treat http://localhost as secure, so this holds for `make run` too.
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        REMEMBER_COOKIE_SECURE=settings.secure_cookies,
        REMEMBER_COOKIE_HTTPONLY=True,
        WTF_CSRF_TIME_LIMIT=None,  # a form left open over lunch still submits
    )
    if test_config:
        app.config.update(test_config)
    extensions.init_app(app)
    register_web(app)
    return app

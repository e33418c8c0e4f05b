"""Response headers every page and API answer gets: CORS for the read-only API,
who may frame what, and gzip for clients that accept it."""

from __future__ import annotations

import gzip
from urllib.parse import urlsplit

from flask import Flask, Response, request

COMPRESSIBLE = (
    "application/json",
    "application/geo+json",
    "text/html",
    "text/css",
    "text/javascript",
    "application/javascript",
)
MIN_GZIP_BYTES = 1024
# Paths whose answers say nothing of their own about caching are not cached.
NEVER_CACHED = ("/api/", "/walk/", "/admin", "/s/")


def install(app: Flask) -> None:
    @app.after_request
    def headers(response: Response) -> Response:
        path = request.path
        if path.startswith("/api/") and request.method in ("GET", "HEAD"):
            response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["X-Content-Type-Options"] = "nosniff"
        if path.startswith(NEVER_CACHED) and "Cache-Control" not in response.headers:
            # Recommendations, commitments, sign-ups, walks, the workspace: answers
            # for one person at one moment; no proxy or CDN may keep them.
            response.headers["Cache-Control"] = "no-store"
        _frame_policy(
            response, path, app.config["TURFMAP_FRAME_ANCESTORS"], app.config["TURFMAP_TILES"]
        )
        return _gzip(response)


def _frame_policy(response: Response, path: str, embed_ancestors: str, tiles: str | None) -> None:
    """/embed may be framed by the sites configured (default any); /admin by none;
    everything else only by turfmap itself."""
    if path == "/embed":
        ancestors = embed_ancestors
    elif path.startswith("/admin"):
        # Admin pages run no inline script and load nothing from elsewhere but the
        # background tiles of the meeting-point picker.
        response.headers["X-Frame-Options"] = "DENY"
        images = " ".join(filter(None, ["'self'", "data:", tile_origin(tiles)]))
        response.headers["Content-Security-Policy"] = (
            f"default-src 'self'; img-src {images}; "
            "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
        )
        response.headers["Referrer-Policy"] = "same-origin"
        return
    else:
        ancestors = "'self'"
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
    response.headers["Content-Security-Policy"] = f"frame-ancestors {ancestors}"


def tile_origin(tiles: str | None) -> str:
    """The CSP source for a tile URL template ('' when there are no tiles).

    >>> tile_origin("https://{s}.tile.example.org/{z}/{x}/{y}.png")
    'https://*.tile.example.org'
    >>> tile_origin(None)
    ''
    """
    if not tiles:
        return ""
    parts = urlsplit(tiles)
    return f"{parts.scheme}://{parts.netloc.replace('{s}', '*')}"


def _gzip(response: Response) -> Response:
    if (
        "gzip" not in request.headers.get("Accept-Encoding", "")
        or response.status_code not in (200, 201)
        or "Content-Encoding" in response.headers
        or response.mimetype not in COMPRESSIBLE
    ):
        return response
    response.direct_passthrough = False  # static files are streamed; read them whole
    data = response.get_data()
    if len(data) < MIN_GZIP_BYTES:
        return response
    response.set_data(gzip.compress(data, 6))
    response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    if response.headers.get("ETag") and not response.headers["ETag"].startswith("W/"):
        # The compressed bytes differ from the identity ones the ETag names.
        response.headers["ETag"] = "W/" + response.headers["ETag"]
    return response

"""Static files through WhiteNoise: fingerprinted, compressed once, cached for a year.

Every ``url_for("static", ...)`` names the file under ``/static/<fingerprint>/``,
where the fingerprint is a hash of the whole static folder: a deploy that changes
any file changes every address, so browsers, a CDN or nginx may keep what they
fetched for a year (``immutable``) and a visitor never mixes two releases' scripts.
Relative references inside a file (leaflet.css's images) stay under the same
prefix. The plain ``/static/<file>`` addresses still answer, cached for a minute,
for anything that was written down without the fingerprint.

Text files are gzipped once, when the app starts, into
``TURFMAP_CACHE_DIR/static/<fingerprint>/`` (a folder per release, so servers on
two releases never overwrite each other's copies), and WhiteNoise sends those bytes
to every client that accepts gzip: nothing is compressed per request.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import os
from pathlib import Path
from wsgiref.headers import Headers

from flask import Flask
from whitenoise import WhiteNoise
from whitenoise.responders import StaticFile

log = logging.getLogger(__name__)
COMPRESSED_SUFFIXES = (".js", ".css", ".svg", ".json", ".html", ".txt", ".map")
UNVERSIONED_MAX_AGE = 60  # seconds
MIN_COMPRESS_BYTES = 512  # smaller files gain nothing worth a second request header


def fingerprint(folder: Path) -> str:
    """Twelve hex digits that change whenever any file in ``folder`` does."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


class CompressedOnce(WhiteNoise):
    """WhiteNoise looking for each file's gzipped copy in our cache folder rather
    than beside the file, so the source tree (perhaps read-only) holds no copies."""

    def __init__(self, application, *, compressed: dict[str, str], **options):
        self._compressed = compressed  # source path -> its gzipped copy
        super().__init__(application, **options)

    def get_static_file(self, path, url, stat_cache=None):
        headers = Headers([])
        self.add_mime_headers(headers, path, url)
        self.add_cache_headers(headers, path, url)
        if self.allow_all_origins:
            headers["Access-Control-Allow-Origin"] = "*"
        # As every other answer of turfmap's (web/headers.py).
        headers["X-Content-Type-Options"] = "nosniff"
        gzipped = self._compressed.get(path)
        encodings = {"gzip": gzipped} if gzipped else None
        return StaticFile(path, headers.items(), encodings=encodings, stat_cache=None)


def compress_once(folder: Path, into: Path) -> dict[str, str]:
    """{source path: gzipped copy} for the folder's text files, written into
    ``into`` where missing (atomically, so two servers starting together agree)."""
    copies = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.suffix not in COMPRESSED_SUFFIXES or path.stat().st_size < MIN_COMPRESS_BYTES:
            continue
        target = into / (path.relative_to(folder).as_posix() + ".gz")
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(f"{target.name}.{os.getpid()}.part")
            # mtime=0: the same bytes on every server, so every server's ETag agrees.
            partial.write_bytes(gzip.compress(path.read_bytes(), 9, mtime=0))
            os.replace(partial, target)
        copies[str(path)] = str(target)
    return copies


def install(app: Flask) -> str:
    """Serve the static folder through WhiteNoise and make ``url_for("static")``
    give fingerprinted addresses; returns the fingerprint."""
    folder = Path(app.static_folder)
    version = fingerprint(folder)
    cache = Path(app.config["TURFMAP_CACHE_DIR"]) / "static" / version
    try:
        compressed = compress_once(folder, cache)
    except OSError as error:
        # A read-only install without a writable cache folder still serves every
        # file, only uncompressed; the log says why, once, at start-up.
        log.warning(
            "static files go out uncompressed: cannot write their gzipped copies to %s (%s); "
            "set TURFMAP_CACHE_DIR to a writable folder",
            cache,
            error.strerror or error,
        )
        compressed = {}
    versioned = f"/static/{version}/"
    app.wsgi_app = CompressedOnce(
        app.wsgi_app,
        compressed=compressed,
        max_age=UNVERSIONED_MAX_AGE,
        immutable_file_test=lambda _path, url: url.startswith(versioned),
    )
    app.wsgi_app.add_files(str(folder), prefix="static/")
    app.wsgi_app.add_files(str(folder), prefix=f"static/{version}/")

    @app.url_defaults
    def fingerprinted(endpoint, values):
        if endpoint == "static" and "filename" in values:
            values["filename"] = f"{version}/{values['filename']}"

    app.extensions["turfmap.static_version"] = version
    return version

"""The walk page and its API: one turf, reached by its link and nothing else.

The page is an installable web app: static/walk-sw.js caches the page, its
scripts and the turf, and static/walk.js keeps outcomes in IndexedDB until they
are sent, each with an id made on the phone, so a retry never counts twice."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import (
    Blueprint,
    Response,
    current_app,
    jsonify,
    render_template,
    request,
    send_from_directory,
    url_for,
)

from turfmap.coordination import canvass
from turfmap.errors import InputError
from turfmap.extensions import services
from turfmap.web.walk_sheet import walk_sheet_pdf

walk = Blueprint("walk", __name__)


def _open(session, token: str) -> canvass.Walk:
    return canvass.open_walk(session, token, datetime.now(UTC))


@walk.get("/walk/sw.js")
def service_worker():
    """Served from /walk/ so that its scope is every walk page and nothing else."""
    response = send_from_directory(current_app.static_folder, "walk-sw.js",
                                   mimetype="text/javascript")  # fmt: skip
    response.headers["Cache-Control"] = "no-cache"
    return response


@walk.get("/walk/<token>")
def walk_page(token: str):
    with services().db.session() as session:
        data = canvass.walk_data(session, _open(session, token))
    return render_template("walk.html", token=token, turf=data["turf"], outcomes=data["outcomes"],
                           tiles=current_app.config["TURFMAP_TILES"])  # fmt: skip


@walk.get("/walk/<token>/turf.json")
def walk_turf(token: str):
    with services().db.session() as session:
        data = canvass.walk_data(session, _open(session, token))
    response = jsonify(data)
    response.headers["Cache-Control"] = "no-store"  # the service worker keeps its own copy
    return response


@walk.post("/walk/<token>/outcomes")
def walk_outcomes(token: str):
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InputError('the body must be a JSON object: {"outcomes": [...]}')
    with services().db.transaction() as session:
        stored = canvass.record_outcomes(
            session,
            _open(session, token),
            body.get("outcomes"),
            datetime.now(UTC),
            current_app.config["TURFMAP_TIMEZONE"],
        )
    return jsonify(stored)


@walk.get("/walk/<token>/manifest.webmanifest")
def walk_manifest(token: str):
    with services().db.session() as session:
        turf = _open(session, token).turf
        name = f"Turf {turf.number}, {turf.district_code}"
    manifest = {
        "name": f"turfmap: {name}",
        "short_name": f"Turf {turf.number}",
        "start_url": url_for("walk.walk_page", token=token),
        "scope": "/walk/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#1d4f91",
        "icons": [
            {
                "src": url_for("static", filename="walk-icon.svg"),
                "sizes": "any",
                "type": "image/svg+xml",
            }
        ],  # fmt: skip
    }
    response = jsonify(manifest)
    response.mimetype = "application/manifest+json"
    return response


@walk.get("/walk/<token>/sheet.pdf")
def walk_sheet(token: str):
    with services().db.session() as session:
        data = canvass.walk_data(session, _open(session, token))
    name = f"turf-{data['turf']['number']}.pdf"
    disposition = {"Content-Disposition": f"inline; filename={name}"}
    return Response(walk_sheet_pdf(data), mimetype="application/pdf", headers=disposition)

"""HTML pages: the map, district pages (each with a .json twin) and the embeds."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, Response, current_app, g, render_template, request, url_for

from turfmap import lookup
from turfmap.errors import InputError, shown
from turfmap.extensions import map_state, services
from turfmap.web.charts import need_steps
from turfmap.web.clock import board, today
from turfmap.web.language import page_words
from turfmap.web.mappage import folium_parts, inlined
from turfmap.web.payloads import Payload, payload_response

pages = Blueprint("pages", __name__)

THEMES = ("light", "dark")


@pages.get("/")
def home():
    return _map_page(embed=False)


@pages.get("/embed")
def embed():
    return _map_page(embed=True)


def _map_page(*, embed: bool):
    """Every first visit asks for this page, so each worker renders each version of
    it (set, theme, language, focus) once, until what it shows changes: the
    versions the worker holds (index, needs) or the day."""
    theme = request.args.get("theme", "light")
    if theme not in THEMES:
        raise InputError(f"theme={shown(theme)} must be one of {', '.join(THEMES)}")
    focus = request.args.get("focus") or None
    requested = request.args.get("set") or None
    index, need_board = services().spatial.get(), board()
    if focus:
        with services().reads.session() as session:
            lookup.district_detail(session, need_board, focus)  # 404 for an unknown code
    key = ("page", embed, theme, requested, focus, g.language, today(), map_state(services()))
    payload = services().answers.get(key)
    if payload is None:
        html = _render_map_page(index, need_board, embed, theme, requested, focus)
        payload = services().answers.put(key, Payload(html.encode()))
    return payload_response(payload, "text/html")


def _render_map_page(index, need_board, embed, theme, requested, focus) -> str:
    with services().reads.session() as session:
        main, children = lookup.map_sets(session, index, requested)
        # The first view in the page itself, unless the map opens on one district.
        overview = None
        if main and not focus:
            overview = lookup.map_overview(session, index, need_board, main)
    config = {
        "api": url_for("api.sets").rsplit("/sets", 1)[0],
        "page_base": "",
        "set": main,
        "ward_set": children.get(main),
        "children": children,
        # Opened on a named set: searches stay in it; otherwise each search is
        # answered from the set that covers its origin, and the map follows.
        "set_fixed": requested is not None,
        "focus": focus,
        "embed": embed,
        "language": g.language,  # the API is asked for its sentences in it
        # Where a result with no session asks for a host (the workspace's proposal form).
        "host_url": url_for("admin.session_new"),
        # The embed snippets' address: the configured public URL, else the page's
        # own origin as the browser sees it; never the request's Host header.
        "public_url": current_app.config["TURFMAP_PUBLIC_URL"],
    }
    return render_template(
        "map.html",
        title="turfmap" if not embed else "turfmap map",
        embed=embed,
        theme=theme,
        config=config,
        folium=folium_parts(tiles=current_app.config["TURFMAP_TILES"]),
        overview=overview,
        inlined=inlined,
    )


@pages.get("/embed.js")
def embed_js():
    body = render_template("embed.js")
    response = Response(body, mimetype="text/javascript")
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    return response


@pages.get("/d/<code>")
def district(code: str):
    if code.endswith(".json"):
        return district_json(code.removesuffix(".json"))
    now = datetime.now(UTC)
    with services().reads.session() as session:
        data = lookup.district_page(session, board(), code, now, page_words())
    points, marks = need_steps(data["need_history"], now)
    return render_template(
        "district.html",
        d=data,
        chart={"points": points, "marks": marks},
        tiles=current_app.config["TURFMAP_TILES"],
    )


def district_json(code: str):
    with services().reads.session() as session:
        return lookup.district_page(session, board(), code, datetime.now(UTC), page_words())

"""HTML pages: the map, district pages (each with a .json twin) and the embeds."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask import Blueprint, Response, current_app, render_template, request, url_for

from turfmap import lookup
from turfmap.errors import InputError
from turfmap.extensions import services
from turfmap.web.mappage import folium_parts

pages = Blueprint("pages", __name__)

THEMES = ("light", "dark")


@pages.get("/")
def home():
    return _map_page(embed=False)


@pages.get("/embed")
def embed():
    return _map_page(embed=True)


def _map_page(*, embed: bool):
    theme = request.args.get("theme", "light")
    if theme not in THEMES:
        raise InputError(f"theme={theme!r} must be one of {', '.join(THEMES)}")
    focus = request.args.get("focus") or None
    index = services().spatial.get()
    with services().db.session() as session:
        main, wards = lookup.map_sets(session, index, request.args.get("set") or None)
        if focus:
            lookup.district_detail(session, focus, date.today())  # 404 for an unknown code
    config = {
        "api": url_for("api.sets").rsplit("/sets", 1)[0],
        "page_base": "",
        "set": main,
        "ward_set": wards,
        "focus": focus,
    }
    return render_template(
        "map.html",
        title="turfmap" if not embed else "turfmap map",
        embed=embed,
        theme=theme,
        config=config,
        folium=folium_parts(tiles=current_app.config["TURFMAP_TILES"]),
        snippets=_snippets(main),
    )


def _snippets(set_slug: str | None) -> dict:
    base = request.host_url.rstrip("/")
    query = f"?set={set_slug}" if set_slug else ""
    iframe = (
        f'<iframe src="{base}/embed{query}" title="turfmap: where canvassing matters '
        f'most" style="width:100%;height:520px;border:0" loading="lazy"></iframe>'
    )
    data_set = f' data-set="{set_slug}"' if set_slug else ""
    script = (
        f'<div id="turfmap"></div>\n<script src="{base}/embed.js" data-target="turfmap"'
        f"{data_set} async></script>\n<noscript>{iframe}</noscript>"
    )
    return {"iframe": iframe, "script": script}


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
    with services().db.session() as session:
        data = lookup.district_page(session, code, date.today(), datetime.now(UTC))
    return render_template("district.html", d=data)


def district_json(code: str):
    with services().db.session() as session:
        return lookup.district_page(session, code, date.today(), datetime.now(UTC))

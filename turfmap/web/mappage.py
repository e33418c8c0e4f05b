"""The map page: folium builds the Leaflet map; static/map.js fetches the shapes by
URL and draws the choropleth, so no full geometry is ever embedded in the page.

A slow phone pays seconds for every request (Slow 3G: 2 s before the first byte),
so the page is one request until it is usable: its styles and its first scripts
are inlined (inlined()), with a coarse drawing of the districts
(lookup.map_overview), and Leaflet and the map's scripts load without blocking it.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import folium
from flask import current_app, url_for
from markupsafe import Markup

DEFAULT_CENTRE = (54.5, -3.0)
DEFAULT_ZOOM = 5
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'


def folium_parts(*, tiles: str | None, centre=DEFAULT_CENTRE, zoom=DEFAULT_ZOOM) -> dict:
    """Header, body and script of a folium map, for templates/map.html to place.
    The same for every visitor, so made once per set of arguments (folium names
    its map at random: a new one each time would also defeat caching the page)."""
    script = url_for("static", filename="vendor/leaflet/leaflet.js")
    sheet = url_for("static", filename="vendor/leaflet/leaflet.css")
    return _folium_parts(tiles, centre, zoom, script, sheet)


@cache
def _folium_parts(tiles: str | None, centre, zoom, script: str, sheet: str) -> dict:
    leaflet = folium.Map(
        location=list(centre),
        zoom_start=zoom,
        tiles=None,
        prefer_canvas=True,
        control_scale=True,
        zoom_snap=0.25,  # so that a fitted view fills the map, not the zoom level below
    )
    # Leaflet from our own static folder: the map must work with no network.
    leaflet.default_js = [("leaflet", script)]
    leaflet.default_css = [("leaflet_css", sheet)]
    if tiles:
        folium.TileLayer(
            tiles=tiles,
            # folium insists on an attribution; for other tiles name their host.
            attr=OSM_ATTRIBUTION if tiles == OSM_TILES else f"Tiles: {urlsplit(tiles).netloc}",
            name="Background",
            max_zoom=19,
        ).add_to(leaflet)
    figure = leaflet.get_root()
    figure.render()
    header = _not_blocking(figure.header.render())
    # folium forbids pinch-zoom of the page; people with low vision need it.
    header = re.sub(
        r'<meta name="viewport"[^>]*>',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        header,
    )
    return {
        "header": header,
        "html": figure.html.render(),
        "script": figure.script.render(),
        "name": leaflet.get_name(),
    }


def _not_blocking(header: str) -> str:
    """folium's header with Leaflet's script deferred and its stylesheet loaded
    without holding up the page's first drawing (the page's own styles are inlined)."""
    header, scripts = re.subn(r"<script src=", "<script defer src=", header)
    # A stylesheet for print is fetched without blocking; once in, it is for all.
    not_blocking = """<link rel="stylesheet" \\1 media="print" onload="this.media='all'">"""
    header, sheets = re.subn(
        r'<link rel="stylesheet" (href="[^"]*leaflet\.css")\s*/?>', not_blocking, header
    )
    if scripts != 1 or sheets != 1:
        raise RuntimeError("folium's header has changed: Leaflet would block the map page")
    return header


def inlined(*names: str) -> Markup:
    """The text of static files, one after another, to put inside the page itself
    (each file stays the one place its code or styles are written)."""
    return Markup("\n".join(_static_text(current_app.static_folder, n) for n in names))


@cache
def _static_text(folder: str, name: str) -> str:
    return (Path(folder) / name).read_text(encoding="utf-8")

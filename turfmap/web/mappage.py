"""The map page: folium builds the Leaflet map; static/map.js fetches the shapes by
URL and draws the choropleth, so no geometry is ever embedded in the page."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import folium
from flask import url_for

DEFAULT_CENTRE = (54.5, -3.0)
DEFAULT_ZOOM = 5
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'


def folium_parts(*, tiles: str | None, centre=DEFAULT_CENTRE, zoom=DEFAULT_ZOOM) -> dict:
    """Header, body and script of a folium map, for templates/map.html to place."""
    leaflet = folium.Map(
        location=list(centre),
        zoom_start=zoom,
        tiles=None,
        prefer_canvas=True,
        control_scale=True,
        zoom_snap=0.25,  # so that a fitted view fills the map, not the zoom level below
    )
    # Leaflet from our own static folder: the map must work with no network.
    leaflet.default_js = [("leaflet", url_for("static", filename="vendor/leaflet/leaflet.js"))]
    leaflet.default_css = [
        ("leaflet_css", url_for("static", filename="vendor/leaflet/leaflet.css"))
    ]
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
    header = figure.header.render()
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

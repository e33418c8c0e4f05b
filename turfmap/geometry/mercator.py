"""Web Mercator (EPSG:3857), the projection every web map here draws in: the
spatial index measures in it, and the map's first drawing (overview.py) is laid
out in it so that it lines up with Leaflet's."""

from __future__ import annotations

import math

import numpy as np

EARTH_RADIUS = 6_378_137.0  # the sphere Web Mercator is defined on
# Web Mercator's edge: the poles themselves are infinitely far north and south.
MAX_MERCATOR_LAT = 85.05112878


def mercator_xy(lon, lat):
    """Web Mercator (EPSG:3857) metres from degrees, for one point (math: ~10x
    quicker than a pyproj call) or numpy arrays (the outlines, at build time).
    Latitudes beyond the projection's edge are taken at the edge.

    >>> [round(v, 2) for v in mercator_xy(-2.2, 53.4)]
    [-244902.88, 7057332.57]
    >>> mercator_xy(-180.0, -90.0) == mercator_xy(-180.0, -MAX_MERCATOR_LAT)
    True
    """
    if isinstance(lon, np.ndarray):
        lat = np.clip(lat, -MAX_MERCATOR_LAT, MAX_MERCATOR_LAT)
        return EARTH_RADIUS * np.radians(lon), EARTH_RADIUS * np.log(
            np.tan(np.pi / 4 + np.radians(lat) / 2)
        )
    lat = min(max(lat, -MAX_MERCATOR_LAT), MAX_MERCATOR_LAT)
    return EARTH_RADIUS * math.radians(lon), EARTH_RADIUS * math.log(
        math.tan(math.pi / 4 + math.radians(lat) / 2)
    )


def lonlat(x: float, y: float) -> tuple[float, float]:
    """Degrees from Web Mercator metres: the inverse of mercator_xy.

    >>> [round(v, 6) for v in lonlat(*mercator_xy(-2.2, 53.4))]
    [-2.2, 53.4]
    """
    return math.degrees(x / EARTH_RADIUS), math.degrees(
        2 * math.atan(math.exp(y / EARTH_RADIUS)) - math.pi / 2
    )

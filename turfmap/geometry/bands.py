"""Zoom bands: each district is stored simplified once per band at import time
(pipeline/simplify.py), and the map is served the band for its zoom."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Band:
    number: int
    label: str
    max_zoom: int  # the highest web-map zoom this band is served for
    tolerance_m: float
    # Coordinate decimals when serialised (1e-3 degrees is ~110 m, 1e-4 ~10 m): well
    # under the band's tolerance and under a pixel at its highest zoom (at zoom 7 a
    # pixel is ~1.2 km), so rounding adds nothing a map could show.
    decimals: int


BANDS = (
    Band(0, "country", 7, 1500.0, 3),
    Band(1, "region", 10, 300.0, 5),
    Band(2, "local", 12, 60.0, 5),
)
FULL_DETAIL_DECIMALS = 6  # above the last band's max_zoom the full geometry is served


def band_for_zoom(zoom: float | None) -> Band | None:
    """The band to serve at ``zoom``; None means the full geometry.

    >>> band_for_zoom(5).label, band_for_zoom(9).label, band_for_zoom(12).label
    ('country', 'region', 'local')
    >>> band_for_zoom(15) is None
    True
    >>> band_for_zoom(None).label
    'country'
    """
    if zoom is None:
        return BANDS[0]
    for band in BANDS:
        if zoom <= band.max_zoom:
            return band
    return None


METRES_PER_DEGREE_LATITUDE = 111_320.0

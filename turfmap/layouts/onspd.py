"""The ONS Postcode Directory (ONSPD) CSV: one row per postcode ever issued, with
its end date (doterm) once terminated and its latitude and longitude. A postcode
with no grid reference has latitude 99.999999 (and longitude 0). The postcode
rule is the UK's (turfmap/postcode.py): the form it is stored and looked up in."""

from __future__ import annotations

import math

from turfmap.errors import InputError
from turfmap.postcode import normalise_postcode


class OnspdPostcodes:
    key = "onspd"
    description = "ONS Postcode Directory CSV (pcds, doterm, lat, long)"
    columns = ("pcds", "doterm", "lat", "long")
    no_location_lat = "99.999999"

    def is_live(self, row) -> bool:
        return not row.doterm.strip()

    def postcode(self, row) -> str | None:
        return normalise_postcode(row.pcds)

    def location(self, row, line: int) -> tuple[float, float] | None:
        """(lat, lon), None for ONSPD's "no location", or an error naming the line.

        >>> from types import SimpleNamespace as Row
        >>> onspd = OnspdPostcodes()
        >>> onspd.location(Row(lat="57.14", long="-2.1"), 2)
        (57.14, -2.1)
        >>> onspd.location(Row(lat="99.999999", long="0.000000"), 3) is None
        True
        >>> onspd.location(Row(lat="999", long="-2.1"), 4)
        Traceback (most recent call last):
        turfmap.errors.InputError: line 4, column 'lat': '999' is not a latitude from -90 to 90
        >>> onspd.location(Row(lat="57.1", long="nan"), 5)
        Traceback (most recent call last):
        turfmap.errors.InputError: line 5, column 'long': 'nan' is not a longitude from -180 to 180
        """
        if row.lat.strip() == self.no_location_lat:
            return None
        lat = _coordinate(row.lat, line, "lat", "latitude", 90)
        lon = _coordinate(row.long, line, "long", "longitude", 180)
        return lat, lon


def _coordinate(text: str, line: int, column: str, what: str, bound: float) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or not -bound <= value <= bound:
        raise InputError(
            f"line {line}, column {column!r}: {text[:40]!r} is not a {what} "
            f"from -{bound} to {bound}"
        )
    return value

"""Query-string parsing that names the parameter and value it refuses."""

from __future__ import annotations

import math
import re
from datetime import date

from turfmap.errors import InputError, shown

_WHOLE = re.compile(r"-?[0-9]{1,9}")  # ASCII digits: str.isdigit() takes '²' too


def given(args, name: str, *, required: bool = False):
    """The value sent for ``name``, None when it was left out. Sent empty is not
    left out (the document has no such value): it is refused, saying so.

    >>> given({"zoom": ""}, "zoom")
    Traceback (most recent call last):
    turfmap.errors.InputError: zoom is empty: give a value, or leave it out
    """
    raw = args.get(name)
    if raw is None:
        if required:
            raise InputError(f"{name} is required")
        return None
    if raw == "":
        raise InputError(f"{name} is empty: give a value, or leave it out")
    return raw


def number(
    args, name: str, *, low: float, high: float, required: bool = True, default: float | None = None
) -> float | None:
    """A finite number within [low, high] from query string ``args``.

    >>> number({"lat": "57.1"}, "lat", low=-90, high=90)
    57.1
    >>> number({"lat": "north"}, "lat", low=-90, high=90)
    Traceback (most recent call last):
    turfmap.errors.InputError: lat='north' is not a number
    >>> number({"lat": "91"}, "lat", low=-90, high=90)
    Traceback (most recent call last):
    turfmap.errors.InputError: lat=91 is out of range: it must be between -90 and 90
    """
    raw = given(args, name, required=required)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise InputError(f"{name}={shown(raw)} is not a number") from None
    if not math.isfinite(value) or not low <= value <= high:
        raise InputError(
            f"{name}={shown(raw, quote=False)} is out of range: "
            f"it must be between {low:g} and {high:g}"
        )
    return value


def bbox(args, name: str = "bbox") -> tuple[tuple[float, float, float, float], ...] | None:
    """``bbox=west,south,east,north`` in degrees as the boxes it covers, or None when
    absent. A map's view may run past the world's edge (Leaflet's does at low zooms):
    each side is kept within it. West beyond east crosses the antimeridian, as in
    RFC 7946, and is two boxes; the two latitudes may come in either order.

    >>> bbox({"bbox": "-3,55,-2,56"})
    ((-3.0, 55.0, -2.0, 56.0),)
    >>> bbox({"bbox": "-540,-100,540,100"})
    ((-180.0, -90.0, 180.0, 90.0),)
    >>> bbox({"bbox": "170,50,-170,60"})
    ((170.0, 50.0, 180.0, 60.0), (-180.0, 50.0, -170.0, 60.0))
    >>> bbox({"bbox": "1,2,3"})
    Traceback (most recent call last):
    turfmap.errors.InputError: bbox='1,2,3' must be four numbers: west,south,east,north
    """
    raw = given(args, name)
    if raw is None:
        return None
    parts = raw.split(",")
    problem = f"{name}={shown(raw)} must be four numbers: west,south,east,north"
    if len(parts) != 4:
        raise InputError(problem)
    try:
        west, south, east, north = (float(p) for p in parts)
    except ValueError:
        raise InputError(problem) from None
    if not all(math.isfinite(v) for v in (west, south, east, north)):
        raise InputError(problem)
    south, north = sorted((max(-90.0, min(90.0, south)), max(-90.0, min(90.0, north))))
    if east - west >= 360:
        return ((-180.0, south, 180.0, north),)
    west, east = _wrapped(west), _wrapped(east)
    if west <= east:
        return ((west, south, east, north),)
    return ((west, south, 180.0, north), (-180.0, south, east, north))


def _wrapped(longitude: float) -> float:
    """A longitude within [-180, 180], the same meridian.

    >>> _wrapped(190.0), _wrapped(-180.0), _wrapped(180.0), _wrapped(-200.0)
    (-170.0, -180.0, 180.0, 160.0)
    """
    if -180 <= longitude <= 180:
        return longitude
    return (longitude + 180) % 360 - 180


def choice(args, name: str, *, options: tuple[str, ...], default: str) -> str:
    """One of ``options``.

    >>> choice({"mode": "bus"}, "mode", options=("walk", "transit"), default="walk")
    Traceback (most recent call last):
    turfmap.errors.InputError: mode='bus' must be one of walk, transit
    """
    raw = given(args, name)
    if raw is None:
        return default
    if raw not in options:
        raise InputError(f"{name}={shown(raw)} must be one of {', '.join(options)}")
    return raw


def text(
    args,
    name: str,
    *,
    required: bool = False,
    min_length: int = 0,
    max_length: int,
    pattern: re.Pattern | None = None,
    expected: str = "",
) -> str | None:
    """A string of at most ``max_length`` characters; where a ``pattern`` is given,
    one it finds (as a JSON Schema ``pattern`` does: a search, not a full match).

    >>> text({"q": "Hendon"}, "q", min_length=2, max_length=100)
    'Hendon'
    >>> text({"q": "x"}, "q", min_length=2, max_length=100)
    Traceback (most recent call last):
    turfmap.errors.InputError: q='x' must have 2 to 100 characters
    >>> text({"p": "hello"}, "p", max_length=16, pattern=re.compile("^[0-9]+$"), expected="digits")
    Traceback (most recent call last):
    turfmap.errors.InputError: p='hello' is not digits
    """
    raw = given(args, name, required=required)
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise InputError(f"{name}: {shown(raw)} is not a string")
    if not min_length <= len(raw) <= max_length:
        raise InputError(f"{name}={shown(raw)} must have {min_length} to {max_length} characters")
    if pattern is not None and not pattern.search(raw):
        raise InputError(f"{name}={shown(raw)} is not {expected or 'in the expected form'}")
    return raw


def calendar_day(raw: str, name: str) -> date:
    """
    >>> calendar_day("2026-12-03", "day")
    datetime.date(2026, 12, 3)
    >>> calendar_day("2026-02-30", "day")
    Traceback (most recent call last):
    turfmap.errors.InputError: day='2026-02-30' is not a date (YYYY-MM-DD)
    """
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InputError(f"{name}={shown(raw)} is not a date (YYYY-MM-DD)") from None


FLAG_VALUES = ("1", "0", "true", "false", "yes", "no")


def flag(args, name: str) -> bool:
    """A yes/no query parameter, absent meaning no.

    >>> flag({"short_walks": "1"}, "short_walks"), flag({}, "short_walks")
    (True, False)
    >>> flag({"x": "perhaps"}, "x")
    Traceback (most recent call last):
    turfmap.errors.InputError: x='perhaps' must be one of 1, 0, true, false, yes, no
    """
    raw = given(args, name)
    if raw is None:
        return False
    if raw not in FLAG_VALUES:
        raise InputError(f"{name}={shown(raw)} must be one of {', '.join(FLAG_VALUES)}")
    return raw in ("1", "true", "yes")


def whole_number(args, name: str, *, low: int, high: int, default: int) -> int:
    """
    >>> whole_number({"limit": "100000"}, "limit", low=1, high=50, default=5)
    Traceback (most recent call last):
    turfmap.errors.InputError: limit=100000 is out of range: it must be between 1 and 50
    >>> whole_number({"limit": "2.5"}, "limit", low=1, high=50, default=5)
    Traceback (most recent call last):
    turfmap.errors.InputError: limit='2.5' is not a whole number
    >>> whole_number({"limit": "--5"}, "limit", low=1, high=50, default=5)
    Traceback (most recent call last):
    turfmap.errors.InputError: limit='--5' is not a whole number
    """
    raw = given(args, name)
    if raw is None:
        return default
    if not _WHOLE.fullmatch(raw.strip()):
        raise InputError(f"{name}={shown(raw)} is not a whole number")
    value = int(raw)
    if not low <= value <= high:
        raise InputError(
            f"{name}={shown(raw, quote=False)} is out of range: it must be between {low} and {high}"
        )
    return value

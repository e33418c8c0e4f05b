"""Query-string parsing that names the parameter and value it refuses."""

from __future__ import annotations

import math
import re

from turfmap.errors import InputError, shown

_WHOLE = re.compile(r"-?[0-9]{1,9}")  # ASCII digits: str.isdigit() takes '²' too


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
    raw = args.get(name)
    if raw is None or raw == "":
        if required:
            raise InputError(f"{name} is required")
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


def bbox(args, name: str = "bbox") -> tuple[float, float, float, float] | None:
    """``bbox=west,south,east,north`` in degrees, or None when absent.

    >>> bbox({"bbox": "-3,55,-2,56"})
    (-3.0, 55.0, -2.0, 56.0)
    >>> bbox({"bbox": "1,2,3"})
    Traceback (most recent call last):
    turfmap.errors.InputError: bbox='1,2,3' must be four numbers: west,south,east,north
    """
    raw = args.get(name)
    if not raw:
        return None
    parts = raw.split(",")
    if len(parts) != 4:
        raise InputError(f"{name}={shown(raw)} must be four numbers: west,south,east,north")
    try:
        west, south, east, north = (float(p) for p in parts)
    except ValueError:
        raise InputError(
            f"{name}={shown(raw)} must be four numbers: west,south,east,north"
        ) from None
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise InputError(
            f"{name}={shown(raw)} is not a box: need -180 <= west < east <= 180 "
            "and -90 <= south < north <= 90"
        )
    return west, south, east, north


def flag(args, name: str) -> bool:
    """A yes/no query parameter.

    >>> flag({"short_walks": "1"}, "short_walks"), flag({}, "short_walks")
    (True, False)
    >>> flag({"x": "perhaps"}, "x")
    Traceback (most recent call last):
    turfmap.errors.InputError: x='perhaps' must be one of 1, 0, true, false, yes, no
    """
    raw = (args.get(name) or "").strip().lower()
    if raw in ("", "0", "false", "no"):
        return False
    if raw in ("1", "true", "yes"):
        return True
    raise InputError(f"{name}={shown(args.get(name))} must be one of 1, 0, true, false, yes, no")


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
    raw = args.get(name)
    if raw is None or raw == "":
        return default
    if not _WHOLE.fullmatch(raw.strip()):
        raise InputError(f"{name}={shown(raw)} is not a whole number")
    value = int(raw)
    if not low <= value <= high:
        raise InputError(
            f"{name}={shown(raw, quote=False)} is out of range: it must be between {low} and {high}"
        )
    return value

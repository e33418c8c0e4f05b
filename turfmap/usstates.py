"""US states by FIPS code and USPS abbreviation (data/us_states.csv), and the
names people use for congressional and state legislative districts.

>>> district_name("42", "03"), district_name("02", "00"), district_name("11", "98")
('PA-03', 'AK-AL', 'DC-AL')
>>> long_name("PA-03"), long_name("AK-AL"), long_name("Hendon")
("Pennsylvania's 3rd congressional district", "Alaska's at-large congressional district", None)
>>> district_name("42", "012", chamber="upper"), long_name("PA-SD-012")
('PA-SD-012', "Pennsylvania's 12th state senate district")
"""

from __future__ import annotations

import csv
import re
from functools import cache

from turfmap.config import PROJECT_ROOT

TABLE = PROJECT_ROOT / "data" / "us_states.csv"
AT_LARGE = {"00", "98", "ZZ"}  # at-large seats and non-voting delegates in Census files
CHAMBERS = {"upper": ("SD", "state senate"), "lower": ("HD", "state house")}
_NAME = re.compile(r"^([A-Z]{2})-(?:(SD|HD)-)?(\d{1,3}|AL)$")


@cache
def states() -> dict[str, tuple[str, str]]:
    """{fips: (usps, name)}"""
    with TABLE.open(newline="", encoding="utf-8") as handle:
        return {row["fips"]: (row["usps"], row["name"]) for row in csv.DictReader(handle)}


@cache
def fips_of() -> dict[str, str]:
    """{usps: fips}"""
    return {usps: fips for fips, (usps, _) in states().items()}


def district_name(state_fips: str, district: str, chamber: str | None = None) -> str | None:
    """'PA-03' for Pennsylvania's 3rd congressional district ('PA-SD-012' for a
    state senate district), or None for a state the table does not know."""
    found = states().get(str(state_fips).zfill(2))
    if found is None:
        return None
    district = str(district).strip()
    number = "AL" if district in AT_LARGE else district
    if chamber is None:
        return f"{found[0]}-{number}"
    return f"{found[0]}-{CHAMBERS[chamber][0]}-{number}"


def long_name(name: str) -> str | None:
    """The name in words, for search and for a screen reader; None if ``name`` is
    not one district_name() makes."""
    match = _NAME.match(name)
    if not match:
        return None
    usps, chamber, number = match.groups()
    fips = fips_of().get(usps)
    if fips is None:
        return None
    state = states()[fips][1]
    body = {"SD": "state senate", "HD": "state house"}.get(chamber, "congressional")
    which = "at-large" if number == "AL" else _ordinal(int(number))
    return f"{state}'s {which} {body} district"


def _ordinal(n: int) -> str:
    """
    >>> [_ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 112)]
    ['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd', '112th']
    """
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"

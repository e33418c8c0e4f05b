"""UK postcode normalisation (pure; used by the importer and the web lookups)."""

from __future__ import annotations

import re

_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")
# A postcode as people type it, for the API's parameters and document: either
# case, spaces around and between its halves. Whatever it finds normalises.
TYPED_POSTCODE = re.compile(r"^ *[A-Za-z]{1,2}[0-9][A-Za-z0-9]? *[0-9][A-Za-z]{2} *$")


def normalise_postcode(raw: str) -> str | None:
    """The postcode in its standard form, or None if it cannot be one.

    >>> normalise_postcode("ab101aa")
    'AB10 1AA'
    >>> normalise_postcode("  AB1   0AA ")
    'AB1 0AA'
    >>> normalise_postcode("SW1A1AA")
    'SW1A 1AA'
    >>> normalise_postcode("hello") is None
    True
    """
    compact = re.sub(r"\s+", "", raw or "").upper()
    match = _POSTCODE.match(compact)
    return f"{match.group(1)} {match.group(2)}" if match else None

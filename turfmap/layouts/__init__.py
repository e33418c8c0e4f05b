"""Publishers' layouts, one file each, in an open registry.

A results layout is a small declarative class (see base.py): which columns it
has, what contest its figures come from, how a row becomes a result. A
boundary-field layout (fields.py) says how a publisher names the fields of a
district's code and name. Adding one is a new file here and a line in RESULTS or
BOUNDARY_FIELDS; the CLI's help and the README list what is here.
"""

from __future__ import annotations

from turfmap.errors import InputError
from turfmap.layouts.base import ParsedResult, ResultsLayout
from turfmap.layouts.census_fields import CensusFields
from turfmap.layouts.fields import BoundaryFields
from turfmap.layouts.hoc_ge import HocGeneralElection
from turfmap.layouts.montreal_2013 import Montreal2013Mayoral
from turfmap.layouts.ons_fields import OnsFields
from turfmap.layouts.onspd import OnspdPostcodes
from turfmap.layouts.plain_fields import PlainFields
from turfmap.layouts.us_pres_cd import UsPresidentialByDistrict

RESULTS: dict[str, type[ResultsLayout]] = {
    layout.key: layout
    for layout in (HocGeneralElection, UsPresidentialByDistrict, Montreal2013Mayoral)
}


# How boundary files name their code and name fields, publisher by publisher.
BOUNDARY_FIELDS: dict[str, type[BoundaryFields]] = {
    layout.key: layout for layout in (OnsFields, CensusFields, PlainFields)
}

# Postcode directories, with the postcode rule each follows.
POSTCODES = {layout.key: layout for layout in (OnspdPostcodes,)}


def results_layout(key: str | None, head: str, name: str) -> ResultsLayout:
    """A fresh instance of the layout ``key``, or of the one the file's first
    lines (``head``) are in."""
    if key:
        if key not in RESULTS:
            raise InputError(f"--layout {key!r} is unknown; choose from {', '.join(RESULTS)}")
        return RESULTS[key]()
    lines = head.splitlines()
    for layout in RESULTS.values():
        candidate = layout()
        if candidate.matches(lines):
            return candidate
    raise InputError(
        f"{name}: not a results layout turfmap knows ({describe()}); name one with --layout"
    )


def describe() -> str:
    """'hoc-ge (House of Commons ...), ...' for help texts and messages."""
    return "; ".join(f"{key}: {layout.description}" for key, layout in RESULTS.items())


def describe_fields() -> str:
    """The boundary field namings known, for help texts and the README."""
    return "; ".join(f"{key}: {layout.description}" for key, layout in BOUNDARY_FIELDS.items())


__all__ = [
    "BOUNDARY_FIELDS",
    "POSTCODES",
    "RESULTS",
    "BoundaryFields",
    "ParsedResult",
    "ResultsLayout",
    "describe",
    "describe_fields",
    "results_layout",
]

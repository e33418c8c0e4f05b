"""US Census TIGER/Line and cartographic boundary files: GEOID of the 2010s, 2020 and
unsuffixed vintages, with NAMELSAD beside it. Congressional and state legislative
districts are named from their state and number (PA-03, AK-AL, PA-SU-12), since
"Congressional District 3" reads the same in every state."""

from __future__ import annotations

import re

from turfmap.layouts.fields import BoundaryFields, by_lower, cell_text
from turfmap.usstates import district_name

CENSUS_CODE = re.compile(r"^GEOID(\d\d)?$", re.I)
_DISTRICT_FIELDS = [(r"cd\d{3}fp", None), (r"sldust", "upper"), (r"sldlst", "lower")]


class CensusFields(BoundaryFields):
    key = "us-census"
    description = "US Census GEOID/GEOID10/GEOID20 with NAMELSAD; districts named as PA-03"

    def pairs(self, columns):
        """
        >>> CensusFields().pairs(["STATEFP20", "CD118FP", "GEOID20", "NAMELSAD20"])
        [('GEOID20', 'NAMELSAD20', 0)]
        """
        lower = by_lower(columns)
        found = []
        for column in columns:
            match = CENSUS_CODE.match(column)
            if match:
                suffix = match.group(1) or ""
                name = lower.get(f"namelsad{suffix}") or lower.get(f"name{suffix}")
                if name:
                    found.append((column, name, 0))
        return found

    def display_names(self, frame, code_field):
        """'PA-03' for each feature of a congressional or state legislative district
        file (a STATEFP and a CDnnnFP, SLDUST or SLDLST field), with the fields
        they come from; None for other Census files (counties keep their names)."""
        match = CENSUS_CODE.match(code_field)
        if not match:
            return None
        suffix = match.group(1) or ""
        lower = by_lower(list(frame.columns))
        state = lower.get(f"statefp{suffix}") or lower.get("statefp")
        district = next(
            (
                (column, chamber)
                for key, column in lower.items()
                for pattern, chamber in _DISTRICT_FIELDS
                if re.fullmatch(pattern + suffix, key) or re.fullmatch(pattern, key)
            ),
            None,
        )
        if state is None or district is None:
            return None
        column, chamber = district
        names = [
            district_name(cell_text(s), cell_text(d), chamber)
            for s, d in zip(frame[state], frame[column], strict=True)
        ]
        return None if any(n is None for n in names) else (names, f"{state}+{column}")

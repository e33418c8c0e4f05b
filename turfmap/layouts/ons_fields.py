"""ONS boundary files (Open Geography Portal): fields are a level and a two-digit
vintage, CD for the code and NM for the name (PCON24CD/PCON24NM, WD13CD, LAD23CD,
CTYUA23CD, LSOA21CD; lower case in several vintages). NMW is the Welsh name: kept
as the district's alternative name, never the one shown first. Where a file has
several levels (a ward file carries its LAD too), the finest is the district."""

from __future__ import annotations

import re

from turfmap.layouts.fields import BoundaryFields, by_lower

ONS_CODE = re.compile(r"^([A-Z]{2,8})(\d\d)CD$", re.I)
FINEST_FIRST = ("OA", "LSOA", "MSOA", "WD", "ED", "CED", "PCON", "LAD", "LTLA", "UTLA", "CTYUA")


class OnsFields(BoundaryFields):
    key = "ons"
    description = "ONS fields <LEVEL><yy>CD/NM (PCON24CD, wd13cd, ...), Welsh NMW kept"

    def pairs(self, columns):
        """
        >>> OnsFields().pairs(["WD23CD", "WD23NM", "LAD23CD", "LAD23NM"])
        [('WD23CD', 'WD23NM', 3), ('LAD23CD', 'LAD23NM', 7)]
        """
        lower = by_lower(columns)
        found = []
        for column in columns:
            match = ONS_CODE.match(column)
            if not match:
                continue
            level, vintage = match.group(1).upper(), match.group(2)
            name = lower.get(f"{level}{vintage}nm".lower())
            rank = FINEST_FIRST.index(level) if level in FINEST_FIRST else len(FINEST_FIRST)
            if name:
                found.append((column, name, rank))
        return sorted(found, key=lambda pair: pair[2])

    def alternative_name(self, columns, code_field):
        """
        >>> OnsFields().alternative_name(["pcon19cd", "pcon19nm", "pcon19nmw"], "pcon19cd")
        'pcon19nmw'
        """
        match = ONS_CODE.match(code_field)
        if not match:
            return None
        return by_lower(columns).get(f"{match.group(1)}{match.group(2)}nmw".lower())

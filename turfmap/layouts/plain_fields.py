"""Files with plain field names (a campaign's own, OS Boundary-Line's polling
districts, many GeoJSON exports): code/name, id/name, pd_code/ward. Tried only when
no publisher's naming fits."""

from __future__ import annotations

from turfmap.layouts.fields import BoundaryFields, by_lower

PLAIN_PAIRS = [("pd_code", "ward"), ("code", "name"), ("id", "name")]


class PlainFields(BoundaryFields):
    key = "plain"
    description = "plain fields: code/name, id/name, pd_code/ward"
    fallback = True

    def pairs(self, columns):
        lower = by_lower(columns)
        for code, name in PLAIN_PAIRS:
            if code in lower and name in lower:
                return [(lower[code], lower[name], 50)]
        return []

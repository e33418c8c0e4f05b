"""Montreal's 2013 mayoral vote by district, as plotly ships it (the offline demo)."""

from __future__ import annotations

from turfmap.inputs.csvfile import check_text, parse_count
from turfmap.layouts.base import ParsedResult, ResultsLayout
from turfmap.words import marked


class Montreal2013Mayoral(ResultsLayout):
    key = "montreal-2013"
    description = "Montreal 2013 mayoral election by district (plotly's dataset)"
    contest = marked("the {year} mayoral election")
    code_column, name_column = "district_id", "district"
    candidates = ("Coderre", "Bergeron", "Joly")
    required_columns = ("district", *candidates, "total", "district_id")

    def election_in(self, text, frame):
        return "montreal2013"  # the dataset holds that one election only

    def parse_row(self, row, line):
        votes = {c: parse_count(row[c], line=line, column=c) for c in self.candidates}
        total = parse_count(row["total"], line=line, column="total")
        name = check_text(row["district"], line=line, column="district")
        return ParsedResult(line, row["district_id"].strip(), name, votes, None, total)

"""House of Commons Library general election results by constituency (CBP-10009
and its predecessors): one row per seat, one column per party.

Recognised by its header wherever it is (GE2024 has a title and a note above it,
GE2017 none) and whatever party columns it carries (UKIP in 2017, RUK in 2024):
the parties are the columns between Majority and All other candidates."""

from __future__ import annotations

import re

from turfmap.inputs.csvfile import check_text, parse_count
from turfmap.layouts.base import ParsedResult, ResultsLayout
from turfmap.words import marked

FIXED = ("ONS ID", "Constituency name", "First party", "Second party", "Electorate")
FIXED += ("Valid votes", "Majority", "All other candidates")


class HocGeneralElection(ResultsLayout):
    key = "hoc-ge"
    description = "House of Commons Library general election results by constituency"
    contest = marked("the {year} general election")
    code_column, name_column = "ONS ID", "Constituency name"
    required_columns = FIXED
    header_within = 40

    def prepare(self, frame):
        columns = list(frame.columns)
        start, end = columns.index("Majority") + 1, columns.index("All other candidates")
        self.parties = tuple(c for c in columns[start:end] if c)
        return frame

    def election_in(self, text, frame):
        title = re.search(r"general election (\d{4})", text[:2000], re.I)
        if title:
            return f"ge{title.group(1)}"
        if "Declaration time" in frame.columns:
            years = frame["Declaration time"].str.extract(r"(\d{4})")[0].dropna()
            if not years.empty:
                return f"ge{years.mode()[0]}"
        return None

    def parse_row(self, row, line):
        count = lambda column: parse_count(row[column], line=line, column=column)  # noqa: E731
        votes = {party: count(party) for party in self.parties}
        others = count("All other candidates")
        first = check_text(row["First party"], line=line, column="First party")
        second = check_text(row["Second party"], line=line, column="Second party")
        # Winners and runners-up outside the named parties (independents, the Speaker)
        # are inside "All other candidates"; give them their own entry.
        if first not in votes:
            winner_votes = count("Of which other winner") if "Of which other winner" in row else 0
            votes[first] = winner_votes
            others -= winner_votes
        if second not in votes:
            votes[second] = votes[first] - count("Majority")
            others -= votes[second]
        votes["Other"] = max(others, 0)
        return ParsedResult(
            line,
            row[self.code_column].strip(),
            check_text(row[self.name_column], line=line, column=self.name_column),
            votes,
            count("Electorate"),
            count("Valid votes"),
        )

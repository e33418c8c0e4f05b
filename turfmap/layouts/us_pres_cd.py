"""The Downballot's presidential vote by congressional district (two-party share),
keyed PA-07, at-large states as AK-01."""

from __future__ import annotations

from turfmap.errors import InputError
from turfmap.inputs.csvfile import check_text, parse_count
from turfmap.layouts.base import ParsedResult, ResultsLayout
from turfmap.usstates import fips_of
from turfmap.words import marked


class UsPresidentialByDistrict(ResultsLayout):
    key = "us-pres-cd"
    description = "US presidential vote by congressional district (The Downballot layout)"
    contest = marked("the {year} presidential race")
    code_column, name_column = "cd", "dailykos_name"
    required_columns = ("cd", "pct_trump", "presvotes_DR", "presvotes_total")

    def election_in(self, text, frame):
        if "year" in frame.columns:
            years = {str(y).split(".")[0] for y in frame["year"] if str(y).strip()}
            if len(years) == 1 and (year := years.pop()).isdigit():
                return f"pres{year}"
        return None

    def prepare(self, frame):
        # At-large states are "AK-01" here but district "00" in Census GEOIDs.
        states = frame["cd"].str.split("-").str[0]
        self._at_large = set(states.value_counts()[lambda n: n == 1].index)
        return frame

    def parse_row(self, row, line):
        cd = row["cd"].strip()
        state, _, number = cd.partition("-")
        fips = fips_of().get(state)
        if fips is None or not number.isdigit():
            raise InputError(f"line {line}, column 'cd': {cd!r} is not like 'PA-07'")
        code = fips + ("00" if state in self._at_large else f"{int(number):02d}")
        try:
            share = float(row["pct_trump"])
        except ValueError:
            raise InputError(
                f"line {line}, column 'pct_trump': {row['pct_trump']!r} is not a number"
            ) from None
        if not 0 <= share <= 1:
            raise InputError(
                f"line {line}, column 'pct_trump': {share} is not a share between 0 and 1"
            )
        two_party = parse_count(row["presvotes_DR"], line=line, column="presvotes_DR")
        total = parse_count(row["presvotes_total"], line=line, column="presvotes_total")
        rep = round(two_party * share)
        votes = {"REP": rep, "DEM": two_party - rep, "Other": max(total - two_party, 0)}
        name = check_text(row.get(self.name_column, cd) or cd, line=line, column=self.name_column)
        return ParsedResult(line, code, f"{cd} {name}".strip(), votes, None, total)

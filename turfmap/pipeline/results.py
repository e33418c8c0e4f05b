"""Election results import. Each publisher's layout is a few declarative lines over
one base class; the base does the reading, checking, reporting and loading."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from sqlalchemy import delete

from turfmap.errors import InputError
from turfmap.inputs.csvfile import RowErrors, check_text, parse_count, read_frame, read_text
from turfmap.inputs.report import ImportReport
from turfmap.scoring.margin import target_view
from turfmap.store.db import Database
from turfmap.store.models import ElectionResult
from turfmap.store.queries import district_codes, get_set, reference_generation


@dataclass
class ParsedResult:
    line: int
    code: str
    name: str
    votes: dict[str, int]
    electorate: int | None
    valid_votes: int


class ResultsLayout:
    key = ""
    description = ""
    election = ""
    skiprows = 0
    code_column = ""
    name_column = ""
    required_columns: tuple[str, ...] = ()

    def matches(self, columns: list[str]) -> bool:
        return all(c in columns for c in self.required_columns)

    def parse_row(self, row: pd.Series, line: int) -> ParsedResult:
        raise NotImplementedError

    def prepare(self, frame: pd.DataFrame) -> pd.DataFrame:
        return frame


class HocGeneralElection(ResultsLayout):
    """House of Commons Library results by constituency (CBP-10009, GE2024)."""

    key = "hoc-ge"
    description = "House of Commons Library general election results by constituency"
    election = "ge2024"
    skiprows = 2  # a title row and a note row come before the header
    code_column, name_column = "ONS ID", "Constituency name"
    parties = ("Con", "Lab", "LD", "RUK", "Green", "SNP", "PC", "DUP", "SF", "SDLP", "UUP", "APNI")
    required_columns = (
        "ONS ID",
        "Constituency name",
        "First party",
        "Second party",
        "Electorate",
        "Valid votes",
        "Majority",
        *parties,
        "All other candidates",
    )

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


# FIPS codes by USPS abbreviation: Census GEOIDs for districts are state FIPS + district.
STATE_FIPS = dict(
    AL="01",
    AK="02",
    AZ="04",
    AR="05",
    CA="06",
    CO="08",
    CT="09",
    DE="10",
    DC="11",
    FL="12",
    GA="13",
    HI="15",
    ID="16",
    IL="17",
    IN="18",
    IA="19",
    KS="20",
    KY="21",
    LA="22",
    ME="23",
    MD="24",
    MA="25",
    MI="26",
    MN="27",
    MS="28",
    MO="29",
    MT="30",
    NE="31",
    NV="32",
    NH="33",
    NJ="34",
    NM="35",
    NY="36",
    NC="37",
    ND="38",
    OH="39",
    OK="40",
    OR="41",
    PA="42",
    RI="44",
    SC="45",
    SD="46",
    TN="47",
    TX="48",
    UT="49",
    VT="50",
    VA="51",
    WA="53",
    WV="54",
    WI="55",
    WY="56",
    PR="72",
)


class UsPresidentialByDistrict(ResultsLayout):
    """The Downballot's presidential vote by congressional district (two-party share)."""

    key = "us-pres-cd"
    description = "US presidential vote by congressional district (The Downballot layout)"
    election = "pres2024"
    code_column, name_column = "cd", "dailykos_name"
    required_columns = ("cd", "pct_trump", "presvotes_DR", "presvotes_total")

    def prepare(self, frame):
        # At-large states are "AK-01" here but district "00" in Census GEOIDs.
        states = frame["cd"].str.split("-").str[0]
        self._at_large = set(states.value_counts()[lambda n: n == 1].index)
        return frame

    def parse_row(self, row, line):
        cd = row["cd"].strip()
        state, _, number = cd.partition("-")
        if state not in STATE_FIPS or not number.isdigit():
            raise InputError(f"line {line}, column 'cd': {cd!r} is not like 'PA-07'")
        code = STATE_FIPS[state] + ("00" if state in self._at_large else f"{int(number):02d}")
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


class Montreal2013Mayoral(ResultsLayout):
    """Montreal's 2013 mayoral vote by district, as plotly ships it (the offline demo)."""

    key = "montreal-2013"
    description = "Montreal 2013 mayoral election by district (plotly's dataset)"
    election = "montreal2013"
    code_column, name_column = "district_id", "district"
    candidates = ("Coderre", "Bergeron", "Joly")
    required_columns = ("district", *candidates, "total", "district_id")

    def parse_row(self, row, line):
        votes = {c: parse_count(row[c], line=line, column=c) for c in self.candidates}
        total = parse_count(row["total"], line=line, column="total")
        name = check_text(row["district"], line=line, column="district")
        return ParsedResult(line, row["district_id"].strip(), name, votes, None, total)


LAYOUTS = {
    layout.key: layout
    for layout in (HocGeneralElection(), UsPresidentialByDistrict(), Montreal2013Mayoral())
}


def detect_layout(path: Path, key: str | None) -> ResultsLayout:
    if key:
        if key not in LAYOUTS:
            raise InputError(f"--layout {key!r} is unknown; choose from {sorted(LAYOUTS)}")
        return LAYOUTS[key]
    head = read_text(path)[:4000]
    for layout in LAYOUTS.values():
        lines = head.splitlines()[layout.skiprows : layout.skiprows + 1]
        columns = [c.strip() for c in lines[0].split(",")] if lines else []
        if layout.matches(columns):
            return layout
    raise InputError(
        f"{path}: not a results layout turfmap knows ({', '.join(LAYOUTS)}); name one with --layout"
    )


def import_results(
    db: Database,
    path: Path,
    *,
    set_slug: str,
    target_party: str,
    layout_key: str | None = None,
    election: str | None = None,
    commit: bool = False,
) -> ImportReport:
    path = Path(path)
    report = ImportReport("results", str(path), set_slug)
    layout = detect_layout(path, layout_key)
    frame = layout.prepare(read_frame(path, skiprows=layout.skiprows))
    frame = frame[frame[layout.code_column].str.strip() != ""]  # trailing blank lines
    if frame.empty:
        raise InputError(f"{path}: the file has no result rows")
    with db.session() as session:
        boundary_set = get_set(session, set_slug)
        known = district_codes(session, reference_generation(session, boundary_set).id)
    parsed = _parse_rows(frame, layout, path, set_slug, known)
    views = {r.code: target_view(r.votes, r.valid_votes, target_party) for r in parsed}
    if all(r.votes.get(target_party, 0) == 0 for r in parsed):
        parties = sorted({p for r in parsed for p in r.votes})
        raise InputError(
            f"target party {target_party!r} has no votes in {path}; parties: {parties}"
        )
    election = election or layout.election
    _describe(report, layout, election, parsed, views, len(known), target_party)
    if commit:
        with db.transaction() as session:
            run = report.record(session)
            session.execute(
                delete(ElectionResult).where(
                    ElectionResult.set_id == boundary_set.id, ElectionResult.election == election
                )
            )
            for r in parsed:
                stored = _stored(r, views[r.code], boundary_set.id, election, target_party, run.id)
                # Its need is not stored: the need board works it out from the
                # result under the settings in force, for every reader alike.
                session.add(stored)
            run.report = report.render()
    return report


def _parse_rows(frame, layout, path: Path, set_slug: str, known: set[str]) -> list:
    """Every row parsed, or an InputError naming each bad row (line, column, value)."""
    first_line = layout.skiprows + 2
    errors, parsed, seen = RowErrors(path), [], {}
    for offset, (_, row) in enumerate(frame.iterrows()):
        line = first_line + offset
        try:
            result = layout.parse_row(row, line)
        except InputError as exc:
            errors.add(exc)
            continue
        if result.code not in known:
            errors.add(
                f"line {line}, column {layout.code_column!r}: {result.code!r} is not a "
                f"district of {set_slug!r}"
            )
        elif result.code in seen:
            errors.add(f"line {line}: {result.code!r} already appeared on line {seen[result.code]}")
        seen.setdefault(result.code, line)
        parsed.append(result)
    errors.raise_if_any()
    return parsed


def _describe(report, layout, election, parsed, views, districts: int, target_party) -> None:
    holds = sum(1 for v in views.values() if v.status == "hold")
    closest = min(parsed, key=lambda r: abs(views[r.code].margin))
    report.note(f"layout: {layout.description}; election {election!r}")
    report.note(
        f"{len(parsed)} results for {districts} districts; {districts - len(parsed)} "
        "districts have none"
    )
    report.note(
        f"target party {target_party}: {holds} seats to hold, {len(parsed) - holds} to gain"
    )
    report.note(
        f"closest: {closest.name} ({closest.code}), majority {views[closest.code].majority:,}"
    )
    report.counts = {"results": len(parsed), "holds": holds}


def _stored(result, view, set_id: int, election: str, target_party: str, run_id) -> ElectionResult:
    return ElectionResult(
        set_id=set_id,
        election=election,
        district_code=result.code,
        votes=result.votes,
        electorate=result.electorate,
        valid_votes=result.valid_votes,
        turnout=(result.valid_votes / result.electorate) if result.electorate else None,
        winner=view.winner,
        runner_up=view.runner_up,
        majority=view.majority,
        target_party=target_party,
        target_margin=view.margin,
        target_status=view.status,
        import_run_id=run_id,
    )

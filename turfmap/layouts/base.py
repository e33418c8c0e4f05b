"""What every results layout declares, and the reading they share."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from turfmap.inputs.csvfile import frame_from_text
from turfmap.words import marked

if TYPE_CHECKING:  # pandas is imported where a file is read, so the CLI starts quickly
    import pandas as pd


@dataclass
class ParsedResult:
    line: int
    code: str
    name: str
    votes: dict[str, int]
    electorate: int | None
    valid_votes: int


class ResultsLayout:
    """One publisher's results file. A fresh instance reads each file (``read``
    may note what it finds there: the header's line, the parties, the election),
    so nothing one import learns leaks into the next."""

    key = ""
    description = ""
    # What the figures are, for sentences, with the election's year: a message
    # (turfmap/words.py), so that a Welsh page names it in Welsh.
    contest = marked("the {year} election")
    code_column = ""
    name_column = ""
    required_columns: tuple[str, ...] = ()
    header_within = 1  # lines the header row may be found in (title rows above it)

    def __init__(self) -> None:
        self.header_line = 1  # the line of the header row, counting from 1
        self.election: str | None = None  # read from the file where it says

    def matches(self, lines: list[str]) -> bool:
        """Whether the file whose first lines are ``lines`` is in this layout."""
        return self.find_header(lines) is not None

    def find_header(self, lines: list[str]) -> int | None:
        """Index in ``lines`` of the header row, or None."""
        for number, line in enumerate(lines[: self.header_within]):
            if all(column in _cells(line) for column in self.required_columns):
                return number
        return None

    def read(self, text: str, name: str) -> pd.DataFrame:
        header = self.find_header(text.splitlines()[:40]) or 0
        self.header_line = header + 1
        frame = frame_from_text(text, name, skiprows=header)
        self.election = self.election_in(text, frame)
        return self.prepare(frame)

    def election_in(self, text: str, frame: pd.DataFrame) -> str | None:
        """The election the file holds (a slug such as ge2017), where it says."""
        return None

    def contest_of(self, election: str) -> str:
        """What the figures are, for sentences: "the 2024 presidential race"."""
        year = next((part for part in re.findall(r"\d+", election) if len(part) == 4), "")
        return self.contest.format(year=year).replace("  ", " ")

    def prepare(self, frame: pd.DataFrame) -> pd.DataFrame:
        return frame

    def parse_row(self, row: pd.Series, line: int) -> ParsedResult:
        raise NotImplementedError


def _cells(line: str) -> list[str]:
    return [cell.strip().strip('"') for cell in line.split(",")]

"""Reading uploaded CSV files safely: UTF-8 only, with errors that name the place."""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

from turfmap.errors import InputError
from turfmap.inputs.text import clean_cell

if TYPE_CHECKING:  # pandas is imported where a file is read, so the CLI starts quickly
    import pandas as pd


def read_text(path: Path) -> str:
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file")
    return decode_text(path.read_bytes(), str(path))


def decode_text(data: bytes, name: str) -> str:
    """UTF-8 text (a spreadsheet's byte-order mark allowed), or an error naming the line.

    >>> decode_text(b"code,need\\n\\xe9", "needs.csv")
    Traceback (most recent call last):
    turfmap.errors.InputError: needs.csv: line 2 is not UTF-8 (byte 0xe9 at offset 10); ...
    """
    if not data.strip():
        raise InputError(f"{name}: the file is empty")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"{name}: line {line} is not UTF-8 (byte 0x{data[exc.start]:02x} at offset "
            f"{exc.start}); save the file as UTF-8 CSV and try again"
        ) from exc


def read_frame(path: Path, *, skiprows: int = 0, **kwargs) -> pd.DataFrame:
    return frame_from_text(read_text(path), str(path), skiprows=skiprows, **kwargs)


MAX_COLUMNS = 2_000  # the widest real file here has about 100 (ward results by party)


def frame_from_text(text: str, name: str, *, skiprows: int = 0, **kwargs) -> pd.DataFrame:
    """Every cell as a string, so '007' stays '007' and nothing is guessed.

    >>> frame_from_text('{"type": "Topology"}', "x.json")
    Traceback (most recent call last):
    turfmap.errors.InputError: x.json: this is JSON, not a CSV file ...
    """
    if text.lstrip()[:1] in ("{", "["):
        raise InputError(f"{name}: this is JSON, not a CSV file (a boundary or hex file?)")
    header = text.split("\n", skiprows + 1)[skiprows] if text.count("\n") >= skiprows else ""
    if max(header.count(","), header.count("\t")) + 1 > MAX_COLUMNS:
        raise InputError(
            f"{name}: line {skiprows + 1} has more than {MAX_COLUMNS:,} columns; "
            "not a CSV file turfmap reads"
        )
    import pandas as pd

    try:
        frame = pd.read_csv(
            io.StringIO(text), skiprows=skiprows, dtype=str, keep_default_na=False, **kwargs
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(f"{name}: not a readable CSV file: {exc}") from exc
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def require_columns(frame: pd.DataFrame, columns, path: Path) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(f"{path}: missing column(s) {missing}; the file has {list(frame.columns)}")


def check_text(value: str, *, line: int, column: str, limit: int | None = None) -> str:
    """A text cell, normalised and refused if it would run as a spreadsheet formula
    (inputs/text.py).

    >>> check_text(" Hendon ", line=3, column="name")
    'Hendon'
    >>> check_text(" =HYPERLINK(1)", line=3, column="reason")
    Traceback (most recent call last):
    turfmap.errors.InputError: line 3, column 'reason': '=HYPERLINK(1)' starts with '=', ...
    """
    return clean_cell(value, f"line {line}, column {column!r}", limit=limit)


def parse_count(value: str, *, line: int, column: str) -> int:
    """A whole number of votes or people; '3,080' and ' 3080 ' are fine.

    >>> parse_count(" 3,080 ", line=2, column="Lab")
    3080
    >>> parse_count("many", line=2, column="Lab")
    Traceback (most recent call last):
    turfmap.errors.InputError: line 2, column 'Lab': 'many' is not a whole number
    """
    cleaned = value.replace(",", "").strip()
    if cleaned == "":
        return 0
    try:
        number = float(cleaned)
    except ValueError:
        raise InputError(
            f"line {line}, column {column!r}: {value!r} is not a whole number"
        ) from None
    if number < 0 or not number.is_integer():
        raise InputError(f"line {line}, column {column!r}: {value!r} is not a whole number")
    return int(number)


class RowErrors:
    """Collects row-level errors so one run reports all of them, then refuses."""

    def __init__(self, path: Path | str, limit: int = 20, errors: list[str] | None = None):
        self.path, self.limit, self.errors = path, limit, list(errors or [])

    def add(self, error: InputError | str) -> None:
        self.errors.append(error.message if isinstance(error, InputError) else error)

    def raise_if_any(self) -> None:
        if not self.errors:
            return
        shown = "\n  ".join(self.errors[: self.limit])
        more = len(self.errors) - self.limit
        tail = f"\n  ... and {more} more" if more > 0 else ""
        raise InputError(
            f"{self.path}: {len(self.errors)} problem(s); nothing was loaded:\n  {shown}{tail}"
        )

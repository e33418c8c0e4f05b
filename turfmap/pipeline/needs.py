"""Coordinator needs from CSV (code, need, reason, expires): all rows or none."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from turfmap.errors import InputError
from turfmap.pipeline.csvfile import RowErrors, check_text, read_frame, require_columns
from turfmap.pipeline.report import ImportReport
from turfmap.store.db import Database
from turfmap.store.models import Need
from turfmap.store.queries import current_needs, district_codes, get_set, reference_generation

COLUMNS = ("code", "need", "reason", "expires")


@dataclass
class NeedRow:
    line: int
    code: str
    score: float
    reason: str
    expires: date | None


def parse_need_row(row: dict, line: int, known: set[str], today: date) -> NeedRow:
    """One validated row.

    >>> from datetime import date
    >>> parse_need_row({"code": "E1", "need": "80", "reason": "Short of leafleters",
    ...                 "expires": "2030-01-01"}, 2, {"E1"}, date(2026, 1, 1))
    NeedRow(line=2, code='E1', score=80.0, reason='Short of leafleters',
            expires=datetime.date(2030, 1, 1))
    >>> parse_need_row({"code": "E1", "need": "120", "reason": "x", "expires": ""}, 3, {"E1"},
    ...                date(2026, 1, 1))
    Traceback (most recent call last):
    turfmap.errors.InputError: line 3, column 'need': '120' is out of range: needs run from 0 to 100
    """
    code = row["code"].strip()
    if code not in known:
        raise InputError(f"line {line}, column 'code': {code!r} is not a district of this set")
    raw = row["need"].strip()
    try:
        score = float(raw)
    except ValueError:
        raise InputError(f"line {line}, column 'need': {raw!r} is not a number") from None
    if not 0 <= score <= 100:
        raise InputError(
            f"line {line}, column 'need': {raw!r} is out of range: needs run from 0 to 100"
        )
    reason = check_text(row["reason"], line=line, column="reason")
    if not reason:
        raise InputError(f"line {line}, column 'reason': a reason is required")
    if len(reason) > 500:
        raise InputError(f"line {line}, column 'reason': longer than 500 characters")
    expires = None
    if row["expires"].strip():
        try:
            expires = date.fromisoformat(row["expires"].strip())
        except ValueError:
            raise InputError(
                f"line {line}, column 'expires': {row['expires']!r} is not a date like 2026-12-31"
            ) from None
        if expires < today:
            raise InputError(f"line {line}, column 'expires': {expires} is already past")
    return NeedRow(line, code, score, reason, expires)


def import_needs(
    db: Database,
    path: Path,
    *,
    set_slug: str,
    author: str,
    commit: bool = False,
    today: date | None = None,
) -> ImportReport:
    path, today = Path(path), today or date.today()
    report = ImportReport("needs", str(path), set_slug)
    frame = read_frame(path)
    require_columns(frame, COLUMNS, path)
    if frame.empty:
        raise InputError(f"{path}: the file has no rows")
    with db.session() as session:
        boundary_set = get_set(session, set_slug)
        known = district_codes(session, reference_generation(session, boundary_set).id)
        before = current_needs(session, boundary_set.id, today)
    errors, rows, seen = RowErrors(path), [], {}
    for offset, row in enumerate(frame.to_dict("records")):
        line = offset + 2
        try:
            parsed = parse_need_row(row, line, known, today)
        except InputError as exc:
            errors.add(exc)
            continue
        if parsed.code in seen:
            errors.add(f"line {line}: {parsed.code!r} already appeared on line {seen[parsed.code]}")
        seen.setdefault(parsed.code, line)
        rows.append(parsed)
    errors.raise_if_any()
    for row in rows[:20]:
        old = before.get(row.code)
        was = f"{old.score:.0f} ({old.source})" if old else "none"
        report.note(
            f"{row.code}: {was} -> {row.score:.0f}, until {row.expires or 'changed'}: {row.reason}"
        )
    if len(rows) > 20:
        report.note(f"... and {len(rows) - 20} more")
    report.counts = {"needs": len(rows)}
    if commit:
        with db.transaction() as session:
            run = report.record(session)
            for row in rows:
                session.add(
                    Need(
                        set_id=boundary_set.id,
                        district_code=row.code,
                        score=row.score,
                        source="coordinator",
                        reason=row.reason,
                        author=author,
                        expires_on=row.expires,
                        import_run_id=run.id,
                    )
                )
    return report

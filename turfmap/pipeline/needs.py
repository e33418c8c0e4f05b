"""Coordinator needs from CSV (code, need, reason, expires): all rows or none."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
from sqlalchemy.orm import Session

from turfmap.errors import InputError
from turfmap.inputs.csvfile import RowErrors, check_text, read_frame, require_columns
from turfmap.inputs.report import ImportReport
from turfmap.store.db import Database
from turfmap.store.generations import generation_of
from turfmap.store.models import ImportRun, Need
from turfmap.store.queries import current_needs, district_index, get_set, reference_generation

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


@dataclass
class NeedPlan:
    """What a needs file would change: validated rows, row-level errors, and the
    needs in force before, so a preview can show old and new side by side."""

    set_slug: str
    set_id: int
    rows: list[NeedRow]
    errors: list[str]
    before: dict[str, Need]
    names: dict[str, str]

    def changes(self, need_today: Callable[[str], dict | None] | None = None) -> list[dict]:
        """Old and new need per row. ``need_today(code)``, where given, is the
        district's need as the need board has it (a result-based need included,
        which no stored statement holds); otherwise the statement in force."""
        out = []
        for row in self.rows:
            old = self.before.get(row.code)
            shown = need_today(row.code) if need_today else None
            if shown is None and old is not None:
                shown = {"score": round(old.score, 1), "source": old.source}
            out.append(
                {
                    "line": row.line,
                    "code": row.code,
                    "name": self.names.get(row.code, ""),
                    "old": None if shown is None else shown["score"],
                    "old_source": None if shown is None else shown["source"],
                    "new": round(row.score, 1),
                    "reason": row.reason,
                    "expires": row.expires,
                    "same": old is not None
                    and old.source == "coordinator"
                    and round(old.score, 1) == round(row.score, 1)
                    and old.reason == row.reason
                    and old.expires_on == row.expires,
                }
            )
        return out


def plan_needs(
    session: Session,
    frame: pd.DataFrame,
    *,
    name: str,
    set_slug: str,
    today: date,
    may_change: Callable[[str, str | None], bool] | None = None,
    generation: int | None = None,
) -> NeedPlan:
    """Validate every row (all errors, not just the first) against the districts of
    generation ``generation`` of the set (default: the one in use, or the newest);
    ``may_change(code, parent)`` refuses rows outside the uploader's region."""
    require_columns(frame, COLUMNS, name)
    if frame.empty:
        raise InputError(f"{name}: the file has no rows")
    boundary_set = get_set(session, set_slug)
    lines = (
        reference_generation(session, boundary_set)
        if generation is None
        else generation_of(session, boundary_set, generation)
    )
    districts = district_index(session, lines.id)
    known = set(districts)
    errors, rows, seen = RowErrors(name), [], {}
    for offset, row in enumerate(frame.to_dict("records")):
        line = offset + 2
        try:
            parsed = parse_need_row(row, line, known, today)
        except InputError as exc:
            errors.add(exc)
            continue
        if may_change is not None and not may_change(parsed.code, districts[parsed.code][1]):
            errors.add(f"line {line}, column 'code': {parsed.code} is outside your region")
            continue
        if parsed.code in seen:
            errors.add(f"line {line}: {parsed.code!r} already appeared on line {seen[parsed.code]}")
        seen.setdefault(parsed.code, line)
        rows.append(parsed)
    return NeedPlan(
        set_slug=set_slug,
        set_id=boundary_set.id,
        rows=rows,
        errors=errors.errors,
        before=current_needs(session, boundary_set.id, today),
        names={code: district_name for code, (district_name, _) in districts.items()},
    )


def write_needs(
    session: Session, plan: NeedPlan, report: ImportReport, *, author: str
) -> ImportRun:
    """Add every row of an error-free plan, inside the caller's transaction."""
    if plan.errors:
        raise InputError(f"{len(plan.errors)} problem(s) in the file; nothing was loaded")
    report.counts = {"needs": len(plan.rows)}
    run = report.record(session)
    for row in plan.rows:
        session.add(
            Need(
                set_id=plan.set_id,
                district_code=row.code,
                score=row.score,
                source="coordinator",
                reason=row.reason,
                author=author,
                expires_on=row.expires,
                import_run_id=run.id,
            )
        )
    session.flush()
    return run


def import_needs(
    db: Database,
    path: Path,
    *,
    set_slug: str,
    author: str,
    today: date,
    commit: bool = False,
    need_today: Callable[[str], dict | None] | None = None,
    generation: int | None = None,
) -> ImportReport:
    """``need_today``: see NeedPlan.changes (the report shows old and new needs).
    The codes are checked against generation ``generation`` of the set (default: the
    newest, so that a new generation's needs are ready before it is switched on)."""
    path = Path(path)
    report = ImportReport("needs", str(path), set_slug)
    frame = read_frame(path)
    with db.session() as session:
        lines = generation_of(session, get_set(session, set_slug), generation)
        report.note(f"for generation {lines.number} ({'active' if lines.active else 'not active'})")
        plan = plan_needs(
            session, frame, name=str(path), set_slug=set_slug, today=today, generation=lines.number
        )
    RowErrors(path, errors=plan.errors).raise_if_any()
    for change in plan.changes(need_today)[:20]:
        was = (
            f"{change['old']:.0f} ({change['old_source']})" if change["old"] is not None else "none"
        )
        report.note(
            f"{change['code']}: {was} -> {change['new']:.0f}, "
            f"until {change['expires'] or 'changed'}: {change['reason']}"
        )
    if len(plan.rows) > 20:
        report.note(f"... and {len(plan.rows) - 20} more")
    report.counts = {"needs": len(plan.rows)}
    if commit:
        with db.transaction() as session:
            write_needs(session, plan, report, author=author)
    return report

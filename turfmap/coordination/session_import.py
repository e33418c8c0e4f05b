"""`turfmap import sessions`: many sessions from a CSV, all rows or none, each
filed under the district holding its meeting point."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from turfmap.coordination.permissions import Actor
from turfmap.coordination.session_fields import parse_session
from turfmap.coordination.sessions import place_meeting_point, propose
from turfmap.errors import InputError
from turfmap.inputs.csvfile import RowErrors, read_frame, require_columns
from turfmap.inputs.report import ImportReport
from turfmap.spatial.index import SpatialIndex
from turfmap.store.db import Database

REQUIRED = ("title", "starts", "ends", "lat", "lon", "capacity", "contact")


def import_sessions(
    db: Database,
    index: SpatialIndex,
    path: Path,
    *,
    set_slug: str,
    host: str,
    approve: bool,
    commit: bool,
    now: datetime,
    tz: str,
) -> ImportReport:
    path = Path(path)
    report = ImportReport("sessions", str(path), set_slug, actor=host)
    frame = read_frame(path)
    require_columns(frame, REQUIRED, path)
    if frame.empty:
        raise InputError(f"{path}: the file has no rows")
    errors, planned = RowErrors(path), []
    for offset, row in enumerate(frame.to_dict("records")):
        line = offset + 2
        try:
            draft = parse_session(row, tz=tz, now=now, line=line)
            placed = place_meeting_point(index, set_slug, draft.lon, draft.lat)
        except InputError as exc:
            message = exc.message
            errors.add(message if message.startswith("line ") else f"line {line}: {message}")
            continue
        planned.append((line, draft, placed))
    errors.raise_if_any()
    status = "approved" if approve else "proposed"
    for line, draft, placed in planned[:20]:
        report.note(
            f"line {line}: {draft.title!r}, {draft.starts_at:%Y-%m-%d %H:%M} UTC, "
            f"{draft.capacity} places, in {placed.name} ({placed.code}) -> {status}"
        )
    if len(planned) > 20:
        report.note(f"... and {len(planned) - 20} more")
    report.counts = {"sessions": len(planned)}
    if commit:
        actor = Actor(host, "admin")  # shell access is an operator's, not a host's
        with db.transaction() as session:
            report.record(session)
            for _, draft, placed in planned:
                propose(session, actor, draft, placed, status=status)
    return report

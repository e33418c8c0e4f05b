"""The audit log: every write goes in, in the same transaction as the write."""

from __future__ import annotations

import csv
import io
import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from turfmap.inputs.text import neutralise
from turfmap.store.models import AuditEvent


def record(session: Session, actor: str, action: str, target: str, **detail) -> AuditEvent:
    event = AuditEvent(actor=actor, action=action, target=target, detail=detail)
    session.add(event)
    return event


def events(
    session: Session, *, actor: str | None = None, action: str | None = None, limit: int = 500
) -> list[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if actor:
        query = query.where(AuditEvent.actor == actor)
    if action:
        query = query.where(AuditEvent.action.startswith(action))
    return list(session.scalars(query.limit(limit)))


def as_csv(rows: list[AuditEvent]) -> str:
    """CSV for spreadsheets; cells that a spreadsheet would run are quoted with '.

    >>> from datetime import datetime
    >>> e = AuditEvent(id=1, at=datetime(2026, 1, 1), actor="a@x", action="need.edit",
    ...                target="wpc/E1", detail={"reason": "=1+1"})
    >>> print(as_csv([e]).strip())
    id,at,actor,action,target,detail
    1,2026-01-01T00:00:00,a@x,need.edit,wpc/E1,"{""reason"": ""=1+1""}"
    """
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "at", "actor", "action", "target", "detail"])
    for e in rows:
        cells = [
            e.id,
            e.at.isoformat(),
            e.actor,
            e.action,
            e.target,
            json.dumps(e.detail, sort_keys=True),
        ]
        writer.writerow([neutralise(c) for c in cells])
    return out.getvalue()

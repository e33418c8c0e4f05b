"""Files uploaded in the workspace: stored with their digest, previewed (a dry run
through the same pipeline core as the command line), then applied in one
transaction by the person who previewed them.

A needs preview remembers the newest need of every district it touches; applying
refuses if any of those changed in between, so nobody's edit is silently undone.

A staged file is kept only as long as it is needed: its content is dropped once it
is applied (the row stays, with its digest, as the record of what was applied),
a cancelled upload is deleted, and one left unapplied for longer than
TURFMAP_UPLOAD_RETENTION_HOURS is deleted the next time anyone uploads (or by
`turfmap uploads purge`)."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from turfmap.coordination import audit
from turfmap.coordination.permissions import Actor, may_edit_district
from turfmap.errors import Conflict, Forbidden, InputError, NotFound
from turfmap.inputs.csvfile import decode_text, frame_from_text
from turfmap.inputs.report import ImportReport
from turfmap.pipeline.needs import NeedPlan, plan_needs, write_needs
from turfmap.store import queries
from turfmap.store.models import Need, Upload, utcnow

DEFAULT_RETENTION_HOURS = 24.0


def stage(
    session: Session,
    actor: Actor,
    *,
    kind: str,
    set_slug: str,
    filename: str,
    data: bytes,
    retention_hours: float = DEFAULT_RETENTION_HOURS,
) -> Upload:
    if not data:
        raise InputError(f"{filename or 'the upload'}: the file is empty")
    purge_stale(session, retention_hours)
    upload = Upload(
        kind=kind,
        set_slug=set_slug,
        actor=actor.email,
        filename=(filename or "upload")[:300],
        sha256=hashlib.sha256(data).hexdigest(),
        content=data,
        options={},
    )
    session.add(upload)
    session.flush()
    audit.record(
        session,
        actor.email,
        f"upload.{kind}",
        f"upload/{upload.id}",
        set=set_slug,
        filename=upload.filename,
        sha256=upload.sha256,
        bytes=len(data),
    )
    return upload


def purge_stale(session: Session, retention_hours: float) -> int:
    """Delete uploads previewed but not applied for longer than ``retention_hours``."""
    cutoff = utcnow() - timedelta(hours=retention_hours)
    result = session.execute(
        delete(Upload).where(Upload.applied_at.is_(None), Upload.created_at < cutoff)
    )
    return result.rowcount or 0


def finished(upload: Upload) -> None:
    """Applied: keep the record (who, what, digest), drop the bytes."""
    upload.applied_at = utcnow()
    upload.content = b""


def cancel(session: Session, actor: Actor, upload_id: int) -> Upload:
    """The uploader changed their mind: the staged file is deleted."""
    upload = session.get(Upload, upload_id)
    if upload is None:
        raise NotFound(f"no upload #{upload_id}")
    upload = get_upload(session, actor, upload_id, upload.kind)
    session.delete(upload)
    audit.record(session, actor.email, f"upload.{upload.kind}.cancel", f"upload/{upload_id}")
    return upload


def staged_summary(session: Session) -> tuple[int, int]:
    """(uploads waiting to be applied, bytes they hold), for the size report."""
    count, size = session.execute(
        select(
            func.count(Upload.id), func.coalesce(func.sum(func.length(Upload.content)), 0)
        ).where(Upload.applied_at.is_(None))
    ).one()
    return int(count), int(size)


def get_upload(session: Session, actor: Actor, upload_id: int, kind: str) -> Upload:
    """The caller's own, not yet applied upload of ``kind``."""
    upload = session.get(Upload, upload_id)
    if upload is None or upload.kind != kind:
        raise NotFound(f"no {kind} upload #{upload_id}")
    if upload.actor != actor.email:
        raise Forbidden(f"upload #{upload_id} belongs to {upload.actor}")
    if upload.applied_at is not None:
        raise Conflict(f"upload #{upload_id} was already applied at {upload.applied_at:%H:%M}")
    return upload


def plan_needs_upload(
    session: Session, actor: Actor, *, set_slug: str, filename: str, data: bytes, today: date
) -> NeedPlan:
    """Every row checked, including that each district is inside the actor's region."""
    text = decode_text(data, filename)
    return plan_needs(
        session,
        frame_from_text(text, filename),
        name=filename,
        set_slug=set_slug,
        today=today,
        may_change=lambda code, parent: may_edit_district(actor, set_slug, code, parent),
    )


def preview_needs(
    session: Session,
    actor: Actor,
    *,
    set_slug: str,
    filename: str,
    data: bytes,
    today: date,
    retention_hours: float = DEFAULT_RETENTION_HOURS,
) -> tuple[NeedPlan, Upload | None]:
    """The plan, and (only when it has no errors) the staged upload to confirm."""
    plan = plan_needs_upload(
        session, actor, set_slug=set_slug, filename=filename, data=data, today=today
    )
    if plan.errors:
        return plan, None
    upload = stage(
        session,
        actor,
        kind="needs",
        set_slug=set_slug,
        filename=filename,
        data=data,
        retention_hours=retention_hours,
    )
    upload.options = {"basis": _basis(session, plan)}
    return plan, upload


def apply_needs(session: Session, actor: Actor, upload_id: int, today: date) -> ImportReport:
    upload = get_upload(session, actor, upload_id, "needs")
    plan = plan_needs_upload(
        session,
        actor,
        set_slug=upload.set_slug,
        filename=upload.filename,
        data=upload.content,
        today=today,
    )
    if plan.errors:
        raise InputError(
            f"{upload.filename} no longer passes its checks; nothing was loaded: "
            + "; ".join(plan.errors[:5])
        )
    moved = _moved_since(session, plan, upload.options.get("basis", {}))
    if moved:
        raise Conflict(
            "changed since your preview, so nothing was loaded: "
            + "; ".join(moved[:10])
            + ". Upload the file again to see the new preview."
        )
    report = ImportReport("needs", f"upload #{upload.id} {upload.filename}", upload.set_slug)
    report.actor = actor.email
    run = write_needs(session, plan, report, author=actor.email)
    finished(upload)
    upload.import_run_id = run.id
    return report


def _basis(session: Session, plan: NeedPlan) -> dict[str, int | None]:
    latest = queries.latest_need_ids(session, plan.set_id, [row.code for row in plan.rows])
    return {row.code: latest.get(row.code) for row in plan.rows}


def _moved_since(session: Session, plan: NeedPlan, basis: dict) -> list[str]:
    latest = queries.latest_need_ids(session, plan.set_id, [row.code for row in plan.rows])
    moved = []
    for row in plan.rows:
        if latest.get(row.code) != basis.get(row.code):
            need = session.get(Need, latest[row.code])
            moved.append(f"{row.code} was set to {need.score:g} by {need.author} ({need.reason})")
    return moved

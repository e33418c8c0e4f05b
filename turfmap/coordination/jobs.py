"""Jobs: long work asked for on a page, done outside the request.

A request stages what the work needs and queues a job (``enqueue``), then answers
at once with the job's page, which shows the report as it grows and, when the job
is over, its outcome. A job worker takes queued jobs one at a time, oldest first:
``turfmap jobs work`` (a process of its own, as production runs it), or, with
TURFMAP_JOBS=web, a thread of the web worker that queued the job. Taking a job is
one conditional UPDATE, so two workers never take the same one.

A job whose worker died mid-way stays "running"; ``work``, when it starts, gives
such jobs older than STALE_MINUTES back to the queue.
"""

from __future__ import annotations

import logging
import threading
import time
import traceback
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError

from turfmap.coordination import boundary_uploads, uploads
from turfmap.coordination.permissions import Actor
from turfmap.coordination.users import actor_of
from turfmap.errors import NotFound, TurfmapError
from turfmap.store.db import SQLITE_TIMEOUT_SECONDS, Database
from turfmap.store.models import Job, Upload, User, utcnow

log = logging.getLogger(__name__)
PROGRESS_SECONDS = 0.5  # how often a running job's progress is written, at most
STALE_MINUTES = 30


def _boundaries_dry_run(db: Database, actor: Actor, job: Job, on_note) -> dict:
    try:
        report = boundary_uploads.dry_run(db, actor, job.upload_id, on_note)
    except TurfmapError:
        # A refused file is not kept for a write that cannot follow.
        with db.transaction() as session:
            uploads.cancel(session, actor, job.upload_id)
        raise
    return {"report": report.render(), "upload_id": job.upload_id}


def _boundaries_write(db: Database, actor: Actor, job: Job, on_note) -> dict:
    report = boundary_uploads.write_generation(db, actor, job.upload_id, on_note)
    return {"report": report.render(), "summary": report.lines[-1] if report.lines else ""}


HANDLERS: dict[str, Callable[..., dict]] = {
    "boundaries.dry_run": _boundaries_dry_run,
    "boundaries.write": _boundaries_write,
}


def enqueue(session, actor: Actor, kind: str, upload_id: int | None = None) -> Job:
    if kind not in HANDLERS:
        raise ValueError(f"no such job kind: {kind}")
    job = Job(
        kind=kind, actor=actor.email, upload_id=upload_id, status="queued", progress="", result={}
    )
    session.add(job)
    session.flush()
    return job


def get_job(session, actor: Actor, job_id: int) -> tuple[Job, Upload | None]:
    """The job and the upload it works on, to the one who asked for it (anyone
    else: 404, as if it did not exist)."""
    job = session.get(Job, job_id)
    if job is None or job.actor != actor.email:
        raise NotFound(f"no job #{job_id}")
    return job, session.get(Upload, job.upload_id) if job.upload_id else None


def claim_next(db: Database) -> int | None:
    """Take the oldest queued job for this worker; its id, or None."""
    with db.transaction() as session:
        for job_id in session.scalars(
            select(Job.id).where(Job.status == "queued").order_by(Job.id).limit(5)
        ):
            taken = session.execute(
                update(Job)
                .where(Job.id == job_id, Job.status == "queued")
                .values(status="running", started_at=utcnow(), progress="")
            )
            if taken.rowcount == 1:
                return job_id
    return None


def run(db: Database, job_id: int) -> None:
    """Do a taken job and record its outcome; a refusal of the input is recorded
    with its message (the page shows it as a 400), anything else as our failure."""
    with db.session() as session:
        job = session.get(Job, job_id)
        user = session.scalar(select(User).where(User.email == job.actor))
        actor = actor_of(user) if user is not None else Actor(job.actor, "none")
        session.expunge(job)
    progress = _Progress(db, job_id)
    try:
        result = HANDLERS[job.kind](db, actor, job, progress.note)
    except TurfmapError as refused:
        _finish(db, job_id, "failed", error=refused.message, error_status=refused.status)
    except Exception:  # a job must end recorded, whatever went wrong; the log has it all
        log.error("job #%s (%s) failed:\n%s", job_id, job.kind, traceback.format_exc())
        _finish(
            db,
            job_id,
            "failed",
            error="turfmap failed while doing this (the server's log says why); nothing "
            "was written",
            error_status=500,
        )
    else:
        _finish(db, job_id, "done", result=result)


def work(db: Database, *, once: bool = False, poll_seconds: float = 1.0, stop=None) -> int:
    """Take and do jobs until stopped (or, with ``once``, until none is queued);
    the number done."""
    done = 0
    _requeue_stale(db)
    while stop is None or not stop.is_set():
        job_id = claim_next(db)
        if job_id is None:
            if once:
                return done
            time.sleep(poll_seconds)
            continue
        run(db, job_id)
        done += 1
    return done


class InProcessWorker:
    """TURFMAP_JOBS=web: a thread of the web worker does the jobs queued, started
    when one is queued and ending when none is left."""

    def __init__(self, db: Database):
        self._db = db
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def kick(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=work, args=(self._db,), kwargs={"once": True}, daemon=True
                )
                self._thread.start()

    def wait(self, seconds: float = 120) -> None:
        """Until the current thread has done every queued job (tests)."""
        if self._thread is not None:
            self._thread.join(seconds)


class _Progress:
    """Writes the report's lines into the job as they come, at most every
    PROGRESS_SECONDS, each write a short transaction of its own.

    Some lines are noted inside the job's own write transaction; on SQLite, which
    has one writer at a time, a progress write would then wait for the job that is
    waiting for it. So on SQLite a progress write that cannot have the database at
    once is left for the next line (or the final report) instead."""

    def __init__(self, db: Database, job_id: int):
        self._db, self._job_id = db, job_id
        self._lines: list[str] = []
        self._written_at = 0.0

    def note(self, line: str) -> None:
        self._lines.append(line)
        if time.monotonic() - self._written_at < PROGRESS_SECONDS:
            return
        self._written_at = time.monotonic()
        statement = (
            update(Job).where(Job.id == self._job_id).values(progress="\n".join(self._lines))
        )
        with self._db.engine.connect() as connection:
            waits = connection.dialect.name == "sqlite"
            if waits:
                connection.exec_driver_sql("PRAGMA busy_timeout = 0")
            try:
                connection.execute(statement)
                connection.commit()
            except OperationalError:
                if not waits:
                    raise
                connection.rollback()  # the database is the job's just now: next line
            finally:
                if waits:
                    wait_ms = SQLITE_TIMEOUT_SECONDS * 1000
                    connection.exec_driver_sql(f"PRAGMA busy_timeout = {wait_ms}")


def _finish(db: Database, job_id: int, status: str, **values) -> None:
    with db.transaction() as session:
        session.execute(
            update(Job)
            .where(Job.id == job_id)
            .values(status=status, finished_at=utcnow(), **values)
        )


def _requeue_stale(db: Database) -> None:
    cutoff = utcnow() - timedelta(minutes=STALE_MINUTES)
    with db.transaction() as session:
        requeued = session.execute(
            update(Job)
            .where(Job.status == "running", Job.started_at < cutoff)
            .values(status="queued", progress="")
        ).rowcount
    if requeued:
        log.warning("%d job(s) left running by a worker that stopped were queued again", requeued)

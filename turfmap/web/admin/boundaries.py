"""Boundary sets for admins: upload a file, read the dry-run report, write the
new generation (inactive), then activate it when ready."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import login_required

from turfmap.coordination import boundary_uploads, jobs
from turfmap.coordination.permissions import require_admin
from turfmap.coordination.switch import review_switch, switch
from turfmap.coordination.uploads import get_upload
from turfmap.errors import InputError
from turfmap.extensions import services
from turfmap.store import generations
from turfmap.web.admin import actor, admin, job_thread
from turfmap.web.admin.forms import BoundaryUploadForm, TokenOnly
from turfmap.web.clock import today


@admin.route("/boundaries", methods=["GET", "POST"])
@login_required
def boundaries():
    require_admin(actor())
    form = BoundaryUploadForm()
    if not form.is_submitted():
        return _listing(form)
    if not form.validate():
        raise InputError("; ".join(f"{f}: {', '.join(e)}" for f, e in form.errors.items()))
    upload = form.file.data
    options = boundary_uploads.BoundaryOptions(
        set_slug=_typed(form.set_slug),
        set_name=_typed(form.set_name),
        level=_typed(form.level) or "district",
        code_field=_typed(form.code_field),
        name_field=_typed(form.name_field),
        parent_set=_typed(form.parent_set),
        accept=bool(form.accept.data),
        max_unzipped_mb=current_app.config["TURFMAP_MAX_UNZIPPED_MB"],
    )
    with services().db.transaction() as session:
        staged = boundary_uploads.stage_upload(
            session,
            actor(),
            filename=upload.filename or "",
            data=upload.read(),
            options=options,
            retention_hours=current_app.config["TURFMAP_UPLOAD_RETENTION_HOURS"],
        )
        job = jobs.enqueue(session, actor(), "boundaries.dry_run", staged.id)
    return _started(job.id)


@admin.post("/uploads/<int:upload_id>/generation")
@login_required
def write_generation(upload_id: int):
    require_admin(actor())
    if not TokenOnly().validate():
        abort(400)
    with services().db.transaction() as session:
        get_upload(session, actor(), upload_id, "boundaries")  # still there, still theirs
        job = jobs.enqueue(session, actor(), "boundaries.write", upload_id)
    return _started(job.id)


@admin.get("/jobs/<int:job_id>")
@login_required
def job_page(job_id: int):
    """The job's progress while it runs (the page reloads itself), then its report,
    or why it failed (with that failure's status: 400 when the file was refused)."""
    with services().db.session() as session:
        job, upload = jobs.get_job(session, actor(), job_id)
    status = job.error_status if job.status == "failed" else 200
    return render_template(
        "admin/job.html", job=job, upload=upload, confirm=TokenOnly(), waiting=_waiting(job)
    ), status


def _started(job_id: int):
    worker = job_thread()
    if worker is not None:
        worker.kick()
    return redirect(url_for("admin.job_page", job_id=job_id))


def _waiting(job) -> str | None:
    """What the page says while the job is not over."""
    if job.status == "queued":
        if job_thread() is None:
            return "Waiting for a job worker (`turfmap jobs work`) to take it."
        return "Waiting to start."
    if job.status == "running":
        return "Working on it: the report so far is below."
    return None


@admin.get("/generations/<set_slug>/<int:number>/activate")
@login_required
def review_activation(set_slug: str, number: int):
    """What switching would show the public and move, before anything changes."""
    require_admin(actor())
    with services().db.session() as session:
        _, review = review_switch(session, set_slug, number, today())
    return render_template("admin/switch_review.html", review=review, confirm=TokenOnly())


@admin.post("/generations/<set_slug>/<int:number>/activate")
@login_required
def activate(set_slug: str, number: int):
    require_admin(actor())
    if not TokenOnly().validate():
        abort(400)
    force = request.form.get("force") == "1"
    with services().db.transaction() as session:
        switch(session, actor().email, set_slug, number, today(), force=force)
    services().spatial.invalidate()
    flash(f"{set_slug}: generation {number} is now active.")
    return redirect(url_for("admin.boundaries"))


def _typed(field) -> str | None:
    return (field.data or "").strip() or None


def _listing(form):
    with services().db.session() as session:
        rows = [
            (g.boundary_set.slug, g.number, g.active, len(g.districts), g.created_at, g.source)
            for g in generations.generations(session)
        ]
    return render_template(
        "admin/boundaries.html", form=form, generations=rows, activate=TokenOnly()
    )

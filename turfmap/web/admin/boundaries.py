"""Boundary sets for admins: upload a file, read the dry-run report, write the
new generation (inactive), then activate it when ready."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import login_required

from turfmap.coordination import boundary_uploads
from turfmap.coordination.permissions import require_admin
from turfmap.coordination.switch import review_switch, switch
from turfmap.errors import InputError
from turfmap.extensions import services
from turfmap.store import generations
from turfmap.web.admin import actor, admin
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
    report, staged = boundary_uploads.dry_run(
        services().db,
        actor(),
        filename=upload.filename or "",
        data=upload.read(),
        options=options,
        retention_hours=current_app.config["TURFMAP_UPLOAD_RETENTION_HOURS"],
    )
    return render_template(
        "admin/boundary_report.html", report=report, staged=staged, confirm=TokenOnly()
    )


@admin.post("/uploads/<int:upload_id>/generation")
@login_required
def write_generation(upload_id: int):
    if not TokenOnly().validate():
        abort(400)
    report = boundary_uploads.write_generation(services().db, actor(), upload_id)
    flash(report.lines[-1] if report.lines else "Generation written.")
    return redirect(url_for("admin.boundaries"))


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

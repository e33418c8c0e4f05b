"""Bulk needs: upload a CSV, see per district what would change (and every bad
row), then confirm to apply all of it in one transaction, or none."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import login_required

from turfmap.coordination import uploads
from turfmap.coordination.permissions import editable_sets
from turfmap.errors import Forbidden, InputError
from turfmap.extensions import services
from turfmap.store import queries
from turfmap.web.admin import actor, admin
from turfmap.web.admin.forms import NeedsUploadForm, TokenOnly
from turfmap.web.clock import board, today


@admin.route("/needs/upload", methods=["GET", "POST"])
@login_required
def needs_upload():
    form = NeedsUploadForm()
    with services().db.session() as session:
        form.set_slug.choices = editable_sets(actor(), queries.set_slugs(session))
    if not form.set_slug.choices:
        raise Forbidden(f"{actor().email} may not change needs in any boundary set")
    if not form.is_submitted():
        return render_template("admin/needs_upload.html", form=form)
    if form.set_slug.data not in form.set_slug.choices:
        raise Forbidden(f"{actor().email} may not change needs in {form.set_slug.data!r}")
    if not form.validate():
        raise InputError("; ".join(f"{f}: {', '.join(e)}" for f, e in form.errors.items()))
    upload = form.file.data
    with services().db.transaction() as session:
        plan, staged = uploads.preview_needs(
            session,
            actor(),
            set_slug=form.set_slug.data,
            filename=upload.filename or "needs.csv",
            data=upload.read(),
            today=today(),
            retention_hours=current_app.config["TURFMAP_UPLOAD_RETENTION_HOURS"],
        )
        today_board = board()
        changes = plan.changes(lambda code: today_board.summary(plan.set_slug, code))
    return render_template(
        "admin/needs_preview.html",
        plan=plan,
        changes=changes,
        staged=staged,
        filename=upload.filename,
        confirm=TokenOnly(),
    ), (400 if plan.errors else 200)


@admin.post("/uploads/<int:upload_id>/apply")
@login_required
def apply_upload(upload_id: int):
    if not TokenOnly().validate():
        abort(400)
    with services().db.transaction() as session:
        report = uploads.apply_needs(session, actor(), upload_id, today())
    flash(f"Applied {report.counts['needs']} needs from upload #{upload_id}.")
    return redirect(url_for("admin.needs_upload"))


@admin.post("/uploads/<int:upload_id>/cancel")
@login_required
def cancel_upload(upload_id: int):
    if not TokenOnly().validate():
        abort(400)
    with services().db.transaction() as session:
        upload = uploads.cancel(session, actor(), upload_id)
    flash(f"Cancelled: {upload.filename} was deleted without being applied.")
    if upload.kind == "boundaries":
        return redirect(url_for("admin.boundaries"))
    return redirect(url_for("admin.needs_upload"))

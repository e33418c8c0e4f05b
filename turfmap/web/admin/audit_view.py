"""The audit log, for admins: read, filter, export as CSV."""

from __future__ import annotations

from flask import Response, render_template, request
from flask_login import login_required

from turfmap.coordination import audit
from turfmap.coordination.permissions import require_admin
from turfmap.extensions import services
from turfmap.web.admin import actor, admin


@admin.get("/audit")
@login_required
def audit_log():
    require_admin(actor())
    with services().db.session() as session:
        rows = audit.events(
            session,
            actor=request.args.get("actor") or None,
            action=request.args.get("action") or None,
        )
    if request.args.get("format") == "csv":
        return Response(
            audit.as_csv(rows),
            mimetype="text/csv",
            headers={"Content-Disposition": "attachment; filename=audit.csv"},
        )
    return render_template("admin/audit.html", rows=rows, args=request.args)

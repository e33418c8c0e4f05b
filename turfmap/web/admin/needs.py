"""One district's need: edit with a reason and expiry, history, revert."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import abort, redirect, render_template, request, url_for
from flask_login import login_required

from turfmap.coordination.contacts import contact_of, set_contact
from turfmap.coordination.needs import edit_need, latest_need_id, revert_need
from turfmap.coordination.permissions import require_district
from turfmap.errors import Conflict, InputError
from turfmap.extensions import services
from turfmap.store import queries
from turfmap.web.admin import actor, admin
from turfmap.web.admin.forms import ContactForm, NeedForm, TokenOnly
from turfmap.web.clock import board, today


@admin.route("/needs/<set_slug>/<code>", methods=["GET", "POST"])
@login_required
def district(set_slug: str, code: str):
    form = NeedForm()
    conflict = problem = None
    with services().db.transaction() as session:
        if request.method == "POST":
            try:
                if not form.validate():
                    raise InputError(
                        "; ".join(f"{f}: {', '.join(e)}" for f, e in form.errors.items())
                    )
                edit_need(
                    session,
                    actor(),
                    set_slug=set_slug,
                    code=code,
                    score=float(form.score.data),
                    reason=form.reason.data,
                    expires=form.expires.data,
                    base_id=_base(form.base_id.data),
                    today=today(),
                )
            except Conflict as exc:
                conflict = exc
            except InputError as exc:
                # The form again, with what was typed and the problem named: a
                # coordinator should not lose a long reason to one wrong character.
                problem = exc
            else:
                return redirect(url_for("admin.district", set_slug=set_slug, code=code))
        page = _district_page(session, set_slug, code)
    status = 409 if conflict else 400 if problem else 200
    contact_form = ContactForm(formdata=None, obj=page["contact"])
    return _page(page, form, contact_form, status, conflict=conflict, problem=problem)


@admin.post("/needs/<set_slug>/<code>/revert/<int:need_id>")
@login_required
def revert(set_slug: str, code: str, need_id: int):
    form = TokenOnly()
    if not form.validate():
        abort(400)
    with services().db.transaction() as session:
        revert_need(
            session,
            actor(),
            set_slug=set_slug,
            code=code,
            need_id=need_id,
            base_id=_base(form.base_id.data),
            today=today(),
        )
    return redirect(url_for("admin.district", set_slug=set_slug, code=code))


def _base(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() else None


def _district_page(session, set_slug, code) -> dict:
    boundary_set, district = queries.active_district(session, code)
    if boundary_set.slug != set_slug:
        abort(404)
    require_district(actor(), set_slug, code, district.parent_code)
    return {
        "set_slug": set_slug,
        "district": district,
        "history": queries.need_history(session, boundary_set.id, code),
        "current": board().summary(set_slug, code),
        "base_id": latest_need_id(session, boundary_set.id, code),
        "contact": contact_of(session, boundary_set.id, code),
    }


@admin.post("/needs/<set_slug>/<code>/contact")
@login_required
def contact(set_slug: str, code: str):
    """The district's contact for volunteers; a refusal keeps the page and names why."""
    form = ContactForm()
    problem = None
    with services().db.transaction() as session:
        try:
            if not form.validate():
                raise InputError("the form expired; reload the page and try again")
            set_contact(
                session,
                actor(),
                set_slug=set_slug,
                code=code,
                link=form.link.data or "",
                text=form.text.data or "",
                now=datetime.now(UTC),
            )
        except InputError as exc:
            problem = exc
        else:
            return redirect(url_for("admin.district", set_slug=set_slug, code=code))
    with services().db.session() as session:
        page = _district_page(session, set_slug, code)
    return _page(page, NeedForm(formdata=None), form, 400, contact_problem=problem)


def _page(page, need_form, contact_form, status, **problems):
    """The district's workspace page, with both forms and whatever was refused."""
    need_form.base_id.data = page["base_id"]
    shown = {"conflict": None, "problem": None, "contact_problem": None} | problems
    return render_template(
        "admin/district.html",
        form=need_form,
        revert=TokenOnly(),
        contact_form=contact_form,
        **shown,
        **page,
    ), status

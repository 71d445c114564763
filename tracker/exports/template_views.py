"""Shortlist templates: save the export page's columns under a name, rename or delete one.

A template is its owner's alone: anyone else's is not found (404), HR's included. Using one
is a GET of the export page (``?template=<id>``), in views.py.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tracker.accounts.permissions import Permission, permissions_of, require
from tracker.actions import attempt
from tracker.exports import columns as registry
from tracker.exports import queries, saved
from tracker.exports.forms import DeleteTemplateForm, RenameTemplateForm, SaveTemplateForm
from tracker.exports.models import ExportTemplate
from tracker.exports.views import bp
from tracker.routing import is_id


def own_template_or_404(template_id: str | int) -> ExportTemplate:
    if not is_id(str(template_id)):
        abort(404)
    template = saved.find_own(current_user, int(template_id))
    if template is None:
        abort(404)
    return template


def _headers(keys: list[str]) -> list[tuple[str, str]]:
    """The columns as the export page names them, in order; unknown keys as they are (the
    service refuses them with a message)."""
    offered = {
        c.key: c.header
        for c in registry.allowed(
            permissions_of(current_user), queries.criterion_keys(current_user)
        )
    }
    return [(key, offered.get(key, key)) for key in dict.fromkeys(keys)]


@bp.route("/templates/new", methods=["GET", "POST"])
@require(Permission.EXPORT_SHORTLISTS)
def new_template():
    form = SaveTemplateForm(formdata=request.form if request.method == "POST" else request.args)
    if request.method == "POST" and form.validate():
        outcome = attempt(
            form,
            lambda: saved.save_template(
                actor=current_user, name=form.name.data, columns=form.columns.data or []
            ),
            field="name",
        )
        if outcome:
            flash(f"Template “{outcome.value.name}” saved", "success")
            return redirect(url_for("exports.shortlist", template=outcome.value.id))
    if request.method == "GET":
        form.name.errors = []
    return render_template(
        "exports/template_new.html", form=form, columns=_headers(form.columns.data or [])
    )


@bp.route("/templates/<template_id>", methods=["GET", "POST"])
@require(Permission.EXPORT_SHORTLISTS)
def template(template_id: str):
    found = own_template_or_404(template_id)
    form = RenameTemplateForm(obj=found if request.method == "GET" else None)
    if request.method == "POST" and form.validate():
        outcome = attempt(
            form,
            lambda: saved.rename_template(actor=current_user, template=found, name=form.name.data),
            field="name",
        )
        if outcome:
            flash(f"Template renamed “{outcome.value.name}”", "success")
            return redirect(url_for("exports.shortlist", template=found.id))
    return render_template(
        "exports/template.html",
        form=form,
        template=found,
        columns=_headers(found.columns),
        delete_form=DeleteTemplateForm(),
    )


@bp.post("/templates/<template_id>/delete")
@require(Permission.EXPORT_SHORTLISTS)
def delete_template(template_id: str):
    found = own_template_or_404(template_id)
    name = found.name
    form = DeleteTemplateForm()
    if form.validate() and attempt(
        None, lambda: saved.delete_template(actor=current_user, template=found)
    ):
        flash(f"Template “{name}” deleted", "success")
    return redirect(url_for("exports.shortlist"))

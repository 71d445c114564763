"""Shortlist templates: save the export page's columns under a name, rename or delete one.

A template is its owner's alone: anyone else's is not found (404), HR's included. Using one
is a GET of the export page (``?template=<id>`` with the rest of the page's choices), in
views.py; saving one carries those choices through and back.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from tracker.accounts.permissions import Permission, permissions_of, require
from tracker.actions import attempt
from tracker.exports import columns as registry
from tracker.exports import queries, saved
from tracker.exports.blueprint import bp
from tracker.exports.extras import criterion_label
from tracker.exports.forms import DeleteTemplateForm, RenameTemplateForm, SaveTemplateForm
from tracker.exports.models import ExportTemplate

# What the export page's form sends besides its columns: carried through "Save as template"
# and back, so that saving or using a template keeps the candidates, dates and format chosen.
CARRIED = ("role_id", "track_id", "campaign_id", "status", "submitted_from", "submitted_to")


def carried(args: MultiDict) -> list[tuple[str, str]]:
    return [(name, value) for name in (*CARRIED, "format") for value in args.getlist(name)]


def own_template_or_404(template_id: str | int) -> ExportTemplate:
    return saved.own_template_or_404(current_user, template_id)


def _headers(keys: list[str]) -> list[tuple[str, str]]:
    """The columns as the export page names them, in order; unknown keys as they are (the
    service refuses them with a message)."""
    offered = {
        c.key: c.header
        for c in registry.allowed(
            permissions_of(current_user), queries.criterion_keys(current_user)
        )
    }
    gone = set(saved.no_longer_offered(keys, set(offered)))
    named = []
    for key in dict.fromkeys(keys):
        if key in gone:
            what = f"{criterion_label(key)} average" if registry.CRITERION_KEY.match(key) else key
            named.append((key, f"{what} (no longer available)"))
        else:
            known = registry.COLUMNS.get(key)
            named.append((key, offered.get(key) or (known.header if known else key)))
    return named


@bp.route("/templates/new", methods=["GET", "POST"])
@require(Permission.EXPORT_SHORTLISTS)
def new_template():
    sent = request.form if request.method == "POST" else request.args
    form = SaveTemplateForm(formdata=sent)
    choices = carried(sent)
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
            back = MultiDict(choices)
            return redirect(
                url_for("exports.shortlist", template=outcome.value.id, **back.to_dict(flat=False))
            )
    if request.method == "GET":
        form.name.errors = []
    return render_template(
        "exports/template_new.html",
        form=form,
        columns=_headers(form.columns.data or []),
        carried=choices,
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

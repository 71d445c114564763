"""Shortlist exports for HR and hiring managers: choose, see how many match, download.

A role or track is found through the user's scope, so one outside it is simply not found
(404). The export is audited and committed before its first row is sent; both formats are
written one candidate at a time as rows arrive from a server-side cursor.
"""

from __future__ import annotations

import os

from flask import (
    Response,
    abort,
    render_template,
    request,
    stream_with_context,
)
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from tracker.accounts.permissions import Permission, permissions_of, require
from tracker.actions import attempt, check
from tracker.clock import today
from tracker.exports import columns as registry
from tracker.exports import files, queries, saved, services
from tracker.exports.blueprint import bp
from tracker.exports.extras import CRITERIA, criterion_key, criterion_label
from tracker.exports.forms import ShortlistForm

_FILTERS = ("role_id", "track_id", "campaign_id", "status")


def _form(args: MultiDict) -> ShortlistForm:
    form = ShortlistForm(formdata=args)
    if args.get("move"):
        form.move(args["move"])
    form.offer(
        roles=queries.roles_to_choose(current_user),
        tracks=queries.tracks_to_choose(current_user),
        campaigns=queries.campaigns_to_choose(current_user),
        criteria=queries.criterion_keys(current_user),
        permissions=permissions_of(current_user),
    )
    return form


def _shortlist(form: ShortlistForm) -> queries.Shortlist:
    """:raise 404: when the role, track or campaign does not exist or is outside the user's
    scope."""
    filters = {
        "statuses": form.stages,
        "submitted_from": form.submitted_from.data,
        "submitted_to": form.submitted_to.data,
    }
    if form.role_id.data:
        found = {"role": queries.find_role(current_user, int(form.role_id.data))}
    elif form.track_id.data:
        found = {"track": queries.find_track(current_user, int(form.track_id.data))}
    else:
        found = {"campaign": queries.find_campaign(current_user, int(form.campaign_id.data))}
    if None in found.values():
        abort(404)
    return queries.Shortlist(**found, **filters)


def _page(form: ShortlistForm, shortlist: queries.Shortlist | None, removed=()):
    chosen = _chosen(form)
    return render_template(
        "exports/shortlist.html",
        form=form,
        shortlist=shortlist,
        matching=queries.count(current_user, shortlist) if shortlist else None,
        chosen=chosen,
        templates=saved.templates_of(current_user),
        removed=[_gone(key) for key in removed],
        several_roles_with_criteria=not form.role_id.data
        and any(registry.CRITERION_KEY.match(key) for key, _ in chosen),
    )


def _gone(key: str) -> str:
    """A column no longer offered, as the page names it."""
    if registry.CRITERION_KEY.match(key):
        return f"{criterion_label(key)} average"
    return key


def _chosen(form: ShortlistForm) -> list[tuple[str, str]]:
    """The ticked columns, in the file's order, for the page's "Order of columns" list."""
    headers = dict(form.columns.choices)
    return [(k, headers[k]) for k in dict.fromkeys(form.columns.data or []) if k in headers]


@bp.get("/shortlist")
@require(Permission.EXPORT_SHORTLISTS)
def shortlist():
    args = request.args.copy()
    template = None
    removed: list[str] = []
    if args.get("template"):
        # Its columns, in its order, in place of the ticked ones; everything else as sent.
        template = saved.own_template_or_404(current_user, args.pop("template"))
        offered = {
            c.key
            for c in registry.allowed(
                permissions_of(current_user), queries.criterion_keys(current_user)
            )
        }
        removed = saved.no_longer_offered(template.columns, offered)
        args.setlist("columns", [k for k in template.columns if k not in removed])
        args.setdefault("format", files.XLSX)
    if "format" not in args:
        # Arriving (from the staff home or a candidate list): the usual columns, ticked.
        args.setlist("columns", registry.defaults(permissions_of(current_user)))
        args["format"] = files.XLSX
    form = _form(args)
    found = None
    chosen = any(args.get(name) for name in _FILTERS) or "format" in request.args
    if chosen and form.validate():
        found = _shortlist(form)
    elif request.args.get("move"):
        # Reordering columns is not asking for an export: no errors for what is not chosen yet.
        for field in form:
            field.errors = []
        form.form_errors = []
    elif not chosen and template is not None:
        # A template applied before anything else is chosen: its columns are checked now, so
        # that one the user may no longer export says so at once. The stages are not chosen
        # yet: names and contact details are checked against them at the export.
        check(
            form,
            lambda: saved.usable_columns(current_user, args.getlist("columns")),
            field="columns",
        )
    return _page(form, found, removed)


@bp.get("/shortlist/download")
@require(Permission.EXPORT_SHORTLISTS)
def download():
    form = _form(request.args)
    if not form.validate():
        return _page(form, None)
    found = _shortlist(form)
    if request.method == "HEAD":
        # Flask answers HEAD for every GET route: a link checker or a browser probing the
        # download gets its headers, and no export is made or audited.
        return _headers(found, form.format.data)
    # Audited and committed before the first row is sent: a file that leaves is on record.
    if not attempt(
        form,
        lambda: services.export_shortlist(
            actor=current_user,
            shortlist=found,
            columns=form.columns.data,
            file_format=form.format.data,
        ),
        field="columns",
    ):
        return _page(form, found)
    return _send(found, form.columns.data, form.format.data)


def _filename(shortlist: queries.Shortlist, file_format: str) -> str:
    return f"shortlist-{shortlist.slug}-{today().isoformat()}.{file_format}"


def _headers(shortlist: queries.Shortlist, file_format: str) -> Response:
    response = Response(content_type=files.MEDIA_TYPES[file_format])
    response.headers.set(
        "Content-Disposition", "attachment", filename=_filename(shortlist, file_format)
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _send(shortlist: queries.Shortlist, keys: list[str], file_format: str) -> Response:
    user = current_user._get_current_object()
    permissions = permissions_of(user)
    chosen = registry.choose(keys, permissions, stages=shortlist.statuses)
    needs = registry.needs(chosen)
    roles = queries.roles(user, shortlist, criteria=CRITERIA in needs)
    if CRITERIA in needs and shortlist.role is not None:
        # One role: the criterion columns' headers name its criteria.
        words = {criterion_key(c): c.text for c in roles[0].criteria}
        chosen = registry.choose(keys, permissions, stages=shortlist.statuses, words=words)
    name = _filename(shortlist, file_format)
    if file_format == files.CSV:
        body = files.csv_body(user, shortlist, chosen, roles)
        response = Response(stream_with_context(body), content_type=files.MEDIA_TYPES[files.CSV])
    else:
        workbook = files.workbook(user, shortlist, chosen, roles)
        size = os.fstat(workbook.fileno()).st_size
        response = Response(
            files.read_and_close(workbook), content_type=files.MEDIA_TYPES[files.XLSX]
        )
        response.content_length = size
    response.headers.set("Content-Disposition", "attachment", filename=name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response

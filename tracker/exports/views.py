"""Shortlist exports for HR and hiring managers: choose, see how many match, download.

A role or track is found through the user's scope, so one outside it is simply not found
(404). The export is audited and committed before its first row is sent; both formats are
written one candidate at a time as rows arrive from a server-side cursor.
"""

from __future__ import annotations

import os

from flask import (
    Blueprint,
    Response,
    abort,
    render_template,
    request,
    stream_with_context,
)
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from tracker.accounts.permissions import Permission, permissions_of, require
from tracker.actions import attempt
from tracker.applications.states import Status
from tracker.clock import today
from tracker.exports import columns as registry
from tracker.exports import files, queries, services
from tracker.exports.forms import ShortlistForm

bp = Blueprint("exports", __name__, url_prefix="/staff/exports")

_FILTERS = ("role_id", "track_id", "status")


def _form(args: MultiDict) -> ShortlistForm:
    form = ShortlistForm(formdata=args)
    form.offer(
        roles=queries.roles_to_choose(current_user),
        tracks=queries.tracks_to_choose(current_user),
        permissions=permissions_of(current_user),
    )
    return form


def _shortlist(form: ShortlistForm) -> queries.Shortlist:
    """:raise 404: when the role or track does not exist or is outside the user's scope."""
    status = Status(form.status.data) if form.status.data else None
    if form.role_id.data:
        role = queries.find_role(current_user, int(form.role_id.data))
        if role is None:
            abort(404)
        return queries.Shortlist(role=role, status=status)
    track = queries.find_track(current_user, int(form.track_id.data))
    if track is None:
        abort(404)
    return queries.Shortlist(track=track, status=status)


def _page(form: ShortlistForm, shortlist: queries.Shortlist | None):
    return render_template(
        "exports/shortlist.html",
        form=form,
        shortlist=shortlist,
        matching=queries.count(current_user, shortlist) if shortlist else None,
    )


@bp.get("/shortlist")
@require(Permission.EXPORT_SHORTLISTS)
def shortlist():
    args = request.args.copy()
    if "format" not in args:
        # Arriving (from the staff home or a candidate list): the usual columns, ticked.
        args.setlist("columns", registry.defaults(permissions_of(current_user)))
        args["format"] = files.XLSX
    form = _form(args)
    found = None
    chosen = any(request.args.get(name) for name in _FILTERS) or "format" in request.args
    if chosen and form.validate():
        found = _shortlist(form)
    return _page(form, found)


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
    chosen = registry.choose(keys, permissions_of(user))
    name = _filename(shortlist, file_format)
    applications = queries.candidates(user, shortlist)
    if file_format == files.CSV:
        response = Response(
            stream_with_context(files.csv_chunks(chosen, applications)),
            content_type=files.MEDIA_TYPES[files.CSV],
        )
    else:
        workbook = files.xlsx_file(chosen, applications)
        size = os.fstat(workbook.fileno()).st_size
        response = Response(
            files.read_and_close(workbook), content_type=files.MEDIA_TYPES[files.XLSX]
        )
        response.content_length = size
    response.headers.set("Content-Disposition", "attachment", filename=name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response

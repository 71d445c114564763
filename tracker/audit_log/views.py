"""The audit log for people: sentences, filters, pages, a CSV file and each event's details."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import replace

from flask import (
    Blueprint,
    Response,
    abort,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_login import current_user
from markupsafe import Markup, escape

from tracker.accounts.models import User
from tracker.accounts.permissions import Permission, require
from tracker.actions import save
from tracker.audit import services
from tracker.audit.models import AuditEvent
from tracker.audit_log import queries, records, sentences
from tracker.audit_log.forms import AuditFilterForm
from tracker.clock import UK, today
from tracker.exports.columns import safe_text
from tracker.extensions import db
from tracker.routing import id_arg, page_arg

bp = Blueprint("audit", __name__, url_prefix="/admin")

CSV_HEADER = ["Time", "Person", "Action", "Sentence", "Record", "Reference"]
# Excel reads a CSV file as UTF-8 only when it starts with a byte order mark.
_BOM = "\ufeff"


def _form() -> tuple[AuditFilterForm, User | None]:
    form = AuditFilterForm(formdata=request.args).offer(queries.people_with_events())
    user_id = id_arg("user")  # a user's history, from their page: 404 for a number no id has
    user = db.session.get(User, user_id) if user_id else None
    if user_id and user is None:
        abort(404)
    return form, user


def _linked(row: records.Row) -> Markup:
    """The sentence, with the record's name as a link to its page."""
    text, link = row.sentence.text, row.sentence.link
    # The record is named after the person (who may be the record: "Jo Bloggs signed in").
    start = len(row.person)
    if link is None or not row.reference or row.reference not in text[start:]:
        return escape(text)
    at = text.index(row.reference, start)
    href = url_for(link[0], **link[1])
    return Markup('{}<a class="govuk-link" href="{}">{}</a>{}').format(
        text[:at], href, row.reference, text[at + len(row.reference) :]
    )


def _page(form: AuditFilterForm, user: User | None):
    valid = form.validate()
    filters = form.filters(user_id=user.id if user else None)
    events, page, pages, total = (
        queries.audit_page(filters, page=page_arg()) if valid else ([], 1, 1, 0)
    )
    rows = records.rows(events)
    return render_template(
        "audit/log.html",
        form=form,
        user=user,
        rows=[(row, _linked(row)) for row in rows],
        page=page,
        pages=pages,
        total=total,
        valid=valid,
        args=filters.as_args(),
        action_groups=sentences.grouped().items(),
    )


@bp.get("/audit")
@require(Permission.READ_AUDIT_LOG)
def log():
    form, user = _form()
    return _page(form, user)


@bp.get("/audit/<int:event_id>")
@require(Permission.READ_AUDIT_LOG)
def event(event_id: int):
    found = db.session.get(AuditEvent, event_id)
    if found is None:
        abort(404)
    [row] = records.rows([found])
    return render_template(
        "audit/event.html",
        row=row,
        sentence=_linked(row),
        raw=json.dumps(found.details or {}, indent=2, sort_keys=True, ensure_ascii=False),
    )


@bp.get("/audit.csv")
@require(Permission.READ_AUDIT_LOG)
def download():
    form, user = _form()
    if not form.validate():
        return _page(form, user)
    filters = form.filters(user_id=user.id if user else None)
    filters = replace(filters, up_to_id=queries.newest_id())
    if request.method == "HEAD":
        return _csv_response(iter(()))  # a probe gets the headers; nothing is taken or audited
    rows = queries.count(filters)
    save(
        lambda: services.record_download(
            actor=current_user, details=filters.as_details(), rows=rows
        )
    )
    return _csv_response(stream_with_context(_csv(filters)))


def _csv_response(body: Iterator[bytes]) -> Response:
    response = Response(body, content_type="text/csv; charset=utf-8")
    response.headers.set(
        "Content-Disposition", "attachment", filename=f"audit-log-{today().isoformat()}.csv"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _csv(filters: queries.Filters) -> Iterator[bytes]:
    """The file, a batch of events at a time: memory stays flat however many there are."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(_BOM)
    writer.writerow(CSV_HEADER)
    for batch in queries.every_event(filters):
        for row in records.rows(batch):
            writer.writerow(
                [
                    row.event.occurred_at.astimezone(UK).isoformat(timespec="seconds"),
                    # Every text cell, whoever typed it, is made safe from formulas.
                    *(
                        safe_text(value or "")
                        for value in (
                            row.person,
                            row.event.action,
                            row.sentence.text,
                            row.record,
                            row.reference,
                        )
                    ),
                ]
            )
        yield buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue().encode("utf-8")

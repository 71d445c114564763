"""The work queue's lists (/staff/queue/<key>) and HR's nudge to book. The home page that
counts the lines is staff.dashboard (see tracker.workqueue.home)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from tracker.accounts.permissions import Permission, require
from tracker.actions import add_error, attempt, save
from tracker.applications.models import Application
from tracker.applications.states import STAFF_LABELS
from tracker.catalogue.models import Role
from tracker.extensions import db
from tracker.notifications.rendering import REGISTRY, render_email
from tracker.routing import page_arg
from tracker.screening.queries import MATCH_LIMIT
from tracker.workqueue import hr_queries, lines, manager_queries, queries, services
from tracker.workqueue.forms import RemindForm
from tracker.workqueue.models import BookingReminder
from tracker.workqueue.queries import Settings

bp = Blueprint("workqueue", __name__, url_prefix="/staff/queue")
PAGE_SIZE = 50
NUDGE_KEY = "invited_not_booked"
# "Remind everyone" sends at most as many as the candidate list moves at once; the rest wait
# for the next press, so one request never loads and emails an unbounded number.
REMIND_LIMIT = MATCH_LIMIT

# ``since`` in the partner feedback list's page links: microseconds after EPOCH, so the exact
# time the list was opened from survives the round trip (0 = never looked before).
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_MAX_SINCE = (datetime.max.replace(tzinfo=UTC) - EPOCH) // _MICROSECOND


@dataclass(frozen=True)
class Page:
    rows: list
    total: int
    page: int
    pages: int


def _line(key: str) -> lines.Line:
    """:raise 404: for a key that is no line; 403 for another role's line."""
    line = lines.BY_KEY.get(key)
    if line is None:
        abort(404)
    if not current_user.has_role(line.audience):
        abort(403, description="this queue belongs to another role")
    return line


def _since() -> datetime | None:
    """The time a list of new partner feedback was opened from, carried by its paging; None
    when absent or not such a number (a crafted value is ignored, as page_arg ignores a bad
    page number)."""
    value = request.args.get("since", "").strip()
    if not (value.isascii() and value.isdigit() and len(value) <= len(str(_MAX_SINCE))):
        return None
    number = int(value)
    if number > _MAX_SINCE:
        return None
    try:
        return EPOCH + number * _MICROSECOND
    except (OverflowError, ValueError):
        return None


@bp.get("/<key>")
@require(Permission.VIEW_STAFF_PAGES)
def queue(key: str):
    """One line's candidates (or shares, or mentees), paged.

    Partner feedback received since you last looked: opening the list from the home page (no
    ``since``) lists what came after your last look and, when its first page lists any rows,
    counts as looking: your last look becomes now, so the home count drops to 0. Its page
    links carry the time the list was opened from in ``since``, so paging shows the same
    candidates and never marks anything seen; an empty list marks nothing.
    """
    line = _line(key)
    if line.kind == "emails":
        return redirect(url_for("admin.emails"))
    return _render_queue(line)


def _render_queue(line: lines.Line, form: RemindForm | None = None):
    key = line.key
    settings = Settings.from_config(current_app.config)
    since = opened = None
    if key == "partner_feedback_new":
        since = _since()
        opened = since is None
        if since is None:
            since = current_user.partner_feedback_seen_at or EPOCH
        query = manager_queries.partner_feedback_new(current_user, settings, since=since)
    else:
        query = line.select(current_user, settings)
    page = _paged(query, line, page_arg())
    groups = _review_groups(query) if key == "awaiting_my_score" else []
    if opened and page.page == 1 and page.rows:
        save(lambda: services.mark_partner_feedback_seen(actor=current_user, at=settings.now))
    return render_template(
        "workqueue/queue.html",
        line=line,
        title=line.text(page.total, settings),
        page=page,
        groups=groups,
        now=settings.now,
        stage_labels=STAFF_LABELS,
        nudge=key == NUDGE_KEY,
        form=form or RemindForm(formdata=None),
        previous_href=_page_href(key, page.page - 1, since) if page.page > 1 else None,
        next_href=_page_href(key, page.page + 1, since) if page.page < page.pages else None,
    )


def _paged(query, line: lines.Line, number: int) -> Page:
    total = queries.count(query)
    pages = max(1, math.ceil(total / PAGE_SIZE))
    number = min(max(number, 1), pages)
    if line.kind in ("candidates", "mentees"):
        query = query.options(selectinload(Application.role))
    rows = db.session.execute(query.limit(PAGE_SIZE).offset((number - 1) * PAGE_SIZE)).all()
    return Page(rows=list(rows), total=total, page=number, pages=pages)


def _page_href(key: str, number: int, since: datetime | None) -> str:
    args = {"page": number}
    if since is not None:
        args["since"] = (since - EPOCH) // _MICROSECOND
    return url_for("workqueue.queue", key=key, **args)


@dataclass(frozen=True)
class ReviewGroup:
    role: Role
    status: object
    count: int
    href: str


def _review_groups(query) -> list[ReviewGroup]:
    """The candidates waiting for the user's score, per role and stage: one query."""
    waiting = query.order_by(None).subquery()
    rows = db.session.execute(
        select(Role, waiting.c.status, func.count())
        .join(waiting, waiting.c.role_id == Role.id)
        .group_by(Role.id, waiting.c.status)
        .order_by(Role.position, Role.id, waiting.c.status)
    ).all()
    return [ReviewGroup(role, status, n, _review_href(role.id, status)) for role, status, n in rows]


def _review_href(role_id: int, status) -> str:
    return url_for("screening.review", role_id=role_id, status=status.value)


@bp.post(f"/{NUDGE_KEY}/remind")
@require(Permission.REMIND_CANDIDATES)
def remind():
    """Remind the selected candidates, or everyone in the queue not yet reminded in this stage
    (oldest first, up to REMIND_LIMIT a press), to book: first a confirmation page that lists
    them and shows the email, then ("Yes") exactly the candidates it listed who still wait.
    Ids that are not in this user's queue refuse the whole request: nothing is sent. A mistake
    comes back on the queue's page."""
    form = RemindForm()
    if form.validate_on_submit():
        picked = _chosen(form)
        if picked is not None:
            chosen, left = picked
            if not form.is_confirmed:
                return _confirm_page(form, chosen, left)
            sent = _send(form, chosen, left)
            if sent:
                flash(*sent)
                return redirect(url_for("workqueue.queue", key=NUDGE_KEY))
    return _render_queue(lines.BY_KEY[NUDGE_KEY], form)


def _chosen(form: RemindForm) -> tuple[list[Application], int] | None:
    """The candidates to remind and how many more wait beyond REMIND_LIMIT, or None with the
    reason on ``form``."""
    query = hr_queries.invited_not_booked(
        current_user, Settings.from_config(current_app.config)
    ).options(selectinload(Application.applicant))  # each email goes to the applicant
    if form.everyone:
        not_reminded = query.where(BookingReminder.id.is_(None))
        chosen = list(db.session.scalars(not_reminded.limit(REMIND_LIMIT)))
        if not chosen:
            add_error(
                form,
                "Everyone waiting to book a slot was already reminded in this stage"
                if queries.count(query)
                else "Nobody is waiting to book a slot",
                "application_ids",
            )
            return None
        left = queries.count(not_reminded) - REMIND_LIMIT if len(chosen) == REMIND_LIMIT else 0
        return chosen, left
    ids = set(form.application_ids.data)
    if not ids:
        add_error(
            form,
            "Select at least one candidate to remind, or choose to remind them all",
            "application_ids",
        )
        return None
    chosen = list(db.session.scalars(query.where(Application.id.in_(ids))))
    # A confirmation page left open while some booked: the rest are still reminded.
    if not chosen or (len(chosen) != len(ids) and not form.is_confirmed):
        add_error(
            form,
            "Some of those candidates are not waiting to book a slot: nobody was reminded"
            if chosen
            else "None of those candidates is waiting to book a slot now: nobody was reminded",
            "application_ids",
        )
        return None
    return chosen, 0


def _confirm_page(form: RemindForm, chosen: list[Application], left: int):
    template = REGISTRY["reminder_to_book"]
    return render_template(
        "workqueue/confirm_remind.html",
        form=form,
        chosen=chosen,
        left=left,
        limit=REMIND_LIMIT,
        email=render_email(template.name, template.example()),
        back=url_for("workqueue.queue", key=NUDGE_KEY),
    )


def _send(form: RemindForm, chosen: list[Application], left: int) -> tuple[str, str] | None:
    """The flash that says who was reminded, or None with the reason on ``form``."""
    done = attempt(
        form,
        lambda: services.remind_to_book(actor=current_user, applications=chosen),
        field="application_ids",
    )
    if not done:
        return None
    text, category = _remind_message(done.value)
    if not done.value.sent:
        add_error(form, text, "application_ids")
        return None
    if form.all.data == "1":  # "remind everyone", confirmed: say how many still wait
        left = queries.count(
            hr_queries.invited_not_booked(
                current_user, Settings.from_config(current_app.config)
            ).where(BookingReminder.id.is_(None))
        )
    if left:
        text += (
            f" You can remind up to {REMIND_LIMIT:,} at once: {left:,} more are not yet"
            " reminded. Choose to remind everyone again to send theirs."
        )
    return text, category


def _remind_message(result: services.RemindResult) -> tuple[str, str]:
    sent = len(result.sent)
    if not sent:
        first, why = result.skipped[0]
        more = f" (and {len(result.skipped) - 1} more)" if len(result.skipped) > 1 else ""
        return f"Nobody was reminded: {first.reference} {why}{more}", "error"
    text = f"Reminded {sent} candidate{'s' if sent != 1 else ''} to book."
    if result.skipped:
        text += f" {len(result.skipped)} already reminded in this stage were not sent another."
    return text, "success"

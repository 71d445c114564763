"""Reading the audit log, newest first, through the filters a person chooses.

Each filter has an index that leads with its column and then the time (migration 0018), so a
page of 50 is read from an index in time order however many events there are.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, and_, exists, func, or_, select

from tracker.accounts.models import User
from tracker.audit.models import AuditEvent
from tracker.audit_log import sentences
from tracker.clock import UK
from tracker.extensions import db

PAGE_SIZE = 50
APPLICANTS = "applicants"
SYSTEM = "system"
GROUP_PREFIX = "group:"
_BATCH = 1000


@dataclass(frozen=True)
class Filters:
    """What the person chose: each is None when not chosen."""

    person: str | None = None  # a user's id, APPLICANTS or SYSTEM: who acted
    action: str | None = None  # one action, or GROUP_PREFIX + a group of them
    date_from: date | None = None  # UK dates, both days included
    date_to: date | None = None
    # A user's history, from their page: what they did and what was done to their account.
    user_id: int | None = None
    # A download's snapshot: only events that existed when it began (so the file holds as
    # many rows as its audit event says, and not that event itself).
    up_to_id: int | None = None

    def as_args(self) -> dict:
        """The filters as the query string that chose them (for links to other pages)."""
        args = {
            "person": self.person,
            "action": self.action,
            "user": self.user_id,
            **_date_args("date_from", self.date_from),
            **_date_args("date_to", self.date_to),
        }
        return {k: v for k, v in args.items() if v is not None}

    def as_details(self) -> dict:
        """For the audit event of a download: what was downloaded."""
        return {
            "person": self.person,
            "action": self.action,
            "user": self.user_id,
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
        }


def _date_args(name: str, value: date | None) -> dict:
    # GOV.UK's date input names its three boxes alike: the value is repeated in the URL.
    return {name: [value.day, value.month, value.year]} if value else {}


def _uk_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UK)


def filtered(filters: Filters) -> Select:
    query = select(AuditEvent)
    if filters.person == APPLICANTS:
        query = query.where(
            AuditEvent.actor_id.is_(None),
            AuditEvent.actor_label.startswith(sentences.APPLICANT_PREFIX, autoescape=True),
        )
    elif filters.person == SYSTEM:
        query = query.where(
            AuditEvent.actor_id.is_(None),
            ~AuditEvent.actor_label.startswith(sentences.APPLICANT_PREFIX, autoescape=True),
        )
    elif filters.person:
        query = query.where(AuditEvent.actor_id == int(filters.person))
    if filters.action and filters.action.startswith(GROUP_PREFIX):
        group = filters.action.removeprefix(GROUP_PREFIX)
        query = query.where(AuditEvent.action.in_(sentences.actions_in(group)))
    elif filters.action:
        query = query.where(AuditEvent.action == filters.action)
    if filters.date_from:
        query = query.where(AuditEvent.occurred_at >= _uk_midnight(filters.date_from))
    if filters.date_to:
        end = _uk_midnight(filters.date_to + timedelta(days=1))
        query = query.where(AuditEvent.occurred_at < end)
    if filters.up_to_id:
        query = query.where(AuditEvent.id <= filters.up_to_id)
    if filters.user_id:
        query = query.where(
            or_(
                AuditEvent.actor_id == filters.user_id,
                and_(
                    AuditEvent.object_type == "user",
                    AuditEvent.object_id == str(filters.user_id),
                ),
            )
        )
    return query


def _newest_first(query: Select) -> Select:
    return query.order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())


def audit_page(filters: Filters, *, page: int) -> tuple[list[AuditEvent], int, int, int]:
    """One page of events, the page number shown, the number of pages and of events."""
    query = filtered(filters)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    events = db.session.scalars(
        _newest_first(query).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    ).all()
    return list(events), page, pages, total


def every_event(filters: Filters, batch: int = _BATCH) -> Iterator[list[AuditEvent]]:
    """Every event the filters find, newest first, in batches (for the CSV file): each batch
    starts after the last one's (time, id), so none is skipped or repeated however many."""
    query = _newest_first(filtered(filters)).limit(batch)
    last: AuditEvent | None = None
    while True:
        if last is None:
            rows = db.session.scalars(query).all()
        else:
            rows = db.session.scalars(
                query.where(
                    or_(
                        AuditEvent.occurred_at < last.occurred_at,
                        and_(
                            AuditEvent.occurred_at == last.occurred_at,
                            AuditEvent.id < last.id,
                        ),
                    )
                )
            ).all()
        if not rows:
            return
        yield list(rows)
        last = rows[-1]
        if len(rows) < batch:
            return


def count(filters: Filters) -> int:
    return db.session.scalar(select(func.count()).select_from(filtered(filters).subquery())) or 0


def newest_id() -> int:
    return db.session.scalar(select(func.max(AuditEvent.id))) or 0


def people_with_events() -> list[tuple[int, str]]:
    """The users who have done something in the log: one index probe each."""
    has_events = exists().where(AuditEvent.actor_id == User.id)
    return list(
        db.session.execute(
            select(User.id, User.name).where(has_events).order_by(User.name)
        ).tuples()
    )


def user_names(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(
        db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).tuples().all()
    )

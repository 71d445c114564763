"""The work queue's lines: each a SELECT of exactly the records waiting for this person. This
module holds what the lines share; the lines themselves are by audience: manager_queries.py,
hr_queries.py and partner_mentor_queries.py.

Most lines are one condition on the user's scoped applications (``visible_applications``):
``<line>_condition`` is that condition, the line's list is the scoped applications where it
holds, and the home page counts every such line at once with ``count(*) FILTER (WHERE
<condition>)`` in one query (``counts``). List and count come from the same condition, so the
number on the home page and the candidates behind its link can never disagree. The other lines
(rows that are not one per application: shares, mentees, emails, bookings) are counted with
``select count(*)`` over their own SELECT. No query loops over roles or applications.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, Select, and_, func, select
from sqlalchemy.orm import aliased

from tracker import clock
from tracker.accounts.models import User
from tracker.applications.models import IN_STAGE_SINCE, Application
from tracker.applications.queries import visible_applications
from tracker.applications.states import Status
from tracker.extensions import db
from tracker.scheduling.models import SlotKind
from tracker.screening.models import Scorecard

# The stage an invitation is for, and the kind of slot its candidate books.
INVITED = {Status.ASSESSMENT: SlotKind.ASSESSMENT, Status.INTERVIEW: SlotKind.INTERVIEW}


@dataclass(frozen=True)
class Settings:
    """ "Now" and the configured windows, read once per request so every line agrees."""

    now: datetime
    today: date
    waiting_days: int
    offer_days: int
    check_in_days: int

    @classmethod
    def from_config(cls, config) -> Settings:
        return cls(
            now=clock.utcnow(),
            today=clock.today(),
            waiting_days=config["WAITING_DAYS"],
            offer_days=config["OFFER_RESPONSE_DAYS"],
            check_in_days=config["CHECK_IN_DAYS"],
        )


def in_stage_since():
    """When the candidate reached their stage: what "days in stage" counts from."""
    return IN_STAGE_SINCE


def in_scope(user: User, condition: ColumnElement[bool]) -> Select:
    """A line's list: the user's scoped applications where the line's condition holds."""
    return _scope(user).where(condition)


def oldest_first(query: Select) -> Select:
    return query.order_by(in_stage_since(), Application.id)


# The user's own submitted scorecard, joined to each application for the hiring managers'
# lines. One scorecard per reviewer and application, so the join never adds rows; a join
# rather than a subquery per row, so one pass over the applications answers both lines.
MINE = aliased(Scorecard, name="my_scorecard")


def _scope(user: User) -> Select:
    """The user's scoped applications, each with the user's submitted scorecard if any."""
    return visible_applications(user).outerjoin(
        MINE,
        and_(
            MINE.application_id == Application.id,
            MINE.reviewer_id == user.id,
            MINE.submitted_at.is_not(None),
        ),
    )


def among(ids: Select) -> ColumnElement[bool]:
    """The application is one of ``ids``: an uncorrelated subquery, which PostgreSQL runs once
    and hashes, so a count over every application stays one cheap pass (a correlated EXISTS
    is costed per row and pushes the combined count into slow JIT compilation)."""
    return Application.id.in_(ids.correlate(None))


def count(query: Select) -> int:
    """How many rows the line's SELECT finds: the same SELECT, counted by the database."""
    counted = select(func.count()).select_from(query.order_by(None).subquery())
    return db.session.scalar(counted) or 0


def counts(user: User, conditions: dict[str, ColumnElement[bool]]) -> dict[str, int]:
    """How many of the user's scoped applications meet each condition: one query, one pass
    over the scope, ``count(*) FILTER (WHERE condition)`` per line."""
    if not conditions:
        return {}
    query = _scope(user).with_only_columns(
        *(func.count().filter(condition).label(key) for key, condition in conditions.items())
    )
    row = db.session.execute(query).one()
    return dict(zip(conditions, row, strict=True))

"""How many submitted applications there are, by role, stage, day in stage and flag, read
from the tally (count_models.ApplicationCount) rather than by counting applications: the
stage counts, the list's caption and the tallied work-queue lines cost the same at 1,000
applications as at 100,000.

Triggers on the application table keep the tally (migration 0024), so every path that adds,
moves, flags, anonymises or deletes an application is counted, whatever code it runs. Each
change appends rows and never updates one, so 200 applicants submitting at once do not queue
on a shared counter row, and two moves cannot deadlock over one. ``fold`` (every minute, by
Celery beat) sums the appended rows into one per group, so a read sums a few hundred rows at
most. ``recount`` rebuilds the tally from the applications: the repair, as
``flask applications recount``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from sqlalchemy import (
    ColumnElement,
    Date,
    Select,
    and_,
    delete,
    func,
    insert,
    literal,
    select,
    text,
)

from tracker.accounts.models import User
from tracker.accounts.permissions import visible_roles
from tracker.applications.count_models import ApplicationCount
from tracker.applications.models import IN_STAGE_SINCE, Application
from tracker.applications.states import AWAITING_DECISION, Status
from tracker.catalogue.models import Role
from tracker.clock import utcnow
from tracker.extensions import db

Tally = ApplicationCount
# What each group is: the tally's key, and the same facts of an application's row.
GROUP: tuple[str, ...] = (
    "role_id",
    "status",
    "since_on",
    "needs_hr_check",
    "disability_confident",
    "needs_adjustments",
)
FLAGS = {
    "hr_check": Tally.needs_hr_check,
    "disability_confident": Tally.disability_confident,
    "adjustments": Tally.needs_adjustments,
}


def in_scope(user: User) -> Select:
    """The tally's rows for the roles the user may see."""
    return (
        select()
        .select_from(Tally)
        .where(Tally.role_id.in_(visible_roles(user).with_only_columns(Role.id)))
    )


def total(condition: ColumnElement[bool] | None = None):
    """How many applications the tally's rows add up to (where ``condition`` holds)."""
    summed = func.sum(Tally.delta) if condition is None else func.sum(Tally.delta).filter(condition)
    return func.coalesce(summed, 0)


def sums(user: User, wanted: dict[str, ColumnElement[bool]]) -> dict[str, int]:
    """For each named condition on the tally's groups, how many of the user's applications are
    in groups where it holds: one query over the tally."""
    if not wanted:
        return {}
    row = db.session.execute(
        in_scope(user).add_columns(*(total(c).label(k) for k, c in wanted.items()))
    ).one()
    return {key: int(value) for key, value in zip(wanted, row, strict=True)}


def by_role_and_stage(
    user: User,
    *,
    role_id: int | None = None,
    waiting_days: int | None = None,
    waiting: Iterable[Status] = (),
) -> tuple[dict[tuple[int, Status], int], dict[int, int]]:
    """Per (role, stage) how many applications, and per role how many of those in ``waiting``
    stages have been there more than ``waiting_days`` days."""
    stages = list(waiting)
    cutoff = utcnow() - timedelta(days=waiting_days or 0)
    waited_count = (
        total(and_(Tally.status.in_(stages), Tally.since_on < cutoff.date()))
        if stages and waiting_days is not None
        else literal(0)
    )
    query = (
        in_scope(user)
        .add_columns(Tally.role_id, Tally.status, total(), waited_count)
        .group_by(Tally.role_id, Tally.status)
    )
    if role_id is not None:
        query = query.where(Tally.role_id == role_id)
    counts: dict[tuple[int, Status], int] = {}
    waited: dict[int, int] = {}
    for role, status, count, waiting_count in db.session.execute(query):
        if count:
            counts[(role, status)] = int(count)
        if waiting_count:
            waited[role] = waited.get(role, 0) + int(waiting_count)
    if stages and waiting_days is not None:
        for role, count in waiting_on_the_day(user, stages, cutoff, role_id=role_id).items():
            waited[role] = waited.get(role, 0) + count
    return counts, waited


def waiting_on_the_day(
    user: User, stages: Iterable[Status], cutoff: datetime, *, role_id: int | None = None
) -> dict[int, int]:
    """Per role, the applications in ``stages`` that reached them on ``cutoff``'s day (UTC)
    but before ``cutoff``: the part of "waiting since before ``cutoff``" the tally's days
    cannot tell. One day's arrivals at most, found through ix_application_in_stage_since."""
    since = IN_STAGE_SINCE
    midnight = datetime.combine(cutoff.date(), time.min, tzinfo=cutoff.tzinfo)
    query = (
        select(Application.role_id, func.count())
        .where(
            Application.role_id.in_(visible_roles(user).with_only_columns(Role.id)),
            Application.status.in_(list(stages)),
            since >= midnight,
            since < cutoff,
        )
        .group_by(Application.role_id)
    )
    if role_id is not None:
        query = query.where(Application.role_id == role_id)
    return {role: int(count) for role, count in db.session.execute(query)}


# Where fold puts the day of groups no count tells apart by day: stages not awaiting a
# decision, and days already past every waiting cutoff to come (cutoffs only move forward).
# So the tally holds a few days' groups per role and stage, whatever the campaign's length.
LONG_AGO = date(2000, 1, 1)
_COLUMNS = ", ".join(GROUP)
_KEYS = _COLUMNS.replace(
    "since_on",
    "CASE WHEN since_on < :horizon OR status NOT IN ("
    + ", ".join(f"'{s.value}'" for s in sorted(AWAITING_DECISION, key=lambda s: s.value))
    + ") THEN CAST(:long_ago AS date) ELSE since_on END",
)
# One statement, so the rows it deletes are exactly the rows it sums. Built from constants.
_FOLD = (
    f"WITH gone AS (DELETE FROM application_count RETURNING {_COLUMNS}, delta), "  # noqa: S608
    f"kept AS (INSERT INTO application_count ({_COLUMNS}, delta) "
    f"SELECT {_KEYS}, sum(delta) FROM gone GROUP BY {_KEYS} "
    "HAVING sum(delta) <> 0) SELECT count(*) FROM gone"
)


def horizon(waiting_days: int) -> date:
    """The day before which no waiting cutoff from now on can fall (WAITING_DAYS and a day)."""
    return utcnow().date() - timedelta(days=waiting_days + 1)


def _day_kept(status: Status, since_on: date, cut: date) -> date:
    """The day a group keeps once folded (see LONG_AGO); CUT is horizon()'s day."""
    if status not in AWAITING_DECISION or since_on < cut:
        return LONG_AGO
    return since_on


def fold(waiting_days: int) -> int:
    """Sum the tally's rows into one per group (dropping groups that add up to nothing);
    returns how many rows there were. Rows appended meanwhile by transactions not yet
    committed are not seen, so they stay, and count, as they are. ``waiting_days`` is
    WAITING_DAYS: after raising it, run ``recount``."""
    if db.session.get_bind().dialect.name == "postgresql":
        if not db.session.scalar(text("SELECT pg_try_advisory_xact_lock(hashtext('fold'))")):
            return 0  # another fold is running
        found = db.session.scalar(
            text(_FOLD), {"horizon": horizon(waiting_days), "long_ago": LONG_AGO}
        )
        return int(found or 0)
    # SQLite: one writer at a time (BEGIN IMMEDIATE), so reading then rewriting is safe.
    rows = db.session.execute(select(*(getattr(Tally, n) for n in GROUP), Tally.delta)).all()
    db.session.execute(delete(Tally))
    groups = _summed(rows, waiting_days)
    if groups:
        db.session.execute(
            insert(Tally),
            [dict(zip((*GROUP, "delta"), (*g, n), strict=True)) for g, n in groups.items() if n],
        )
    return len(rows)


def _summed(rows, waiting_days: int) -> dict[tuple, int]:
    """(group..., n) rows summed per group as fold keeps it."""
    summed: dict[tuple, int] = {}
    cut = horizon(waiting_days)  # once: every row is folded against the same day
    for role_id, status, since_on, *flags, n in rows:
        key = (role_id, status, _day_kept(status, since_on, cut), *flags)
        summed[key] = summed.get(key, 0) + int(n)
    return summed


def _groups_of_applications() -> Select:
    since = IN_STAGE_SINCE
    since_on = (
        func.date(since, type_=Date)
        if db.session.get_bind().dialect.name == "sqlite"
        else func.date(func.timezone("UTC", since), type_=Date)
    )
    keys = (
        Application.role_id,
        Application.status,
        since_on,
        func.coalesce(Application.needs_hr_check, False),
        func.coalesce(Application.disability_confident, False),
        func.coalesce(Application.needs_adjustments, False),
    )
    return select(*keys, func.count()).where(Application.status != Status.DRAFT).group_by(*keys)


def recount() -> None:
    """Rebuild the tally from the applications. On PostgreSQL the application table is
    locked against changes meanwhile (reads go on), so nothing moves between the two steps."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("LOCK TABLE application IN SHARE MODE"))
    db.session.execute(delete(Tally))
    db.session.execute(insert(Tally).from_select([*GROUP, "delta"], _groups_of_applications()))


def drift(waiting_days: int) -> list[tuple]:
    """The groups (as fold keeps them) whose tally differs from the applications:
    (group..., tally, counted)."""
    keys = [getattr(Tally, name) for name in GROUP]
    tallied = _summed(db.session.execute(select(*keys, Tally.delta)).all(), waiting_days)
    counted = _summed(db.session.execute(_groups_of_applications()).all(), waiting_days)
    return [
        (*group, tallied.get(group, 0), counted.get(group, 0))
        for group in sorted(set(tallied) | set(counted), key=repr)
        if tallied.get(group, 0) != counted.get(group, 0)
    ]

"""The pipeline list: one role's candidates, filtered, searched, sorted and paged, always
through the member of staff's scope and always by indexed columns."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import ColumnElement, Select, and_, case, exists, func, or_, select

from tracker.accounts.models import User
from tracker.applicants.models import Applicant
from tracker.applications import counts
from tracker.applications.models import LIST_SORTS, Application, TimelineEntry
from tracker.applications.queries import visible_applications
from tracker.applications.ranking import rank_label
from tracker.applications.states import AWAITING_DECISION, NAME_BLIND, Status
from tracker.clock import utcnow
from tracker.extensions import db
from tracker.screening import paging
from tracker.screening.filters import Filters
from tracker.screening.models import CandidateNote, Score, Scorecard

PAGE_SIZE = 50
# Moving "every candidate that matches" at once: more than this is a mistake to refuse, and a
# request that would run for minutes.
MATCH_LIMIT = 2000
FLAGS = {
    "hr_check": Application.needs_hr_check.is_(True),
    "disability_confident": Application.disability_confident.is_(True),
    "adjustments": Application.needs_adjustments.is_(True),
}
SORTS = {
    **LIST_SORTS,
    "newest": (Application.submitted_at.desc(), Application.id.desc()),
}


@dataclass(frozen=True)
class Row:
    application: Application
    days_in_stage: int | None
    rank: str  # the applicant's preference, as staff read it
    my_score: Decimal | None  # the viewer's own average score, None if not submitted


@dataclass(frozen=True)
class Page:
    items: list[Application]
    total: int
    page: int
    pages: int
    rows: list[Row] = field(default_factory=list)


def _submitted_by(user: User):
    return (Scorecard.reviewer_id == user.id) & Scorecard.submitted_at.is_not(None)


def _scored_by(user: User):
    """The user has submitted a scorecard for the candidate (one probe of the unique index on
    scorecard(application_id, reviewer_id))."""
    return exists().where(Scorecard.application_id == Application.id, _submitted_by(user))


def _average(user: User, filters: Filters):
    """The average score as this user may know it: to a reviewer without
    SEE_SCORES_UNSCORED, a candidate they have not scored has no average yet (NULL), so
    neither the score sort nor the score range can tell them what colleagues gave."""
    if filters.sees_all_scores:
        return Application.score_average
    return case((_scored_by(user), Application.score_average))


def _search(text: str):
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    emails = select(Applicant.id).where(Applicant.email.ilike(pattern, escape="\\"))
    return or_(
        Application.reference == text.upper(),
        Application.full_name.ilike(pattern, escape="\\"),
        Application.applicant_id.in_(emails),
    )


def conditions(user: User, role_id: int, filters: Filters) -> list[ColumnElement[bool]]:
    """What the filters ask of the role's candidates, on top of the user's scope."""
    found: list[ColumnElement[bool]] = [Application.role_id == role_id]
    if filters.status is not None:
        found.append(Application.status == filters.status)
    for flag in filters.flags:
        found.append(FLAGS[flag])
    if filters.unscored:
        found.append(~_scored_by(user))
    if not filters.sees_all_scores and (
        filters.score_min is not None or filters.score_max is not None
    ):
        # A score range matches only candidates whose average this user may know.
        found.append(_scored_by(user))
    if filters.score_min is not None:
        found.append(Application.score_average >= filters.score_min)
    if filters.score_max is not None:
        found.append(Application.score_average <= filters.score_max)
    if filters.reference:
        found.append(Application.reference == filters.reference.strip().upper())
    if filters.search:
        found.append(_search(filters.search))
    return found


def matching(user: User, role_id: int, filters: Filters) -> Select:
    """The role's candidates the filters match, through the user's scope; not yet ordered."""
    return visible_applications(user).where(*conditions(user, role_id, filters))


def _tallied(role_id: int, filters: Filters) -> ColumnElement[bool]:
    """The tally's groups a stage-and-flags filter matches (counts.py)."""
    found = [counts.Tally.role_id == role_id]
    if filters.status is not None:
        found.append(counts.Tally.status == filters.status)
    found += [counts.FLAGS[flag].is_(True) for flag in filters.flags]
    return and_(*found)


def count_matching(user: User, role_id: int, filters: Filters) -> int:
    """How many candidates match: from the tally when only the stage and flags are chosen
    (the same cost at any number of applications), else by counting them."""
    if filters.tallied:
        return counts.sums(user, {"matching": _tallied(role_id, filters)})["matching"]
    query = matching(user, role_id, filters)
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0


def count_each_matching(user: User, wanted: list[tuple[int, Filters]]) -> list[int]:
    """``count_matching`` for each (role, filters) at once: those the tally counts in one
    query over it, the rest in one pass over the user's scope, ``count(*) FILTER (WHERE
    ...)`` for each."""
    tallied = {i: _tallied(r, f) for i, (r, f) in enumerate(wanted) if f.tallied}
    counted = {i: (r, f) for i, (r, f) in enumerate(wanted) if not f.tallied}
    found = {
        int(k): v for k, v in counts.sums(user, {str(i): c for i, c in tallied.items()}).items()
    }
    if counted:
        query = visible_applications(user).with_only_columns(
            *(func.count().filter(and_(*conditions(user, r, f))) for r, f in counted.values())
        )
        found.update(zip(counted, db.session.execute(query).one(), strict=True))
    return [found[i] for i in range(len(wanted))]


def count_name_blind_found(user: User, role_id: int, filters: Filters) -> int:
    """How many of a search's results are in a name-blind stage and were found by name or
    email, not by their exact reference (which anyone may look up)."""
    if not filters.search:
        return 0
    query = matching(user, role_id, filters).where(
        Application.status.in_(NAME_BLIND), Application.reference != filters.search.upper()
    )
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0


def ordered(query: Select, user: User, filters: Filters) -> Select:
    """In the filters' sort. By score: highest first, by the average this user may know
    (_average), and those without one last, oldest submitted first."""
    if paging.sort_keys(filters) is None:
        return query.order_by(
            _average(user, filters).desc().nulls_last(),
            Application.submitted_at,
            Application.id,
        )
    return paging.ordered(query, filters)


def pipeline_page(user: User, role_id: int, filters: Filters, page_size: int = PAGE_SIZE) -> Page:
    """One page of the list and its rows: a count, the page, and the viewer's own scores."""
    query = matching(user, role_id, filters)
    total = count_matching(user, role_id, filters)
    pages = max(1, math.ceil(total / page_size))
    page = min(max(filters.page, 1), pages)
    items = paging.keyset_page(
        query, filters, page_size, after=filters.after, before=filters.before
    )
    if not items:
        # Page 1, an old link by number, a reviewer's score sort, or the row the link started
        # from has gone: by offset.
        items = list(
            db.session.scalars(
                ordered(query, user, filters).limit(page_size).offset((page - 1) * page_size)
            )
        )
    mine = my_scores(user, [a.id for a in items])
    now = utcnow()
    rows = [
        Row(
            application=a,
            days_in_stage=_days(now, a),
            rank=rank_label(a),
            my_score=mine.get(a.id),
        )
        for a in items
    ]
    return Page(items=items, total=total, page=page, pages=pages, rows=rows)


def _days(now, application: Application) -> int | None:
    since = application.status_changed_at or application.submitted_at
    return (now - since).days if since else None


def my_scores(user: User, application_ids: list[int]) -> dict[int, Decimal]:
    """The user's own average score per application, for those they have submitted: one query."""
    if not application_ids:
        return {}
    rows = db.session.execute(
        select(Scorecard.application_id, func.round(func.avg(Score.score), 2))
        .join(Score, Score.scorecard_id == Scorecard.id)
        .where(Scorecard.application_id.in_(application_ids), _submitted_by(user))
        .group_by(Scorecard.application_id)
    )
    return dict(rows.tuples().all())


def stage_counts(user: User, role_id: int | None = None) -> dict[tuple[int, Status], int]:
    """How many candidates each role has in each stage (for the roles the user may see), from
    the tally: the same few rows to read at any number of applications."""
    return counts.by_role_and_stage(user, role_id=role_id)[0]


def stage_and_waiting_counts(
    user: User, days: int
) -> tuple[dict[tuple[int, Status], int], dict[int, int]]:
    """``stage_counts``, and per role the candidates awaiting a decision for more than
    ``days`` days in their stage: from the tally, and the day at the cutoff from its rows."""
    return counts.by_role_and_stage(user, waiting_days=days, waiting=AWAITING_DECISION)


def waiting_counts(user: User, days: int) -> dict[int, int]:
    """Per role: candidates awaiting a decision for more than ``days`` days in their stage."""
    return stage_and_waiting_counts(user, days)[1]


def timeline(application: Application) -> list[TimelineEntry]:
    return list(
        db.session.scalars(
            select(TimelineEntry)
            .where(TimelineEntry.application_id == application.id)
            .order_by(TimelineEntry.occurred_at.desc(), TimelineEntry.id.desc())
        )
    )


def notes(application: Application) -> list[CandidateNote]:
    return list(
        db.session.scalars(
            select(CandidateNote)
            .where(CandidateNote.application_id == application.id)
            .order_by(CandidateNote.created_at.desc(), CandidateNote.id.desc())
        )
    )

"""The pipeline list: one role's candidates, filtered, searched, sorted and paged, always
through the member of staff's scope and always by indexed columns."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select

from tracker.accounts.models import User
from tracker.applications.models import Application, TimelineEntry
from tracker.applications.queries import visible_applications
from tracker.applications.states import AWAITING_DECISION, Status
from tracker.clock import utcnow
from tracker.extensions import db
from tracker.screening.models import CandidateNote

PAGE_SIZE = 50
FLAGS = {
    "hr_check": ("Eligibility to check", Application.needs_hr_check.is_(True)),
    "disability_confident": ("Disability Confident", Application.disability_confident.is_(True)),
    "adjustments": ("Asked for adjustments", Application.needs_adjustments.is_(True)),
}
SORTS = {
    "oldest": ("Submitted: oldest first", (Application.submitted_at, Application.id)),
    "newest": ("Submitted: newest first", (Application.submitted_at.desc(), Application.id.desc())),
    "waiting": (
        "Waiting longest in their stage",
        (func.coalesce(Application.status_changed_at, Application.submitted_at), Application.id),
    ),
}


@dataclass(frozen=True)
class Filters:
    status: Status | None = None
    flags: tuple[str, ...] = ()
    reference: str = ""
    sort: str = "oldest"
    page: int = 1


@dataclass(frozen=True)
class Page:
    items: list[Application]
    total: int
    page: int
    pages: int


def pipeline_page(user: User, role_id: int, filters: Filters, page_size: int = PAGE_SIZE) -> Page:
    query = visible_applications(user).where(Application.role_id == role_id)
    if filters.status is not None:
        query = query.where(Application.status == filters.status)
    for flag in filters.flags:
        query = query.where(FLAGS[flag][1])
    if filters.reference:
        query = query.where(Application.reference == filters.reference.strip().upper())
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    pages = max(1, math.ceil(total / page_size))
    page = min(max(filters.page, 1), pages)
    items = db.session.scalars(
        query.order_by(*SORTS.get(filters.sort, SORTS["oldest"])[1])
        .limit(page_size)
        .offset((page - 1) * page_size)
    ).all()
    return Page(items=list(items), total=total, page=page, pages=pages)


def stage_counts(user: User, role_id: int | None = None) -> dict[tuple[int, Status], int]:
    """How many candidates each role has in each stage (for the roles the user may see)."""
    query = (
        visible_applications(user)
        .with_only_columns(Application.role_id, Application.status, func.count())
        .group_by(Application.role_id, Application.status)
    )
    if role_id is not None:
        query = query.where(Application.role_id == role_id)
    return {(role, status): count for role, status, count in db.session.execute(query)}


def waiting_counts(user: User, days: int) -> dict[int, int]:
    """Per role: candidates awaiting a decision for more than ``days`` days in their stage."""
    cutoff = utcnow() - timedelta(days=days)
    since = func.coalesce(Application.status_changed_at, Application.submitted_at)
    query = (
        visible_applications(user)
        .where(Application.status.in_(AWAITING_DECISION), since < cutoff)
        .with_only_columns(Application.role_id, func.count())
        .group_by(Application.role_id)
    )
    return dict(db.session.execute(query).all())


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

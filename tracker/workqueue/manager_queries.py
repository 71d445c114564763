"""The hiring managers' lines of the work queue (see queries.py for how a line is built)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Select, and_, func, select

from tracker.accounts.models import User
from tracker.applications.models import Application
from tracker.applications.states import SCORING
from tracker.partners.models import PartnerFeedback, SharedCandidate
from tracker.scheduling.models import Booking, Slot, SlotKind
from tracker.workqueue.queries import (
    MINE,
    Settings,
    among,
    in_scope,
    in_stage_since,
    oldest_first,
)


def awaiting_my_score_condition(user: User, s: Settings) -> ColumnElement[bool]:
    return and_(Application.status.in_(SCORING), MINE.id.is_(None))


def awaiting_my_score(user: User, s: Settings) -> Select:
    return oldest_first(in_scope(user, awaiting_my_score_condition(user, s)))


def awaiting_decision_condition(user: User, s: Settings) -> ColumnElement[bool]:
    """Scored by this user in this stage, and not moved since."""
    return and_(Application.status.in_(SCORING), MINE.submitted_at >= in_stage_since())


def awaiting_decision(user: User, s: Settings) -> Select:
    return oldest_first(in_scope(user, awaiting_decision_condition(user, s)))


def interviews_this_week_condition(user: User, s: Settings) -> ColumnElement[bool]:
    """A live interview booking from now to 7 days ahead."""
    booked = (
        select(Booking.application_id)
        .join(Slot, Slot.id == Booking.slot_id)
        .where(
            Booking.kind == SlotKind.INTERVIEW,
            Booking.cancelled_at.is_(None),
            Slot.cancelled_at.is_(None),
            Slot.starts_at >= s.now,
            Slot.starts_at < s.now + timedelta(days=7),
        )
    )
    return among(booked)


def interviews_this_week(user: User, s: Settings) -> Select:
    """Those interviews, soonest first, with their times. A candidate has at most one live
    booking of a kind (uq_booking_one_live_per_kind), so the join adds no rows."""
    return (
        in_scope(user, interviews_this_week_condition(user, s))
        .add_columns(Slot.starts_at.label("when"), Slot.place.label("place"))
        .join(
            Booking,
            and_(
                Booking.application_id == Application.id,
                Booking.kind == SlotKind.INTERVIEW,
                Booking.cancelled_at.is_(None),
            ),
        )
        .join(Slot, Slot.id == Booking.slot_id)
        .order_by(Slot.starts_at, Application.id)
    )


def _feedback_since(seen: datetime | None):
    """Partner feedback on this application given or changed after ``seen`` (all if None)."""
    query = (
        select(PartnerFeedback.updated_at)
        .join(SharedCandidate, SharedCandidate.id == PartnerFeedback.shared_candidate_id)
        .where(SharedCandidate.application_id == Application.id)
    )
    return query if seen is None else query.where(PartnerFeedback.updated_at > seen)


def partner_feedback_new_condition(
    user: User, s: Settings, since: datetime | None = None
) -> ColumnElement[bool]:
    """Candidates with partner feedback given or changed since the user last opened this list
    (``since`` overrides that, so paging through the list shows the same candidates)."""
    seen = since if since is not None else user.partner_feedback_seen_at
    given = select(SharedCandidate.application_id).join(
        PartnerFeedback, PartnerFeedback.shared_candidate_id == SharedCandidate.id
    )
    if seen is not None:
        given = given.where(PartnerFeedback.updated_at > seen)
    return among(given)


def partner_feedback_new(user: User, s: Settings, since: datetime | None = None) -> Select:
    """With the latest such feedback's time, newest first."""
    seen = since if since is not None else user.partner_feedback_seen_at
    feedback_at = (
        _feedback_since(seen)
        .with_only_columns(func.max(PartnerFeedback.updated_at))
        .scalar_subquery()
        .label("feedback_at")
    )
    return (
        in_scope(user, partner_feedback_new_condition(user, s, since))
        .add_columns(feedback_at)
        .order_by(feedback_at.desc(), Application.id)
    )

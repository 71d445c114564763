"""HR's lines of the work queue (see queries.py for how a line is built)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select

from tracker.accounts.models import User
from tracker.applications.counts import Tally, waiting_on_the_day
from tracker.applications.models import Application
from tracker.applications.states import ACTIVE, AWAITING_DECISION, Status
from tracker.mentoring.models import MentorAssignment
from tracker.notifications.models import Email, EmailStatus
from tracker.offers.models import Offer, OfferCondition
from tracker.partners.models import PartnerFeedback, Share, SharedCandidate
from tracker.partners.queries import HIDDEN_FROM_PARTNERS
from tracker.scheduling.models import Booking
from tracker.workqueue.models import BookingReminder
from tracker.workqueue.queries import (
    INVITED,
    Settings,
    among,
    in_scope,
    in_stage_since,
    oldest_first,
)


def new_applications_condition(user: User, s: Settings) -> ColumnElement[bool]:
    return Application.status == Status.SUBMITTED


def new_applications_tallied(s: Settings) -> ColumnElement[bool]:
    """The same line, as groups of the tally (tracker/applications/counts.py)."""
    return Tally.status == Status.SUBMITTED


def new_applications(user: User, s: Settings) -> Select:
    return oldest_first(in_scope(user, new_applications_condition(user, s)))


def eligibility_check_condition(user: User, s: Settings) -> ColumnElement[bool]:
    return and_(Application.needs_hr_check.is_(True), Application.status.in_(ACTIVE))


def eligibility_check_tallied(s: Settings) -> ColumnElement[bool]:
    return and_(Tally.needs_hr_check.is_(True), Tally.status.in_(ACTIVE))


def eligibility_check(user: User, s: Settings) -> Select:
    return oldest_first(in_scope(user, eligibility_check_condition(user, s)))


def waiting_long_condition(user: User, s: Settings) -> ColumnElement[bool]:
    """The same rule as screening.queries.waiting_counts: awaiting a decision, in the stage for
    more than WAITING_DAYS."""
    return and_(
        Application.status.in_(AWAITING_DECISION),
        in_stage_since() < s.now - timedelta(days=s.waiting_days),
    )


def waiting_long_tallied(s: Settings) -> ColumnElement[bool]:
    """The days wholly before the cutoff's, from the tally; the cutoff's own day is counted
    from its applications (``waiting_long_on_the_day``)."""
    cutoff = s.now - timedelta(days=s.waiting_days)
    return and_(Tally.status.in_(AWAITING_DECISION), Tally.since_on < cutoff.date())


def waiting_long_on_the_day(user: User, s: Settings) -> int:
    cutoff = s.now - timedelta(days=s.waiting_days)
    return sum(waiting_on_the_day(user, AWAITING_DECISION, cutoff).values())


def waiting_long(user: User, s: Settings) -> Select:
    return oldest_first(in_scope(user, waiting_long_condition(user, s)))


def invited_not_booked_condition(user: User, s: Settings) -> ColumnElement[bool]:
    """Invited to an assessment or interview with no live booking of that kind."""
    return or_(
        *(
            and_(
                Application.status == status,
                ~among(
                    select(Booking.application_id).where(
                        Booking.kind == kind, Booking.cancelled_at.is_(None)
                    )
                ),
            )
            for status, kind in INVITED.items()
        )
    )


def invited_not_booked(user: User, s: Settings) -> Select:
    """The invited candidates not booked, with when (if ever) HR reminded them to book in this
    stage (at most one reminder per application and stage, so the join adds no rows)."""
    return oldest_first(
        in_scope(user, invited_not_booked_condition(user, s))
        .add_columns(
            BookingReminder.sent_at.label("reminded_at"),
            BookingReminder.sent_by.label("reminded_by"),
        )
        .outerjoin(
            BookingReminder,
            and_(
                BookingReminder.application_id == Application.id,
                BookingReminder.status == Application.status,
            ),
        )
    )


def offers_unanswered_condition(user: User, s: Settings) -> ColumnElement[bool]:
    made_before = s.now - timedelta(days=s.offer_days)
    return and_(
        Application.status == Status.OFFER,
        among(select(Offer.application_id).where(Offer.made_at < made_before)),
    )


def offers_unanswered(user: User, s: Settings) -> Select:
    """With when the offer was made (one offer per application, so the join adds no rows)."""
    return (
        in_scope(user, offers_unanswered_condition(user, s))
        .add_columns(Offer.made_at.label("made_at"))
        .join(Offer, Offer.application_id == Application.id)
        .order_by(Offer.made_at, Application.id)
    )


def _unmet_conditions():
    return (
        select(OfferCondition.id)
        .join(Offer, Offer.id == OfferCondition.offer_id)
        .where(Offer.application_id == Application.id, OfferCondition.met_at.is_(None))
    )


def conditions_outstanding_condition(user: User, s: Settings) -> ColumnElement[bool]:
    unmet = (
        select(Offer.application_id)
        .join(OfferCondition, OfferCondition.offer_id == Offer.id)
        .where(OfferCondition.met_at.is_(None))
    )
    return and_(Application.status == Status.PRE_EMPLOYMENT_CHECKS, among(unmet))


def conditions_outstanding(user: User, s: Settings) -> Select:
    unmet = _unmet_conditions().with_only_columns(func.count(OfferCondition.id))
    return oldest_first(
        in_scope(user, conditions_outstanding_condition(user, s)).add_columns(
            unmet.scalar_subquery().label("unmet")
        )
    )


def _overdue_shares(s: Settings):
    """This application's live shares past their due date with no feedback on it."""
    return (
        select(Share.due_on)
        .join(SharedCandidate, SharedCandidate.share_id == Share.id)
        .where(
            SharedCandidate.application_id == Application.id,
            Share.ended_at.is_(None),
            SharedCandidate.unshared_at.is_(None),
            Share.due_on < s.today,
            ~exists().where(PartnerFeedback.shared_candidate_id == SharedCandidate.id),
        )
    )


def partner_feedback_overdue_condition(user: User, s: Settings) -> ColumnElement[bool]:
    """Candidates still shared in a live share that is past its due date, with no feedback.
    A withdrawn candidate is hidden from partners, so no feedback can come: not counted."""
    overdue = (
        select(SharedCandidate.application_id)
        .join(Share, Share.id == SharedCandidate.share_id)
        .outerjoin(PartnerFeedback, PartnerFeedback.shared_candidate_id == SharedCandidate.id)
        .where(
            Share.ended_at.is_(None),
            SharedCandidate.unshared_at.is_(None),
            Share.due_on < s.today,
            PartnerFeedback.id.is_(None),
        )
    )
    return and_(Application.status.not_in(HIDDEN_FROM_PARTNERS), among(overdue))


def partner_feedback_overdue(user: User, s: Settings) -> Select:
    """With the earliest such share's due date, soonest first."""
    due_on = (
        _overdue_shares(s)
        .with_only_columns(func.min(Share.due_on))
        .scalar_subquery()
        .label("due_on")
    )
    return (
        in_scope(user, partner_feedback_overdue_condition(user, s))
        .add_columns(due_on)
        .order_by(due_on, Application.id)
    )


def without_mentor_condition(user: User, s: Settings) -> ColumnElement[bool]:
    """As mentoring.queries.unassigned_count: hired, with no live mentor assignment."""
    assigned = select(MentorAssignment.application_id).where(MentorAssignment.ended_at.is_(None))
    return and_(Application.status == Status.HIRED, ~among(assigned))


def without_mentor(user: User, s: Settings) -> Select:
    return oldest_first(in_scope(user, without_mentor_condition(user, s)))


def emails_failed(user: User, s: Settings) -> Select:
    return select(Email).where(Email.status == EmailStatus.FAILED).order_by(Email.id.desc())

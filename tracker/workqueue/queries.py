"""The work queue's lines: each a SELECT of exactly the records waiting for this person.

A line's count is ``select count(*)`` over the same SELECT as its list, so the number on the
home page and the candidates behind its link can never disagree. Candidates are always found
through the user's scope (``visible_applications``). Every line is one query, whatever the
size of the campaign: no loops over roles or applications.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Select, and_, exists, func, or_, select

from tracker import clock
from tracker.accounts.models import User
from tracker.applications.models import Application
from tracker.applications.queries import visible_applications
from tracker.applications.states import ACTIVE, AWAITING_DECISION, SCORING, Status
from tracker.extensions import db
from tracker.mentoring.models import LogKind, MentorAssignment, MentoringLogEntry, MentorProfile
from tracker.notifications.models import Email, EmailStatus
from tracker.offers.models import Offer, OfferCondition
from tracker.partners.models import PartnerFeedback, Share, SharedCandidate
from tracker.partners.queries import HIDDEN_FROM_PARTNERS, partner_shares
from tracker.scheduling.models import Booking, Slot, SlotKind
from tracker.screening.models import Scorecard
from tracker.workqueue.models import BookingReminder

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
    return func.coalesce(Application.status_changed_at, Application.submitted_at)


def _oldest_first(query: Select) -> Select:
    return query.order_by(in_stage_since(), Application.id)


def _my_submitted_scorecard(user: User):
    return and_(
        Scorecard.application_id == Application.id,
        Scorecard.reviewer_id == user.id,
        Scorecard.submitted_at.is_not(None),
    )


# Hiring managers ----------------------------------------------------------------------------


def awaiting_my_score(user: User, s: Settings) -> Select:
    return _oldest_first(
        visible_applications(user).where(
            Application.status.in_(SCORING), ~exists().where(_my_submitted_scorecard(user))
        )
    )


def awaiting_decision(user: User, s: Settings) -> Select:
    """Scored by this user in this stage, and not moved since."""
    scored_here = exists().where(
        _my_submitted_scorecard(user), Scorecard.submitted_at >= in_stage_since()
    )
    return _oldest_first(
        visible_applications(user).where(Application.status.in_(SCORING), scored_here)
    )


def interviews_this_week(user: User, s: Settings) -> Select:
    """Live interview bookings from now to 7 days ahead, soonest first, with their times."""
    return (
        visible_applications(user)
        .add_columns(Slot.starts_at.label("when"), Slot.place.label("place"))
        .join(Booking, Booking.application_id == Application.id)
        .join(Slot, Slot.id == Booking.slot_id)
        .where(
            Booking.kind == SlotKind.INTERVIEW,
            Booking.cancelled_at.is_(None),
            Slot.cancelled_at.is_(None),
            Slot.starts_at >= s.now,
            Slot.starts_at < s.now + timedelta(days=7),
        )
        .order_by(Slot.starts_at, Application.id)
    )


def partner_feedback_new(user: User, s: Settings, since: datetime | None = None) -> Select:
    """Candidates with partner feedback given or changed since the user last opened this list
    (``since`` overrides that, so paging through the list shows the same candidates)."""
    seen = since if since is not None else user.partner_feedback_seen_at
    feedback = (
        select(
            SharedCandidate.application_id,
            func.max(PartnerFeedback.updated_at).label("feedback_at"),
        )
        .join(PartnerFeedback, PartnerFeedback.shared_candidate_id == SharedCandidate.id)
        .group_by(SharedCandidate.application_id)
    )
    if seen is not None:
        feedback = feedback.where(PartnerFeedback.updated_at > seen)
    feedback = feedback.subquery()
    return (
        visible_applications(user)
        .add_columns(feedback.c.feedback_at)
        .join(feedback, feedback.c.application_id == Application.id)
        .order_by(feedback.c.feedback_at.desc(), Application.id)
    )


# HR -------------------------------------------------------------------------------------------


def new_applications(user: User, s: Settings) -> Select:
    return _oldest_first(visible_applications(user).where(Application.status == Status.SUBMITTED))


def eligibility_check(user: User, s: Settings) -> Select:
    return _oldest_first(
        visible_applications(user).where(
            Application.needs_hr_check.is_(True), Application.status.in_(ACTIVE)
        )
    )


def waiting_long(user: User, s: Settings) -> Select:
    """The same rule as screening.queries.waiting_counts: awaiting a decision, in the stage for
    more than WAITING_DAYS."""
    return _oldest_first(
        visible_applications(user).where(
            Application.status.in_(AWAITING_DECISION),
            in_stage_since() < s.now - timedelta(days=s.waiting_days),
        )
    )


def invited_not_booked(user: User, s: Settings) -> Select:
    """Invited to an assessment or interview with no live booking of that kind, with when
    (if ever) HR reminded them to book in this stage."""
    not_booked = [
        and_(
            Application.status == status,
            ~exists().where(
                Booking.application_id == Application.id,
                Booking.kind == kind,
                Booking.cancelled_at.is_(None),
            ),
        )
        for status, kind in INVITED.items()
    ]
    return _oldest_first(
        visible_applications(user)
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
        .where(or_(*not_booked))
    )


def offers_unanswered(user: User, s: Settings) -> Select:
    return (
        visible_applications(user)
        .add_columns(Offer.made_at.label("made_at"))
        .join(Offer, Offer.application_id == Application.id)
        .where(
            Application.status == Status.OFFER,
            Offer.made_at < s.now - timedelta(days=s.offer_days),
        )
        .order_by(Offer.made_at, Application.id)
    )


def conditions_outstanding(user: User, s: Settings) -> Select:
    unmet = (
        select(func.count(OfferCondition.id))
        .join(Offer, Offer.id == OfferCondition.offer_id)
        .where(Offer.application_id == Application.id, OfferCondition.met_at.is_(None))
        .scalar_subquery()
    )
    return _oldest_first(
        visible_applications(user)
        .add_columns(unmet.label("unmet"))
        .where(Application.status == Status.PRE_EMPLOYMENT_CHECKS, unmet > 0)
    )


def partner_feedback_overdue(user: User, s: Settings) -> Select:
    """Candidates still shared in a live share that is past its due date, with no feedback.
    A withdrawn candidate is hidden from partners, so no feedback can come: not counted."""
    overdue = (
        select(SharedCandidate.application_id, func.min(Share.due_on).label("due_on"))
        .join(Share, Share.id == SharedCandidate.share_id)
        .outerjoin(PartnerFeedback, PartnerFeedback.shared_candidate_id == SharedCandidate.id)
        .where(
            Share.ended_at.is_(None),
            SharedCandidate.unshared_at.is_(None),
            Share.due_on < s.today,
            PartnerFeedback.id.is_(None),
        )
        .group_by(SharedCandidate.application_id)
        .subquery()
    )
    return (
        visible_applications(user)
        .add_columns(overdue.c.due_on)
        .join(overdue, overdue.c.application_id == Application.id)
        .where(Application.status.not_in(HIDDEN_FROM_PARTNERS))
        .order_by(overdue.c.due_on, Application.id)
    )


def without_mentor(user: User, s: Settings) -> Select:
    """As mentoring.queries.unassigned_count: hired, with no live mentor assignment."""
    return _oldest_first(
        visible_applications(user).where(
            Application.status == Status.HIRED,
            ~exists().where(
                MentorAssignment.application_id == Application.id,
                MentorAssignment.ended_at.is_(None),
            ),
        )
    )


def emails_failed(user: User, s: Settings) -> Select:
    return select(Email).where(Email.status == EmailStatus.FAILED).order_by(Email.id.desc())


# Partners and mentors -------------------------------------------------------------------------


def partner_feedback_due(user: User, s: Settings) -> Select:
    """The organisation's live, unlocked shares with feedback still to give, soonest due
    first, with how many candidates have feedback."""
    progress = (
        select(
            SharedCandidate.share_id,
            func.count(SharedCandidate.id).label("expected"),
            func.count(PartnerFeedback.id).label("given"),
        )
        .join(Application, Application.id == SharedCandidate.application_id)
        .outerjoin(PartnerFeedback, PartnerFeedback.shared_candidate_id == SharedCandidate.id)
        .where(
            SharedCandidate.unshared_at.is_(None),
            Application.status.not_in(HIDDEN_FROM_PARTNERS),
        )
        .group_by(SharedCandidate.share_id)
        .subquery()
    )
    return (
        partner_shares(user)
        .add_columns(progress.c.given, progress.c.expected)
        .join(progress, progress.c.share_id == Share.id)
        # A locked share takes no more feedback: nothing is waiting for the partner there.
        .where(Share.locked_at.is_(None), progress.c.given < progress.c.expected)
        .order_by(Share.due_on, Share.id)
    )


def check_ins_due(user: User, s: Settings) -> Select:
    """The user's mentees with no check-in in the last CHECK_IN_DAYS days."""
    last = (
        select(func.max(MentoringLogEntry.occurred_on))
        .where(
            MentoringLogEntry.application_id == Application.id,
            MentoringLogEntry.kind == LogKind.CHECK_IN,
        )
        .scalar_subquery()
    )
    return (
        select(Application, last.label("last_check_in"))
        .join(
            MentorAssignment,
            and_(
                MentorAssignment.application_id == Application.id,
                MentorAssignment.ended_at.is_(None),
            ),
        )
        .join(MentorProfile, MentorProfile.id == MentorAssignment.mentor_id)
        .where(
            Application.status == Status.HIRED,
            MentorProfile.user_id == user.id,
            or_(last.is_(None), last < s.today - timedelta(days=s.check_in_days)),
        )
        .order_by(last.asc().nulls_first(), Application.id)
    )


def count(query: Select) -> int:
    """How many rows the line's SELECT finds: the same SELECT, counted by the database."""
    return db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))

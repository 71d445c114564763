"""The work queue's lines: each a SELECT of exactly the records waiting for this person.

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
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select
from sqlalchemy.orm import aliased

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


def _where(user: User, condition: ColumnElement[bool]) -> Select:
    """A line's list: the user's scoped applications where the line's condition holds."""
    return _scope(user).where(condition)


def _oldest_first(query: Select) -> Select:
    return query.order_by(in_stage_since(), Application.id)


# The user's own submitted scorecard, joined to each application for the hiring managers'
# lines. One scorecard per reviewer and application, so the join never adds rows; a join
# rather than a subquery per row, so one pass over the applications answers both lines.
_MINE = aliased(Scorecard, name="my_scorecard")


def _scope(user: User) -> Select:
    """The user's scoped applications, each with the user's submitted scorecard if any."""
    return visible_applications(user).outerjoin(
        _MINE,
        and_(
            _MINE.application_id == Application.id,
            _MINE.reviewer_id == user.id,
            _MINE.submitted_at.is_not(None),
        ),
    )


# Hiring managers ----------------------------------------------------------------------------


def _among(ids: Select) -> ColumnElement[bool]:
    """The application is one of ``ids``: an uncorrelated subquery, which PostgreSQL runs once
    and hashes, so a count over every application stays one cheap pass (a correlated EXISTS
    is costed per row and pushes the combined count into slow JIT compilation)."""
    return Application.id.in_(ids.correlate(None))


def awaiting_my_score_condition(user: User, s: Settings) -> ColumnElement[bool]:
    return and_(Application.status.in_(SCORING), _MINE.id.is_(None))


def awaiting_my_score(user: User, s: Settings) -> Select:
    return _oldest_first(_where(user, awaiting_my_score_condition(user, s)))


def awaiting_decision_condition(user: User, s: Settings) -> ColumnElement[bool]:
    """Scored by this user in this stage, and not moved since."""
    return and_(Application.status.in_(SCORING), _MINE.submitted_at >= in_stage_since())


def awaiting_decision(user: User, s: Settings) -> Select:
    return _oldest_first(_where(user, awaiting_decision_condition(user, s)))


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
    return _among(booked)


def interviews_this_week(user: User, s: Settings) -> Select:
    """Those interviews, soonest first, with their times. A candidate has at most one live
    booking of a kind (uq_booking_one_live_per_kind), so the join adds no rows."""
    return (
        _where(user, interviews_this_week_condition(user, s))
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
    return _among(given)


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
        _where(user, partner_feedback_new_condition(user, s, since))
        .add_columns(feedback_at)
        .order_by(feedback_at.desc(), Application.id)
    )


# HR -------------------------------------------------------------------------------------------


def new_applications_condition(user: User, s: Settings) -> ColumnElement[bool]:
    return Application.status == Status.SUBMITTED


def new_applications(user: User, s: Settings) -> Select:
    return _oldest_first(_where(user, new_applications_condition(user, s)))


def eligibility_check_condition(user: User, s: Settings) -> ColumnElement[bool]:
    return and_(Application.needs_hr_check.is_(True), Application.status.in_(ACTIVE))


def eligibility_check(user: User, s: Settings) -> Select:
    return _oldest_first(_where(user, eligibility_check_condition(user, s)))


def waiting_long_condition(user: User, s: Settings) -> ColumnElement[bool]:
    """The same rule as screening.queries.waiting_counts: awaiting a decision, in the stage for
    more than WAITING_DAYS."""
    return and_(
        Application.status.in_(AWAITING_DECISION),
        in_stage_since() < s.now - timedelta(days=s.waiting_days),
    )


def waiting_long(user: User, s: Settings) -> Select:
    return _oldest_first(_where(user, waiting_long_condition(user, s)))


def invited_not_booked_condition(user: User, s: Settings) -> ColumnElement[bool]:
    """Invited to an assessment or interview with no live booking of that kind."""
    return or_(
        *(
            and_(
                Application.status == status,
                ~_among(
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
    return _oldest_first(
        _where(user, invited_not_booked_condition(user, s))
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
        _among(select(Offer.application_id).where(Offer.made_at < made_before)),
    )


def offers_unanswered(user: User, s: Settings) -> Select:
    """With when the offer was made (one offer per application, so the join adds no rows)."""
    return (
        _where(user, offers_unanswered_condition(user, s))
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
    return and_(Application.status == Status.PRE_EMPLOYMENT_CHECKS, _among(unmet))


def conditions_outstanding(user: User, s: Settings) -> Select:
    unmet = _unmet_conditions().with_only_columns(func.count(OfferCondition.id))
    return _oldest_first(
        _where(user, conditions_outstanding_condition(user, s)).add_columns(
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
    return and_(Application.status.not_in(HIDDEN_FROM_PARTNERS), _among(overdue))


def partner_feedback_overdue(user: User, s: Settings) -> Select:
    """With the earliest such share's due date, soonest first."""
    due_on = (
        _overdue_shares(s)
        .with_only_columns(func.min(Share.due_on))
        .scalar_subquery()
        .label("due_on")
    )
    return (
        _where(user, partner_feedback_overdue_condition(user, s))
        .add_columns(due_on)
        .order_by(due_on, Application.id)
    )


def without_mentor_condition(user: User, s: Settings) -> ColumnElement[bool]:
    """As mentoring.queries.unassigned_count: hired, with no live mentor assignment."""
    assigned = select(MentorAssignment.application_id).where(MentorAssignment.ended_at.is_(None))
    return and_(Application.status == Status.HIRED, ~_among(assigned))


def without_mentor(user: User, s: Settings) -> Select:
    return _oldest_first(_where(user, without_mentor_condition(user, s)))


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

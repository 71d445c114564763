"""The lines of partners' and mentors' work queues: their own shares and mentees, not
scoped applications (see queries.py)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Select, and_, func, or_, select

from tracker.accounts.models import User
from tracker.applications.models import Application
from tracker.applications.states import Status
from tracker.mentoring.models import LogKind, MentorAssignment, MentoringLogEntry, MentorProfile
from tracker.partners.models import PartnerFeedback, Share, SharedCandidate
from tracker.partners.queries import HIDDEN_FROM_PARTNERS, partner_shares
from tracker.workqueue.queries import Settings


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

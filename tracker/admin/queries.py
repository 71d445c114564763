"""What HR reads before changing an account: who the change touches, and how many."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from tracker.accounts.models import AccountToken, StaffRole, StaffSession, User, UserRole
from tracker.applications.models import Application
from tracker.clock import utcnow
from tracker.extensions import db
from tracker.mentoring.models import MentorAssignment, MentorProfile
from tracker.partners.models import Share
from tracker.scheduling.models import Slot, slot_panel


@dataclass(frozen=True)
class Deactivation:
    """What deactivating a user does, counted: the confirmation page says it before it
    happens. Shares, slots and mentees stay as they are; they need someone new."""

    sessions: int
    links: int
    shares: list[Share]
    slots: list[Slot]
    mentees: list[Application]
    # For the last active partner user of an organisation: its open shares, which nobody
    # will be able to see until HR invites someone else there.
    orphaned_shares: list[Share]


def _count(query) -> int:
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0


def deactivation(user: User) -> Deactivation:
    now = utcnow()
    sessions = _count(
        select(StaffSession.id).where(
            StaffSession.user_id == user.id, StaffSession.revoked_at.is_(None)
        )
    )
    links = _count(
        select(AccountToken.id).where(
            AccountToken.user_id == user.id,
            AccountToken.used_at.is_(None),
            AccountToken.expires_at > now,
        )
    )
    shares = db.session.scalars(
        select(Share)
        .where(Share.created_by_id == user.id, Share.ended_at.is_(None))
        .order_by(Share.due_on, Share.id)
    ).all()
    slots = db.session.scalars(
        select(Slot)
        .join(slot_panel, slot_panel.c.slot_id == Slot.id)
        .where(
            slot_panel.c.user_id == user.id,
            Slot.cancelled_at.is_(None),
            Slot.starts_at > now,
        )
        .order_by(Slot.starts_at)
    ).all()
    mentees = db.session.scalars(
        select(Application)
        .join(MentorAssignment, MentorAssignment.application_id == Application.id)
        .join(MentorProfile, MentorProfile.id == MentorAssignment.mentor_id)
        .where(MentorProfile.user_id == user.id, MentorAssignment.ended_at.is_(None))
        .order_by(Application.reference)
    ).all()
    return Deactivation(
        sessions=sessions,
        links=links,
        shares=list(shares),
        slots=list(slots),
        mentees=list(mentees),
        orphaned_shares=_orphaned_shares(user),
    )


def _orphaned_shares(user: User) -> list[Share]:
    if not (user.has_role(StaffRole.PARTNER) and user.partner_organisation_id):
        return []
    others = _count(
        select(User.id)
        .join(UserRole)
        .where(
            User.partner_organisation_id == user.partner_organisation_id,
            User.id != user.id,
            User.is_active.is_(True),
            UserRole.role == StaffRole.PARTNER,
        )
    )
    if others:
        return []
    return list(
        db.session.scalars(
            select(Share)
            .where(Share.organisation_id == user.partner_organisation_id, Share.ended_at.is_(None))
            .order_by(Share.due_on, Share.id)
        )
    )

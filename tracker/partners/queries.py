"""What each person may find of shares: HR everything, a partner only their organisation's
live shares and the candidates still shared in them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, false, func, select
from sqlalchemy.orm import selectinload

from tracker.accounts.models import PartnerOrganisation, StaffRole, User, UserRole
from tracker.accounts.permissions import Permission, can
from tracker.applications.models import Application
from tracker.applications.states import Status
from tracker.extensions import db
from tracker.partners.models import PartnerFeedback, Share, SharedCandidate

# A candidate who withdraws is no longer shown to partners, whatever the share says.
HIDDEN_FROM_PARTNERS = (Status.WITHDRAWN,)


def _organisation_id(user: User) -> int | None:
    if not user.has_role(StaffRole.PARTNER):
        return None
    return user.partner_organisation_id


def managed_shares(user: User) -> Select:
    """The shares ``user`` may follow up and change: every one for HR, none otherwise."""
    if not can(user, Permission.SHARE_CANDIDATES):
        return select(Share).where(false())
    return select(Share)


def managed_candidates(user: User) -> Select:
    """The shared candidates ``user`` may take back out of a share (HR's)."""
    return (
        select(SharedCandidate)
        .join(SharedCandidate.share)
        .where(Share.id.in_(managed_shares(user).with_only_columns(Share.id)))
    )


def partner_shares(user: User) -> Select:
    """The live shares with this partner user's organisation."""
    organisation_id = _organisation_id(user)
    if organisation_id is None:
        return select(Share).where(false())
    return select(Share).where(Share.organisation_id == organisation_id, Share.ended_at.is_(None))


def partner_candidates(user: User) -> Select:
    """The candidates this partner user may see: still shared, in a live share with their
    organisation, and not withdrawn."""
    return (
        select(SharedCandidate)
        .join(SharedCandidate.share)
        .join(SharedCandidate.application)
        .where(
            Share.id.in_(partner_shares(user).with_only_columns(Share.id)),
            SharedCandidate.unshared_at.is_(None),
            Application.status.not_in(HIDDEN_FROM_PARTNERS),
        )
    )


def visible_in_share(share: Share) -> list[SharedCandidate]:
    """The share's candidates a partner can still see, in the order they were shared."""
    return [
        c
        for c in share.candidates
        if c.unshared_at is None and c.application.status not in HIDDEN_FROM_PARTNERS
    ]


@dataclass(frozen=True)
class Progress:
    given: int
    expected: int

    @property
    def complete(self) -> bool:
        return self.expected > 0 and self.given >= self.expected


def progress(share: Share) -> Progress:
    candidates = visible_in_share(share)
    return Progress(
        given=sum(1 for c in candidates if c.feedback is not None), expected=len(candidates)
    )


def counted_progress(share_id: int) -> Progress:
    """The same as ``progress``, counted by the database: what is committed now, not what
    this session loaded earlier."""
    visible = (
        select(SharedCandidate.id)
        .join(SharedCandidate.application)
        .where(
            SharedCandidate.share_id == share_id,
            SharedCandidate.unshared_at.is_(None),
            Application.status.not_in(HIDDEN_FROM_PARTNERS),
        )
    )
    expected = db.session.scalar(select(func.count()).select_from(visible.subquery()))
    given = db.session.scalar(
        select(func.count(PartnerFeedback.id)).where(
            PartnerFeedback.shared_candidate_id.in_(visible)
        )
    )
    return Progress(given=given or 0, expected=expected or 0)


def all_shares() -> list[Share]:
    return list(
        db.session.scalars(
            select(Share)
            .options(
                selectinload(Share.organisation),
                selectinload(Share.candidates).selectinload(SharedCandidate.application),
                selectinload(Share.candidates).selectinload(SharedCandidate.feedback),
            )
            .order_by(Share.ended_at.is_not(None), Share.due_on, Share.id)
        )
    )


def organisations() -> list[PartnerOrganisation]:
    """Every partner organisation, by name: the choices wherever one is picked."""
    return list(
        db.session.scalars(
            select(PartnerOrganisation).order_by(
                func.lower(PartnerOrganisation.name), PartnerOrganisation.id
            )
        )
    )


def partner_users(organisation_id: int) -> list[User]:
    """The organisation's active partner users: who is told about its shares."""
    return list(
        db.session.scalars(
            select(User)
            .join(UserRole)
            .where(
                User.partner_organisation_id == organisation_id,
                User.is_active.is_(True),
                UserRole.role == StaffRole.PARTNER,
            )
            .order_by(User.name)
        )
    )


def feedback_for_application(application: Application) -> list[PartnerFeedback]:
    """Every organisation's feedback on one candidate, oldest first: for council staff only."""
    return list(
        db.session.scalars(
            select(PartnerFeedback)
            .join(PartnerFeedback.shared_candidate)
            .where(SharedCandidate.application_id == application.id)
            .options(
                selectinload(PartnerFeedback.shared_candidate)
                .selectinload(SharedCandidate.share)
                .selectinload(Share.organisation),
                selectinload(PartnerFeedback.shared_candidate)
                .selectinload(SharedCandidate.share)
                .selectinload(Share.criteria),
            )
            .order_by(PartnerFeedback.submitted_at)
        )
    )

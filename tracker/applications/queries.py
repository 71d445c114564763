"""Questions asked about applications, always through a scope: a staff user's (the roles
they may see) or an applicant's (their own applications)."""

from __future__ import annotations

from sqlalchemy import Select, select

from tracker.accounts.models import User
from tracker.accounts.permissions import visible_roles
from tracker.applicants.models import Applicant
from tracker.applications.models import Application, EqualityAnswers, TimelineEntry
from tracker.applications.states import REJECTION_REASONS, Status
from tracker.catalogue.models import Campaign, Role
from tracker.extensions import db


def visible_applications(user: User) -> Select:
    """Submitted applications for the roles this user may see. Drafts belong to applicants."""
    role_ids = visible_roles(user).with_only_columns(Role.id)
    return select(Application).where(
        Application.role_id.in_(role_ids), Application.status != Status.DRAFT
    )


def applications_for_role(user: User, role_id: int) -> list[Application]:
    return list(
        db.session.scalars(
            visible_applications(user)
            .where(Application.role_id == role_id)
            .order_by(Application.submitted_at)
        )
    )


def find_visible_application(user: User, application_id: int) -> Application | None:
    return db.session.scalar(visible_applications(user).where(Application.id == application_id))


def own_applications(applicant) -> Select:
    """The applications this applicant made: the applicant's scope, as staff have theirs."""
    return select(Application).where(Application.applicant_id == applicant.id)


def campaign_applications(applicant: Applicant, campaign_id: int) -> list[Application]:
    return list(
        db.session.scalars(
            select(Application)
            .join(Role)
            .where(Application.applicant_id == applicant.id, Role.campaign_id == campaign_id)
            .order_by(Application.preference, Application.id)
        )
    )


def applications_by_campaign(applicant: Applicant) -> list[tuple[Campaign, list[Application]]]:
    """The applicant's applications, newest campaign first, each in their order of preference."""
    applications = db.session.scalars(
        select(Application)
        .join(Role)
        .join(Campaign)
        .where(Application.applicant_id == applicant.id)
        .order_by(Campaign.opens_on.desc(), Application.preference, Application.id)
    ).all()
    groups: dict[int, tuple[Campaign, list[Application]]] = {}
    for application in applications:
        campaign = application.role.campaign
        groups.setdefault(campaign.id, (campaign, []))[1].append(application)
    return list(groups.values())


def rejection_reasons(applications: list[Application]) -> dict[int, tuple[list[str], str]]:
    """For each unsuccessful application: the reasons (as the applicant reads them) and the
    feedback given when it was made unsuccessful."""
    if not applications:
        return {}
    entries = db.session.scalars(
        select(TimelineEntry)
        .where(
            TimelineEntry.application_id.in_([a.id for a in applications]),
            TimelineEntry.to_status == Status.UNSUCCESSFUL,
        )
        .order_by(TimelineEntry.id)
    ).all()
    return {
        entry.application_id: (
            [REJECTION_REASONS.get(code, code) for code in entry.reasons],
            entry.feedback or "",
        )
        for entry in entries
    }


def equality_answers(application: Application) -> EqualityAnswers | None:
    """For the applicant's own pages only: no staff page calls this."""
    return db.session.scalar(
        select(EqualityAnswers).where(EqualityAnswers.application_id == application.id)
    )

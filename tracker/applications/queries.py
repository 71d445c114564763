"""Questions staff pages ask about applications, always through the user's scope."""

from __future__ import annotations

from sqlalchemy import Select, select

from tracker.accounts.models import User
from tracker.accounts.permissions import visible_roles
from tracker.applications.models import Application
from tracker.applications.states import Status
from tracker.catalogue.models import Role
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

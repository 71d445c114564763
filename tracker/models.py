"""Every model, imported in one place so that Alembic's autogenerate sees all tables."""

from tracker.accounts.models import (
    AccountToken,
    ManagerScope,
    PartnerOrganisation,
    StaffSession,
    User,
    UserRole,
)
from tracker.audit.models import AuditEvent
from tracker.catalogue.models import Campaign, Criterion, Role, Track
from tracker.notifications.models import Email

__all__ = [
    "AccountToken",
    "AuditEvent",
    "Campaign",
    "Criterion",
    "Email",
    "ManagerScope",
    "PartnerOrganisation",
    "Role",
    "StaffSession",
    "Track",
    "User",
    "UserRole",
]

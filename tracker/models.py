"""Every model, imported in one place so that Alembic's autogenerate sees all tables."""

from tracker.accounts.models import (
    AccountToken,
    ManagerScope,
    PartnerOrganisation,
    StaffSession,
    User,
    UserRole,
)
from tracker.applicants.models import Applicant, ApplicantSession, SignInLink
from tracker.applications.models import (
    Application,
    ApplicationAnswer,
    CvDocument,
    EqualityAnswers,
    TimelineEntry,
)
from tracker.audit.models import AuditEvent
from tracker.catalogue.models import Campaign, Criterion, Role, Track
from tracker.notifications.models import Email
from tracker.offers.models import Offer, OfferCondition
from tracker.scheduling.models import Booking, Slot
from tracker.screening.models import CandidateNote, Score, Scorecard

__all__ = [
    "AccountToken",
    "Applicant",
    "ApplicantSession",
    "Application",
    "ApplicationAnswer",
    "AuditEvent",
    "Booking",
    "Campaign",
    "CandidateNote",
    "Criterion",
    "CvDocument",
    "Email",
    "EqualityAnswers",
    "ManagerScope",
    "Offer",
    "OfferCondition",
    "PartnerOrganisation",
    "Role",
    "Score",
    "Scorecard",
    "SignInLink",
    "Slot",
    "StaffSession",
    "TimelineEntry",
    "Track",
    "User",
    "UserRole",
]

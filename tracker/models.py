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
from tracker.exports.models import ExportTemplate
from tracker.mentoring.models import MentorAssignment, MentoringLogEntry, MentorProfile
from tracker.notifications.models import Email
from tracker.offers.models import Offer, OfferCondition
from tracker.partners.models import (
    FeedbackScore,
    PartnerFeedback,
    Share,
    ShareCriterion,
    SharedCandidate,
)
from tracker.reports.population_models import PopulationFigures
from tracker.scheduling.models import Booking, Slot
from tracker.screening.models import CandidateNote, SavedView, Score, Scorecard
from tracker.workqueue.models import BookingReminder

__all__ = [
    "AccountToken",
    "Applicant",
    "ApplicantSession",
    "Application",
    "ApplicationAnswer",
    "AuditEvent",
    "Booking",
    "BookingReminder",
    "Campaign",
    "CandidateNote",
    "Criterion",
    "CvDocument",
    "Email",
    "EqualityAnswers",
    "ExportTemplate",
    "FeedbackScore",
    "ManagerScope",
    "MentorAssignment",
    "MentorProfile",
    "MentoringLogEntry",
    "Offer",
    "OfferCondition",
    "PartnerFeedback",
    "PartnerOrganisation",
    "PopulationFigures",
    "Role",
    "SavedView",
    "Score",
    "Scorecard",
    "Share",
    "ShareCriterion",
    "SharedCandidate",
    "SignInLink",
    "Slot",
    "StaffSession",
    "TimelineEntry",
    "Track",
    "User",
    "UserRole",
]

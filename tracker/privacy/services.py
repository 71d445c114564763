"""Retention and erasure: where an applicant's personal data lives, and taking it out.

Retention anonymises: personal details are blanked, free text about the candidate is
cleared, their CV is deleted and their emails redacted (and the development mailbox's copies
deleted), but each application's role, stages,
timeline, scores, where they heard of us, eligibility flags and equality row stay, so reports
still add up. Erasure removes the applicant and every record about them. Both are safe to run
again: a second run finds nothing left to change. Verbs flush and never commit; files are
deleted only after the commit (applications/storage.py).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, or_, select, update

from tracker.accounts.models import User
from tracker.accounts.permissions import Permission, can
from tracker.applicants.models import Applicant, ApplicantSession, KeptForm, SignInLink
from tracker.applications import storage
from tracker.applications.models import Application, ApplicationAnswer, CvDocument, TimelineEntry
from tracker.applications.states import Status
from tracker.audit.services import record_event
from tracker.catalogue.models import Campaign, Role
from tracker.clock import utcnow
from tracker.extensions import db
from tracker.mentoring.models import MentorAssignment, MentoringLogEntry, MentorProfile
from tracker.notifications import mailbox
from tracker.notifications.models import Email, EmailStatus
from tracker.partners.models import PartnerFeedback, SharedCandidate
from tracker.refusals import Refused
from tracker.reports import age_bands
from tracker.scheduling.models import Booking, Slot
from tracker.screening import identity
from tracker.screening.models import CandidateNote, Score, Scorecard

# Whose data retention removes: everyone the campaign did not hire or is not still
# considering. Hired apprentices become employees, kept under the council's HR policies.
RETAINED_UNTIL_EXPIRY = (
    Status.DRAFT,
    Status.UNSUCCESSFUL,
    Status.WITHDRAWN,
    Status.OFFER_DECLINED,
)
# The personal details on an application, blanked by retention.
PERSONAL_COLUMNS = (
    "full_name",
    "date_of_birth",
    "address_line_1",
    "address_line_2",
    "town",
    "postcode",
    "phone",
    "preferred_contact",
    "other_qualifications",
    "adjustments",
    "declares_disability",
    "withdrawal_details",
)
REDACTED = "[redacted]"


class PrivacyError(Refused):
    """Something that cannot be done with someone's data, with a message for HR."""


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day when it has no such day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def retention_ends_on(campaign: Campaign) -> date:
    return add_months(campaign.closes_on, campaign.retention_months)


@dataclass(frozen=True)
class Due:
    application_id: int
    reference: str | None
    status: Status
    campaign: str
    retention_ended_on: date


def due_for_retention(today: date) -> list[Due]:
    """Applications whose campaign's retention period has ended and that are not kept."""
    rows = db.session.execute(
        select(Application.id, Application.reference, Application.status, Campaign)
        .join(Role, Application.role_id == Role.id)
        .join(Campaign, Role.campaign_id == Campaign.id)
        .where(
            Application.anonymised_at.is_(None),
            Application.status.in_(RETAINED_UNTIL_EXPIRY),
            Campaign.closes_on < today,
        )
        .order_by(Campaign.closes_on, Application.id)
    ).all()
    return [
        Due(row.id, row.reference, row.status, row.Campaign.name, retention_ends_on(row.Campaign))
        for row in rows
        if retention_ends_on(row.Campaign) < today
    ]


def _application_ids(applicant: Applicant) -> list[int]:
    return list(
        db.session.scalars(select(Application.id).where(Application.applicant_id == applicant.id))
    )


def email_filter(address: str, application_ids: list[int]):
    """Outbox rows to this address, or about any of these applications."""
    about = Email.context["application_id"].as_integer().in_(application_ids)
    return or_(Email.recipient == address, about) if application_ids else Email.recipient == address


def _forget_emails(address: str, application_ids: list[int], *, redact: bool) -> None:
    """Unsent emails are dropped; sent and failed ones are redacted (kept as a count for the
    outbox's figures) or, for erasure, deleted. The development mailbox's copies of them, and
    of anything else sent to the address, go after the commit."""
    matching = email_filter(address, application_ids)
    mailbox.forget_after_commit(
        addresses=[address] if address else [],
        email_ids=db.session.scalars(select(Email.id).where(matching)).all(),
    )
    db.session.execute(
        delete(Email)
        .where(matching, Email.status.in_((EmailStatus.PENDING, EmailStatus.SENDING)))
        .execution_options(synchronize_session=False)
    )
    if not redact:
        db.session.execute(
            delete(Email).where(matching).execution_options(synchronize_session=False)
        )
        return
    for email in db.session.scalars(select(Email).where(matching)):
        email.recipient = REDACTED
        email.subject = REDACTED if email.subject else None
        email.context = {}
        email.last_error = REDACTED if email.last_error else None
        # The key names the event and ids only, never the address: it can stay unique.


def _delete_cv(application: Application) -> None:
    cv = db.session.scalar(select(CvDocument).where(CvDocument.application_id == application.id))
    if cv is not None:
        storage.delete_after_commit(cv.storage_name)
        db.session.delete(cv)


def keep_age_band(application: Application) -> None:
    """Before the date of birth is blanked, keep the coarse band the equality report counts
    it in (age on the campaign's closing date), so the report reads the same afterwards.
    The band alone, of five, points at no one."""
    if application.date_of_birth is not None:
        application.age_band = age_bands.band(
            application.date_of_birth, application.role.campaign.closes_on
        )


def anonymise_application(application: Application, *, now: datetime) -> None:
    """Blank the personal details and free text of one application; keep what reports use."""
    keep_age_band(application)
    for column in PERSONAL_COLUMNS:
        setattr(application, column, None)
    application.eligibility_findings = [
        {"code": f.get("code"), "severity": f.get("severity")}
        for f in application.eligibility_findings or []
    ]
    application.anonymised_at = now
    _delete_cv(application)
    ids = [application.id]
    db.session.execute(delete(ApplicationAnswer).where(ApplicationAnswer.application_id.in_(ids)))
    db.session.execute(delete(CandidateNote).where(CandidateNote.application_id.in_(ids)))
    identity.forget_reveals(ids)
    db.session.execute(
        update(TimelineEntry)
        .where(TimelineEntry.application_id.in_(ids))
        .values(feedback=None, override_reason=None)
    )
    scorecards = select(Scorecard.id).where(Scorecard.application_id.in_(ids))
    db.session.execute(update(Score).where(Score.scorecard_id.in_(scorecards)).values(evidence=""))
    shared = select(SharedCandidate.id).where(SharedCandidate.application_id.in_(ids))
    db.session.execute(
        update(PartnerFeedback)
        .where(PartnerFeedback.shared_candidate_id.in_(shared))
        .values(comments=None)
    )
    db.session.execute(delete(MentoringLogEntry).where(MentoringLogEntry.application_id.in_(ids)))


def _anonymise_applicant(applicant: Applicant, *, now: datetime) -> None:
    """Once nothing of theirs is kept, the email address goes too (after its emails)."""
    address = applicant.email
    _forget_emails(address, _application_ids(applicant), redact=True)
    db.session.execute(delete(SignInLink).where(SignInLink.email == address))
    db.session.execute(
        delete(ApplicantSession).where(ApplicantSession.applicant_id == applicant.id)
    )
    db.session.execute(delete(KeptForm).where(KeptForm.applicant_id == applicant.id))
    applicant.email = f"anonymised-{applicant.id}@anonymised.invalid"
    applicant.anonymised_at = now


@dataclass(frozen=True)
class RetentionResult:
    applications: list[Due]
    applicants: int
    dry_run: bool


def run_retention(*, today: date, dry_run: bool, actor_label: str) -> RetentionResult:
    """Anonymise every application past its campaign's retention, and then every applicant
    with nothing left that is kept. A dry run changes nothing and says what it would do."""
    due = due_for_retention(today)
    ids = [d.application_id for d in due]
    applicants = (
        list(
            db.session.scalars(
                select(Applicant)
                .where(
                    Applicant.id.in_(
                        select(Application.applicant_id).where(Application.id.in_(ids))
                    )
                )
                .order_by(Applicant.id)
            )
        )
        if ids
        else []
    )
    if dry_run:
        done = [a for a in applicants if _nothing_else_kept(a, set(ids))]
        return RetentionResult(applications=due, applicants=len(done), dry_run=True)
    now = utcnow()
    for application in db.session.scalars(
        select(Application).where(Application.id.in_(ids)).with_for_update()
    ):
        anonymise_application(application, now=now)
    db.session.flush()
    finished = 0
    for applicant in applicants:
        if _nothing_else_kept(applicant, set()):
            _anonymise_applicant(applicant, now=now)
            finished += 1
        else:
            _forget_emails(
                "", [i for i in ids if i in set(_application_ids(applicant))], redact=True
            )
    if due:
        record_event(
            actor=None,
            actor_label=actor_label,
            action="privacy.retention_run",
            details={"applications": len(due), "applicants": finished},
        )
    db.session.flush()
    return RetentionResult(applications=due, applicants=finished, dry_run=False)


def _nothing_else_kept(applicant: Applicant, about_to_go: set[int]) -> bool:
    """Whether every application of theirs is (or is about to be) anonymised."""
    kept = db.session.scalar(
        select(Application.id).where(
            Application.applicant_id == applicant.id,
            Application.anonymised_at.is_(None),
            Application.id.not_in(about_to_go) if about_to_go else True,
        )
    )
    return kept is None and applicant.anonymised_at is None


def find_applicant(email: str) -> Applicant | None:
    return db.session.scalar(
        select(Applicant).where(Applicant.email == " ".join(email.split()).lower())
    )


def erase_applicant(*, actor: User, applicant: Applicant) -> int:
    """Remove the applicant and every record about them: applications (with answers, CVs,
    equality answers, timeline, notes, scores, bookings, offers, shares, mentoring), files,
    emails, sign-in links and sessions. Returns how many applications went.

    :raise PrivacyError: for a hired apprentice, whose record is now an employee's.
    """
    if not can(actor, Permission.MANAGE_PERSONAL_DATA):
        raise PrivacyError("You do not have permission to erase applicants")
    applications = list(
        db.session.scalars(
            select(Application).where(Application.applicant_id == applicant.id).with_for_update()
        )
    )
    if any(a.status is Status.HIRED for a in applications):
        raise PrivacyError(
            "This applicant was hired: their record is now an employee's, kept under the "
            "council's HR retention policy. Ask HR's data protection lead."
        )
    ids = [a.id for a in applications]
    _forget_emails(applicant.email, ids, redact=False)
    identity.forget_reveals(ids)
    # A live mentor assignment holds one of the mentor's places: give it back first.
    for assignment in db.session.scalars(
        select(MentorAssignment).where(
            MentorAssignment.application_id.in_(ids), MentorAssignment.ended_at.is_(None)
        )
    ):
        db.session.execute(
            update(MentorProfile)
            .where(MentorProfile.id == assignment.mentor_id, MentorProfile.assigned > 0)
            .values(assigned=MentorProfile.assigned - 1)
        )
    # So does a live booking, of a slot's places.
    for booking in db.session.scalars(
        select(Booking).where(Booking.application_id.in_(ids), Booking.cancelled_at.is_(None))
    ):
        db.session.execute(
            update(Slot)
            .where(Slot.id == booking.slot_id, Slot.booked > 0)
            .values(booked=Slot.booked - 1)
        )
    for application in applications:
        _delete_cv(application)
        db.session.delete(application)
    db.session.execute(delete(SignInLink).where(SignInLink.email == applicant.email))
    db.session.delete(applicant)
    db.session.flush()
    record_event(
        actor=actor,
        action="privacy.erased",
        object_type="applicant",
        object_id=applicant.id,
        details={"applications": len(ids)},
    )
    return len(ids)

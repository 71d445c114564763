"""Retention and erasure: whose personal data goes, and when; each package takes out its own
(its personal_data.py, run through providers.each).

Retention anonymises: personal details are blanked, free text about the candidate is
cleared, their CV is deleted and their emails redacted (and the development mailbox's copies
deleted), but each application's role, stages, timeline, scores, where they heard of us,
eligibility flags and equality row stay, so reports still add up. Erasure removes the
applicant and every record about them. Both are safe to run again: a second run finds
nothing left to change. Verbs flush and never commit; files are deleted only after the
commit (applications/storage.py).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select, true

from tracker.accounts.models import User
from tracker.accounts.permissions import Permission, can
from tracker.applicants.models import Applicant
from tracker.applications.models import Application
from tracker.applications.states import Status
from tracker.audit.services import record_event
from tracker.catalogue.models import Campaign, Role
from tracker.clock import utcnow
from tracker.extensions import db
from tracker.privacy.providers import each, subject_of
from tracker.refusals import Refused

# Whose data retention removes: everyone the campaign did not hire or is not still
# considering. Hired apprentices become employees, kept under the council's HR policies.
RETAINED_UNTIL_EXPIRY = (
    Status.DRAFT,
    Status.UNSUCCESSFUL,
    Status.WITHDRAWN,
    Status.OFFER_DECLINED,
)


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


def anonymise_application(application: Application, *, now: datetime) -> None:
    """Blank the personal details and free text of one application, everywhere they are;
    keep what reports use."""
    _anonymise_applications([application.id], now=now)


def _anonymise_applications(application_ids: list[int], *, now: datetime) -> None:
    for anonymise in each("anonymise_applications", top_down=True):
        anonymise(application_ids, now=now)


@dataclass(frozen=True)
class RetentionResult:
    applications: list[Due]
    applicants: int
    dry_run: bool


def _applicants_of(application_ids: list[int]) -> list[Applicant]:
    if not application_ids:
        return []
    theirs = select(Application.applicant_id).where(Application.id.in_(application_ids))
    return list(
        db.session.scalars(select(Applicant).where(Applicant.id.in_(theirs)).order_by(Applicant.id))
    )


def run_retention(*, today: date, dry_run: bool, actor_label: str) -> RetentionResult:
    """Anonymise every application past its campaign's retention, and then every applicant
    with nothing left that is kept. A dry run changes nothing and says what it would do."""
    due = due_for_retention(today)
    ids = [d.application_id for d in due]
    applicants = _applicants_of(ids)
    if dry_run:
        done = [a for a in applicants if _nothing_else_kept(a, set(ids))]
        return RetentionResult(applications=due, applicants=len(done), dry_run=True)
    now = utcnow()
    db.session.execute(select(Application.id).where(Application.id.in_(ids)).with_for_update())
    _anonymise_applications(ids, now=now)
    db.session.flush()
    # Once nothing of theirs is kept, their email address goes too (after its emails).
    finished = [a for a in applicants if _nothing_else_kept(a, set())]
    for applicant in finished:
        subject = subject_of(applicant)
        for anonymise in each("anonymise_subject", top_down=True):
            anonymise(subject, now=now)
    if due:
        record_event(
            actor=None,
            actor_label=actor_label,
            action="privacy.retention_run",
            details={"applications": len(due), "applicants": len(finished)},
        )
    db.session.flush()
    return RetentionResult(applications=due, applicants=len(finished), dry_run=False)


def _nothing_else_kept(applicant: Applicant, about_to_go: set[int]) -> bool:
    """Whether every application of theirs is (or is about to be) anonymised."""
    kept = db.session.scalar(
        select(Application.id).where(
            Application.applicant_id == applicant.id,
            Application.anonymised_at.is_(None),
            Application.id.not_in(about_to_go) if about_to_go else true(),
        )
    )
    return kept is None and applicant.anonymised_at is None


def find_applicant(email: str) -> Applicant | None:
    return db.session.scalar(
        select(Applicant).where(Applicant.email == " ".join(email.split()).lower())
    )


def erase_applicant(*, actor: User, applicant: Applicant) -> int:
    """Remove the applicant and every record about them, in every package: applications
    (with answers, CVs, equality answers, timeline, notes, scores, bookings, offers, shares,
    mentoring), files, emails, sign-in links and sessions. Returns how many applications went.

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
    subject = subject_of(applicant, application_ids=sorted(a.id for a in applications))
    for erase in each("erase", top_down=True):
        erase(subject)
    db.session.flush()
    record_event(
        actor=actor,
        action="privacy.erased",
        object_type="applicant",
        object_id=subject.applicant_id,
        details={"applications": len(subject.application_ids)},
    )
    return len(subject.application_ids)

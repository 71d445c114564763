"""What HR reads before erasing an applicant: what goes, counted, before anything goes."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from tracker.applicants.models import Applicant
from tracker.applications.models import Application, CvDocument
from tracker.applications.states import Status
from tracker.extensions import db
from tracker.mentoring.models import MentorAssignment
from tracker.notifications.models import Email
from tracker.partners.models import SharedCandidate
from tracker.privacy.services import email_filter
from tracker.scheduling.models import Booking


@dataclass(frozen=True)
class Erasure:
    """Everything ``services.erase_applicant`` would remove, counted."""

    applications: list[Application]
    cvs: int
    emails: int
    bookings: int
    mentoring: int
    shared: int

    @property
    def hired(self) -> bool:
        """A hired apprentice's record is an employee's: erasure refuses it."""
        return any(a.status is Status.HIRED for a in self.applications)


def _count(query) -> int:
    return db.session.scalar(select(func.count()).select_from(query.subquery()))


def applications_of(applicant: Applicant) -> list[Application]:
    return list(
        db.session.scalars(
            select(Application)
            .where(Application.applicant_id == applicant.id)
            .options(selectinload(Application.role))
            .order_by(Application.created_at)
        )
    )


def erasure(applicant: Applicant) -> Erasure:
    applications = applications_of(applicant)
    ids = [a.id for a in applications]
    return Erasure(
        applications=applications,
        cvs=_count(select(CvDocument.id).where(CvDocument.application_id.in_(ids))),
        emails=_count(select(Email.id).where(email_filter(applicant.email, ids))),
        bookings=_count(
            select(Booking.id).where(
                Booking.application_id.in_(ids), Booking.cancelled_at.is_(None)
            )
        ),
        mentoring=_count(
            select(MentorAssignment.id).where(
                MentorAssignment.application_id.in_(ids), MentorAssignment.ended_at.is_(None)
            )
        ),
        shared=_count(select(SharedCandidate.id).where(SharedCandidate.application_id.in_(ids))),
    )

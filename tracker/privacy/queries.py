"""What HR reads before erasing an applicant: what goes, counted, before anything goes."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.applicants.models import Applicant
from tracker.applications.models import Application
from tracker.applications.states import Status
from tracker.extensions import db
from tracker.privacy.providers import each, subject_of


@dataclass(frozen=True)
class Erasure:
    """Everything ``services.erase_applicant`` would remove, counted by each package that
    holds some of it (cvs, emails, bookings, mentoring, shared)."""

    applications: list[Application]
    counts: dict[str, int]

    @property
    def hired(self) -> bool:
        """A hired apprentice's record is an employee's: erasure refuses it."""
        return any(a.status is Status.HIRED for a in self.applications)


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
    subject = subject_of(applicant, application_ids=sorted(a.id for a in applications))
    counts: dict[str, int] = {}
    for count in each("erasure_counts"):
        counts |= count(subject)
    return Erasure(applications=applications, counts=counts)

"""HR's data request and retention forms with a mistake in each (tests/forms/harness.py)."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.factories import ApplicantFactory, ApplicationFactory, UserFactory
from tests.forms.harness import InvalidPost
from tracker.accounts.models import StaffRole
from tracker.applicants.models import Applicant
from tracker.applications.models import Application
from tracker.extensions import db


def _hr():
    return UserFactory(roles=[StaffRole.ADMIN])


def _applicant_with_an_application(hr) -> dict:
    application = ApplicationFactory(submitted=True)
    applicant = application.applicant_id
    return {"applicant": applicant, "url": f"/staff/data-requests/{applicant}/erase"}


def _still_there(arranged):
    return (
        db.session.get(Applicant, arranged["applicant"]) is not None,
        db.session.scalar(
            select(func.count())
            .select_from(Application)
            .where(Application.applicant_id == arranged["applicant"])
        ),
    )


def _applicants(arranged):
    """Every applicant, and whether their data is still there."""
    return db.session.execute(
        select(Applicant.id, Applicant.email, Applicant.anonymised_at).order_by(Applicant.id)
    ).all()


CASES = [
    InvalidPost(
        name="find-an-applicant-by-an-address-nobody-used",
        endpoint="privacy.data_requests",
        user=_hr,
        arrange=lambda hr: {"url": "/staff/data-requests", "email": ApplicantFactory().email},
        data=lambda arranged: {"email": "nobody-applied@example.org"},
        field="email",
        message="No applicant has used this email address",
        state=_applicants,
    ),
    InvalidPost(
        name="erase-without-confirming-the-checks",
        endpoint="privacy.erase",
        user=_hr,
        arrange=_applicant_with_an_application,
        data=lambda arranged: {},
        field="confirmed",
        message="Confirm you have checked the request before erasing",
        state=_still_there,
    ),
    InvalidPost(
        name="anonymise-when-nothing-is-due",
        endpoint="privacy.retention",
        user=_hr,
        arrange=lambda hr: {"url": "/staff/retention"},
        data=lambda arranged: {},
        field="form-errors",
        message="No applications are due to be anonymised today",
        state=_applicants,
    ),
]

EXEMPT: dict[str, str] = {
    "privacy.export_data": "a download button with nothing to fill in: the file comes back",
}

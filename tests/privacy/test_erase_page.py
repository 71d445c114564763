"""Erasing an applicant is confirmed on a page that says what goes, counted, what is kept,
that no email goes and that it cannot be undone; Cancel changes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.factories import UserFactory
from tracker.accounts.models import StaffRole
from tracker.applicants.models import Applicant
from tracker.applications.models import Application
from tracker.applications.states import Status
from tracker.extensions import db
from tracker.notifications.models import Email
from tracker.notifications.personal_data import email_filter


@pytest.fixture
def hr():
    return UserFactory(roles=[StaffRole.ADMIN], name="Harriet Rights")


def _text(response) -> str:
    return " ".join(response.get_data(as_text=True).split())


def test_the_page_says_what_goes_what_is_kept_and_that_no_email_goes(
    client, sign_in, hr, seed_person
):
    person = seed_person("Page", status=Status.WITHDRAWN)
    application = db.session.get(Application, person.application_id)
    emails = db.session.scalar(
        select(func.count()).select_from(Email).where(email_filter(person.email, [application.id]))
    )
    assert emails  # the seeded applicant has been emailed
    sign_in(hr)

    response = client.get(f"/staff/data-requests/{person.applicant_id}/erase")

    page = _text(response)
    assert f"Erase everything about {person.email}?" in page
    assert "1 application, and everything with it" in page
    assert application.reference in page
    assert f"{emails} email{'s' if emails != 1 else ''} to them or about them" in page
    assert "1 CV file" in page
    assert f"record that you erased applicant {person.applicant_id}" in page
    assert "No email is sent" in page
    assert "You cannot undo this" in page
    assert "Yes, erase everything about this applicant" in page
    assert "govuk-button--warning" in page
    assert f'href="/staff/data-requests/{person.applicant_id}">Cancel</a>' in page
    # Looking changes nothing.
    db.session.expire_all()
    assert db.session.get(Applicant, person.applicant_id) is not None


def test_a_hired_apprentice_is_explained_with_no_button(client, sign_in, hr, seed_person):
    person = seed_person("Hired", status=Status.HIRED)
    sign_in(hr)

    page = _text(client.get(f"/staff/data-requests/{person.applicant_id}/erase"))

    assert "This applicant was hired" in page
    assert "Yes, erase" not in page

"""In headless Chromium: a hiring manager opens a role's candidates, reads one name-blind,
moves them on through the form (after one refused move, which keeps what they typed), and
sees the timeline; HR reads another name-blind and reveals who applied, with a reason; every
page passes axe-core."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import serious_axe_violations, sign_in_staff
from tests.factories import ApplicantFactory, ApplicationFactory, UserFactory
from tracker.accounts.models import StaffRole
from tracker.catalogue.models import Role
from tracker.extensions import db

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def sifting(live_app):
    """A manager for data analysis, and a candidate in sift for one of its roles."""
    with live_app.app_context():
        role = db.session.scalars(select(Role).where(Role.slug == "data-analyst-apprentice")).one()
        manager = UserFactory(
            roles=[StaffRole.HIRING_MANAGER],
            tracks=[role.track],
            email="manager.screening@example.gov.uk",
        )
        application = ApplicationFactory(
            applicant=ApplicantFactory(email="candidate.screening@example.com"),
            role=role,
            sift=True,
            full_name="Robin Candidate",
        )
        db.session.commit()
        return manager.email, role.id, application.id, application.reference


def test_a_manager_moves_a_candidate_on_name_blind(page, sifting):
    email, role_id, _application_id, reference = sifting
    sign_in_staff(page, email)
    assert serious_axe_violations(page) == []

    # Other browser modules add candidates to this role: find this one by its reference.
    page.goto(f"/staff/roles/{role_id}/candidates?reference={reference}")
    expect(page.get_by_role("link", name=reference)).to_be_visible()
    assert serious_axe_violations(page) == []

    page.get_by_role("link", name=reference).click()
    expect(page.get_by_role("heading", name=f"Application {reference}")).to_be_visible()
    expect(page.get_by_text("Robin Candidate")).to_have_count(0)
    assert serious_axe_violations(page) == []

    # A refused move comes back with its error and everything typed.
    feedback = page.get_by_label("Feedback for the applicant (optional)")
    page.get_by_label("Mark unsuccessful").check()
    feedback.fill("Say more about x < y next time")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.get_by_role("link", name="Select at least one reason")).to_be_visible()
    expect(feedback).to_have_value("Say more about x < y next time")
    assert serious_axe_violations(page) == []

    feedback.fill("")
    page.get_by_label("Invite to assessment").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text(f"{reference} is now: assessment")).to_be_visible()
    expect(page.get_by_text("Robin Candidate").first).to_be_visible()
    # The timeline is a section of its own, one link away.
    page.get_by_role("navigation", name="Candidate sections").get_by_role(
        "link", name="Timeline"
    ).click()
    expect(page.get_by_text("In sift → Assessment")).to_be_visible()
    assert serious_axe_violations(page) == []


@pytest.fixture(scope="module")
def hr_sifting(live_app):
    """An HR user, and another candidate in sift whose CV is named after them."""
    with live_app.app_context():
        role = db.session.scalars(select(Role).where(Role.slug == "data-analyst-apprentice")).one()
        hr = UserFactory(roles=[StaffRole.ADMIN], email="hr.reveal@example.gov.uk")
        application = ApplicationFactory(
            applicant=ApplicantFactory(email="jordan.reveal@example.com"),
            role=role,
            sift=True,
            full_name="Jordan Revealington",
        )
        db.session.commit()
        return hr.email, hr.totp_secret, application.id, application.reference


def test_hr_reads_a_candidate_name_blind_and_reveals_them_with_a_reason(page, hr_sifting):
    email, secret, application_id, reference = hr_sifting
    sign_in_staff(page, email, secret)

    page.goto(f"/staff/applications/{application_id}")
    expect(page.get_by_role("heading", name=f"Application {reference}")).to_be_visible()
    expect(page.get_by_text("Revealington")).to_have_count(0)
    expect(page.get_by_text("jordan.reveal@example.com")).to_have_count(0)

    page.get_by_text("Show name and contact details").first.click()
    assert serious_axe_violations(page) == []
    page.get_by_role("button", name="Show name and contact details").click()
    # The page again, as every staff form does after a mistake: the error summary links to
    # the reason, which is open and visible beside its error.
    expect(page).to_have_title(re.compile(r"^Error: "))
    message = "Enter why you need the candidate's name and contact details"
    expect(page.get_by_role("link", name=message)).to_be_visible()
    expect(page.locator("#reason-error")).to_contain_text(message)
    expect(page.get_by_label("Why do you need them?")).to_be_visible()
    expect(page.get_by_text("Revealington")).to_have_count(0)
    assert serious_axe_violations(page) == []

    page.get_by_label("Why do you need them?").fill("To phone them about their right to work")
    page.get_by_role("button", name="Show name and contact details").click()
    expect(page.get_by_text(f"You can now see who applied for {reference}")).to_be_visible()
    expect(
        page.get_by_role("heading", name="Name and contact details shown to you")
    ).to_be_visible()
    expect(page.get_by_text("Jordan Revealington")).to_be_visible()
    expect(page.get_by_text("jordan.reveal@example.com")).to_be_visible()
    assert serious_axe_violations(page) == []

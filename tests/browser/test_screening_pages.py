"""In headless Chromium: a hiring manager opens a role's candidates, reads one name-blind,
moves them on through the form (after one refused move, which keeps what they typed), and
sees the timeline; every page passes axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import serious_axe_violations
from tests.factories import PASSWORD, ApplicantFactory, ApplicationFactory, UserFactory
from tracker.accounts.models import StaffRole
from tracker.applications.states import Status
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
            submitted=True,
            status=Status.SIFT,
            full_name="Robin Candidate",
        )
        db.session.commit()
        return manager.email, role.id, application.id, application.reference


def test_a_manager_moves_a_candidate_on_name_blind(page, sifting):
    email, role_id, _application_id, reference = sifting
    page.goto("/staff/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Staff home")).to_be_visible()
    assert serious_axe_violations(page) == []

    page.goto(f"/staff/roles/{role_id}/candidates")
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
    expect(page.get_by_text("In sift → Assessment")).to_be_visible()
    assert serious_axe_violations(page) == []

"""In headless Chromium, under the real content security policy: HR reads the equality report
overall and for a role, a track and a level, on a phone and on a desktop, with the shares and
relative likelihoods opened; axe-core finds nothing serious and nothing scrolls sideways."""

from __future__ import annotations

import os

import pyotp
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import serious_axe_violations, sign_in_staff
from tests.browser.test_csp import RECORD_VIOLATIONS
from tests.factories import ApplicationFactory, EqualityAnswersFactory, UserFactory
from tracker.accounts.models import StaffRole
from tracker.applications.states import Status
from tracker.catalogue.models import Role
from tracker.extensions import db

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def equality_reporting(live_app):
    """HR, and 40 candidates at several stages of two of the catalogue's roles."""
    with live_app.app_context():
        roles = db.session.scalars(select(Role).order_by(Role.position).limit(2)).all()
        hr = UserFactory(roles=[StaffRole.ADMIN], email="hr.equality@example.gov.uk")
        hr.totp_secret = pyotp.random_base32()
        statuses = [Status.SUBMITTED, Status.SIFT, Status.INTERVIEW, Status.OFFER]
        for n in range(40):
            application = ApplicationFactory(
                role=roles[n % 2],
                submitted=True,
                stage=statuses[n % 4],
                disability_confident=n % 5 == 0,
            )
            EqualityAnswersFactory(
                application_id=application.id,
                sex="female" if n % 3 else "male",
                ethnicity="white" if n % 4 else "asian",
            )
        db.session.commit()
        role, track, level = roles[0], roles[0].track_id, roles[0].level
        return hr.email, hr.totp_secret, [f"role-{role.id}", f"track-{track}", f"level-{level}"]


@pytest.mark.parametrize("width", [375, 1280])
def test_every_equality_page_reads_accessibly(browser, live_server, equality_reporting, width):
    email, secret, groups = equality_reporting
    context = browser.new_context(
        base_url=live_server, bypass_csp=False, viewport={"width": width, "height": 900}
    )
    page = context.new_page()
    page.add_init_script(RECORD_VIOLATIONS)
    try:
        sign_in_staff(page, email, secret)
        for group in ["", *groups]:
            page.goto(f"/staff/reports/equality?group={group}")
            expect(page.get_by_role("heading", name="Equality report", exact=True)).to_be_visible()
            for summary in page.locator(".govuk-details__summary").all():
                summary.click()
            shares = page.get_by_role("table", name="Age: share of each stage, by answer")
            expect(shares).to_be_visible()
            assert serious_axe_violations(page) == [], group
            assert page.evaluate("window.cspViolations") == [], group
            scroll = page.evaluate("document.documentElement.scrollWidth")
            assert scroll <= width, (group, scroll)
            if os.environ.get("SCRATCH_SCREENSHOTS"):
                shot = f"scratch_equality_{width}_{group or 'all'}.png"
                page.screenshot(path=shot, full_page=True)
        # Choosing a role from the list shows its page.
        page.goto("/staff/reports/equality")
        page.get_by_label("Show the report for").select_option(groups[0])
        page.get_by_role("button", name="Show this part").click()
        expect(page.get_by_text("These tables count applications to the role")).to_be_visible()
    finally:
        context.close()

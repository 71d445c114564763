"""In headless Chromium, under the real content security policy: HR reads every report, and
every report page passes axe-core with its charts drawn and no policy violation."""

from __future__ import annotations

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

PAGES = [
    ("/staff/reports", "Reports"),
    ("/staff/reports/funnel", "Recruitment funnel"),
    ("/staff/reports/funnel?group=track", "Recruitment funnel"),
    ("/staff/reports/sources", "Where applicants heard of us, and eligibility flags"),
    ("/staff/reports/equality", "Equality report"),
    ("/staff/reports/comparison", "Funnel by dates and against the previous campaign"),
    (
        "/staff/reports/comparison?submitted_from=31&submitted_from=2&submitted_from=2026",
        "Funnel by dates and against the previous campaign",
    ),
    ("/staff/reports/reasons", "Reasons for unsuccessful decisions and withdrawals"),
    ("/staff/reports/time-to-hire", "Time to hire and offers accepted"),
    ("/staff/reports/time-to-hire?group=track", "Time to hire and offers accepted"),
]


@pytest.fixture(scope="module")
def reporting(live_app):
    """HR, and candidates at several stages of two of the catalogue's roles."""
    with live_app.app_context():
        roles = db.session.scalars(select(Role).order_by(Role.position).limit(2)).all()
        hr = UserFactory(roles=[StaffRole.ADMIN], email="hr.reports@example.gov.uk")
        hr.totp_secret = pyotp.random_base32()
        statuses = [Status.SUBMITTED, Status.SIFT, Status.INTERVIEW, Status.UNSUCCESSFUL]
        for n in range(24):
            application = ApplicationFactory(
                role=roles[n % 2],
                submitted=True,
                status=statuses[n % 4],
                heard_about="social_media" if n % 3 else None,
                eligibility_findings=[{"code": "residency", "severity": "check"}] if n % 5 else [],
                needs_hr_check=bool(n % 5),
            )
            EqualityAnswersFactory(application_id=application.id, sex="male" if n < 3 else "female")
        db.session.commit()
        return hr.email, hr.totp_secret


@pytest.fixture
def strict_page(browser, live_server):
    """A phone-sized page that obeys the CSP and records any violation."""
    context = browser.new_context(
        base_url=live_server, bypass_csp=False, viewport={"width": 375, "height": 800}
    )
    page = context.new_page()
    page.add_init_script(RECORD_VIOLATIONS)
    yield page
    context.close()


def test_hr_reads_every_report_accessibly_under_the_csp(strict_page, reporting):
    page = strict_page
    email, secret = reporting
    sign_in_staff(page, email, secret)

    for path, heading in PAGES:
        page.goto(path)
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        assert serious_axe_violations(page) == [], path
        assert page.evaluate("window.cspViolations") == [], path
    page.goto("/staff/reports/funnel")
    chart = page.get_by_role("img", name="Applications reaching each stage")
    expect(chart).to_be_visible()
    assert chart.bounding_box()["width"] <= 375
    page.goto("/staff/reports/equality")
    expect(page.get_by_role("cell", name="[c]").first).to_be_visible()

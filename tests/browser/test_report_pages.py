"""In headless Chromium, under the real content security policy: HR reads every report, and
every report page passes axe-core with its charts drawn and no policy violation."""

from __future__ import annotations

from datetime import timedelta

import pyotp
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import running_app, serious_axe_violations, serving, sign_in_staff
from tests.browser.test_csp import RECORD_VIOLATIONS
from tests.factories import (
    ApplicationFactory,
    CampaignFactory,
    EqualityAnswersFactory,
    RoleFactory,
    UserFactory,
)
from tracker.accounts.models import StaffRole
from tracker.applications.models import TimelineEntry
from tracker.applications.states import Status
from tracker.catalogue.models import Role
from tracker.clock import utcnow
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


def _history(application, n: int) -> None:
    """Timeline rows for the reports that explain: moves with reasons, offers and hires."""
    path = {
        Status.SIFT: [Status.SIFT],
        Status.INTERVIEW: [
            Status.SIFT,
            Status.INTERVIEW,
            Status.OFFER,
            Status.PRE_EMPLOYMENT_CHECKS,
            Status.HIRED,
        ],
        Status.UNSUCCESSFUL: [Status.SIFT, Status.UNSUCCESSFUL],
    }.get(application.status, [])
    if path and path[-1] is not application.status:
        application.status = path[-1]
    moved_from = Status.SUBMITTED
    for days, status in enumerate(path, 1):
        db.session.add(
            TimelineEntry(
                application_id=application.id,
                occurred_at=application.submitted_at + timedelta(days=days * (2 + n % 5)),
                event="move",
                from_status=moved_from,
                to_status=status,
                actor_label="hr.reports@example.gov.uk",
                reasons=["essential_criteria", "stronger_candidates"][: 1 + n % 2]
                if status is Status.UNSUCCESSFUL
                else [],
            )
        )
        moved_from = status


def _earlier_campaign(role) -> None:
    """Last year's campaign, for the comparison's paired chart."""
    earlier = CampaignFactory(
        name="Last year's intake",
        opens_on=role.campaign.opens_on - timedelta(days=365),
        closes_on=role.campaign.opens_on - timedelta(days=300),
        expected_start_on=role.campaign.opens_on - timedelta(days=200),
    )
    old_role = RoleFactory(campaign=earlier, track=role.track)
    for n in range(6):
        # Status set directly: last year's applications, whose pipeline moves would otherwise
        # be dated today, inside this year's campaign.
        ApplicationFactory(
            role=old_role,
            submitted=True,
            submitted_at=utcnow() - timedelta(days=360),
            status=(Status.SUBMITTED, Status.SIFT, Status.INTERVIEW)[n % 3],
        )


@pytest.fixture(scope="module")
def live_app():
    """A database of its own: the comparison compares the campaign with the one that opened
    before it, which campaigns made by other browser modules would change."""
    with running_app() as app:
        yield app


@pytest.fixture(scope="module")
def live_server(live_app):
    with serving(live_app) as url:
        yield url


@pytest.fixture(scope="module")
def reporting(live_app):
    """HR, and candidates at several stages of two of the catalogue's roles."""
    with live_app.app_context():
        roles = db.session.scalars(select(Role).order_by(Role.position).limit(2)).all()
        hr = UserFactory(roles=[StaffRole.ADMIN], email="hr.reports@example.gov.uk")
        hr.totp_secret = pyotp.random_base32()
        statuses = [Status.SUBMITTED, Status.SIFT, Status.INTERVIEW, Status.UNSUCCESSFUL]
        for n in range(24):
            # Status set directly: _history writes the timeline at chosen days after
            # submission (the reports time it), which the pipeline's moves would date today.
            application = ApplicationFactory(
                role=roles[n % 2],
                submitted=True,
                status=statuses[n % 4],
                heard_about="social_media" if n % 3 else None,
                eligibility_findings=[{"code": "residency", "severity": "check"}] if n % 5 else [],
                needs_hr_check=bool(n % 5),
            )
            EqualityAnswersFactory(application_id=application.id, sex="male" if n < 3 else "female")
            _history(application, n)
        _earlier_campaign(roles[0])
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


def test_the_reports_that_explain_draw_their_charts_on_a_phone(strict_page, reporting):
    page = strict_page
    email, secret = reporting
    sign_in_staff(page, email, secret)

    page.goto("/staff/reports/comparison")
    chart = page.get_by_role("img", name="Share of applications reaching each stage")
    expect(chart).to_be_visible()
    assert chart.bounding_box()["width"] <= 375
    assert "Last year" in page.locator("#chart-comparison-desc").text_content()
    page.goto("/staff/reports/time-to-hire")
    expect(
        page.get_by_role("img", name="Days from applying to being hired, by role")
    ).to_be_visible()
    assert "median" in page.locator("#chart-time-to-hire-desc").text_content()
    page.goto("/staff/reports/comparison?submitted_from=31&submitted_from=2&submitted_from=2026")
    expect(page.get_by_role("link", name="The from date must be a real date")).to_be_visible()
    assert page.title().startswith("Error: ")

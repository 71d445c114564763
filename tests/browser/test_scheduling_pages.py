"""In headless Chromium at 375 px: HR adds an assessment day through its form and its
confirmation page, and the times, the day's check page and the interviews overview pass
axe-core and fit the phone's width."""

from __future__ import annotations

from datetime import timedelta

import pyotp
import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from tests.browser.conftest import serious_axe_violations, sign_in_staff
from tests.factories import UserFactory
from tracker import clock
from tracker.accounts.models import StaffRole
from tracker.catalogue.models import Role
from tracker.extensions import db
from tracker.scheduling.models import Slot

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def hr(live_app):
    with live_app.app_context():
        role = db.session.scalars(select(Role).order_by(Role.position).limit(1)).one()
        user = UserFactory(
            roles=[StaffRole.ADMIN], email="hr.days@example.gov.uk", name="Priya Daysworth"
        )
        user.totp_secret = pyotp.random_base32()
        db.session.commit()
        return user.email, user.totp_secret, role.id, role.title


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(base_url=live_server, viewport={"width": 375, "height": 800})
    yield context.new_page()
    context.close()


def _check(page, what: str) -> None:
    assert serious_axe_violations(page) == [], what
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, what


def test_hr_adds_an_assessment_day_on_a_phone(phone, hr, live_app):
    email, secret, role_id, role_title = hr
    sign_in_staff(phone, email, secret)
    phone.goto(f"/staff/roles/{role_id}/slots")
    _check(phone, "times")
    phone.get_by_role("button", name="Add an assessment day").click()
    expect(phone.get_by_role("heading", level=1, name="Add an assessment day")).to_be_visible()
    _check(phone, "the day's form")

    day = clock.today() + timedelta(days=45)
    phone.get_by_label("Assessment", exact=True).check()
    phone.get_by_label("Day", exact=True).fill(str(day.day))
    phone.get_by_label("Month", exact=True).fill(str(day.month))
    phone.get_by_label("Year", exact=True).fill(str(day.year))
    phone.get_by_label("First start time (24-hour clock)").fill("09:00")
    phone.get_by_label("Last start time (24-hour clock)").fill("16:30")
    phone.get_by_label("Length in minutes").fill("25")
    phone.get_by_label("Gap between slots in minutes").fill("5")
    phone.get_by_label("Where (an address, or a video call link)").fill(
        "https://video.example.com/meeting/a-very-long-meeting-room-identifier-0123456789"
    )
    phone.get_by_label("How many candidates can book each slot").fill("6")
    phone.get_by_label("Priya Daysworth").check()
    phone.get_by_role("button", name="Continue").click()

    expect(phone.locator("#day-summary")).to_contain_text("16 slots, 09:00 to 16:30")
    _check(phone, "the day's check page")
    with live_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Slot)) == 0
    phone.get_by_role("button", name="Yes, add 16 slots and send the invitations").click()

    expect(phone.get_by_text("16 slots added")).to_be_visible()
    with live_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Slot)) == 16
    phone.goto("/staff/interviews")
    expect(
        phone.get_by_role("heading", name=f"09:00 to 09:25: Assessment, {role_title}")
    ).to_be_visible()
    _check(phone, "interviews")
    phone.goto(f"/staff/roles/{role_id}/slots")
    _check(phone, "times with 16 slots")

"""In headless Chromium at 375 px: HR's and a hiring manager's work queue (the home and every
line's list) pass axe-core, fit the phone's width, and show no applicant's name."""

from __future__ import annotations

import re

import pyotp
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import serious_axe_violations, sign_in_staff
from tests.factories import ApplicationFactory, UserFactory
from tracker.accounts.models import StaffRole
from tracker.applications.states import Status
from tracker.catalogue.models import Role
from tracker.extensions import db

pytestmark = pytest.mark.browser
NAME = "Zebedee Quillfeather"


@pytest.fixture(scope="module")
def campaign(live_app):
    with live_app.app_context():
        role = db.session.scalars(select(Role).order_by(Role.position).limit(1)).one()
        hr = UserFactory(roles=[StaffRole.ADMIN], email="hr.queue@example.gov.uk")
        hr.totp_secret = pyotp.random_base32()
        manager = UserFactory(
            roles=[StaffRole.HIRING_MANAGER], tracks=[role.track], email="hm.queue@example.gov.uk"
        )
        statuses = [Status.SUBMITTED, Status.SIFT, Status.ASSESSMENT, Status.INTERVIEW]
        for n in range(12):
            ApplicationFactory(
                role=role,
                submitted=True,
                stage=statuses[n % 4],
                full_name=NAME,
                needs_hr_check=bool(n % 3),
            )
        db.session.commit()
        return (hr.email, hr.totp_secret), (manager.email, None)


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(base_url=live_server, viewport={"width": 375, "height": 800})
    yield context.new_page()
    context.close()


def _check(page, what: str) -> None:
    assert serious_axe_violations(page) == [], what
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, what
    assert "Quillfeather" not in page.content(), what


@pytest.mark.parametrize("who", [0, 1], ids=["hr", "manager"])
def test_every_queue_page_is_accessible_fits_a_phone_and_is_name_blind(phone, campaign, who):
    email, secret = campaign[who]
    sign_in_staff(phone, email, secret)
    expect(phone.get_by_role("heading", level=1, name="What needs doing")).to_be_visible()
    _check(phone, "home")
    keys = re.findall(r'data-queue="([a-z_]+)"', phone.content())
    assert keys
    for key in keys:
        if key == "emails_failed":
            continue  # the admin emails page, tested with the admin pages
        phone.goto(f"/staff/queue/{key}")
        _check(phone, key)

"""In headless Chromium: an administrator signs in with a security code, invites a hiring
manager and reads the audit log; every staff page passes axe-core."""

from __future__ import annotations

import re

import pyotp
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import serious_axe_violations
from tracker.accounts import users
from tracker.extensions import db

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def admin(live_app):
    with live_app.app_context():
        user = users.create_admin(
            created_by="test",
            email="hr.browser@example.gov.uk",
            name="Sam Patel",
            password=PASSWORD,
        )
        user.totp_secret = pyotp.random_base32()
        db.session.commit()
        return user.email, user.totp_secret


def test_an_administrator_invites_a_hiring_manager_and_sees_it_audited(page, admin):
    email, secret = admin
    page.goto("/staff/sign-in")
    assert serious_axe_violations(page) == []
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.get_by_label("Security code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="What needs doing")).to_be_visible()
    assert serious_axe_violations(page) == []

    page.get_by_role("link", name="Admin", exact=True).click()
    page.get_by_role("link", name="Users", exact=True).click()
    page.get_by_role("button", name="Invite a user").click()
    assert serious_axe_violations(page) == []
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert serious_axe_violations(page) == []

    page.get_by_label("Full name").fill("Ada Lovelace")
    page.get_by_label("Email address").fill("ada.browser@example.gov.uk")
    page.get_by_label("Hiring manager").check()
    page.get_by_label("Data analysis").check()
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("Invitation sent to ada.browser@example.gov.uk")).to_be_visible()
    assert serious_axe_violations(page) == []

    for path in (
        "/admin",
        "/admin/users",
        "/admin/audit",
        "/admin/emails",
        "/admin/email-templates",
        "/admin/email-templates/staff_invitation",
        "/staff/account/password",
    ):
        page.goto(path)
        assert serious_axe_violations(page) == [], path

    page.goto("/admin/audit")
    expect(page.get_by_role("cell", name=re.compile(r" invited Ada Lovelace$"))).to_be_visible()
    page.get_by_role("link", name="Details").first.click()
    expect(page.get_by_role("heading", name=re.compile(r"^Audit event \d+$"))).to_be_visible()
    assert serious_axe_violations(page) == []

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    page.goto("/admin/users")
    expect(page).to_have_url(re.compile(r"/staff/sign-in\?next=/admin/users$"))

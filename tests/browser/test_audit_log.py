"""In headless Chromium at phone width: HR filters the audit log, meets a date error, opens an
event and downloads the file; no page scrolls sideways and axe-core finds nothing serious.
(Here, not in tests/audit, to share the one Playwright the browser tests run.)"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pyotp
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import running_app, serious_axe_violations, serving, sign_in_staff
from tracker.accounts import users
from tracker.audit.services import record_event
from tracker.extensions import db

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery staple"
PHONE = {"width": 375, "height": 800}


@pytest.fixture(scope="module")
def site():
    with running_app() as app:
        with app.app_context():
            hr = users.create_admin(
                created_by="test",
                email="hr.audit@example.gov.uk",
                name="Priya Shah",
                password=PASSWORD,
            )
            hr.totp_secret = pyotp.random_base32()
            db.session.flush()
            record_event(actor=hr, action="user.invited", object_type="user", object_id=hr.id)
            record_event(
                actor=None,
                actor_label="applicant:1",
                action="applicant.signed_in",
                object_type="applicant",
                object_id=1,
            )
            db.session.commit()
            login = (hr.email, hr.totp_secret)
        with serving(app) as url:
            yield url, login


@pytest.fixture
def phone(browser, site):
    url, login = site
    context = browser.new_context(base_url=url, viewport=PHONE, accept_downloads=True)
    page = context.new_page()
    sign_in_staff(page, *login)
    yield page
    context.close()


def check(page) -> None:
    """No sideways scrolling at 375 px, and nothing serious for axe-core."""
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url
    assert serious_axe_violations(page) == [], page.url


def test_hr_reads_filters_and_downloads_the_log_on_a_phone(phone, tmp_path):
    page = phone
    page.goto("/admin/audit")
    expect(page.get_by_role("cell", name="Priya Shah invited Priya Shah")).to_be_visible()
    check(page)

    page.get_by_label("Person").select_option(label="Applicants")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("cell", name="An applicant signed in")).to_be_visible()
    expect(page.get_by_text("1 event", exact=True)).to_be_visible()

    page.get_by_label("Person").select_option(label="Anyone")
    start = page.get_by_role("group", name="From")
    start.get_by_label("Day").fill("31")
    start.get_by_label("Month").fill("2")
    start.get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_title(re.compile(r"^Error: Audit log"))
    expect(page.get_by_role("link", name="The from date must be a real date")).to_be_visible()
    check(page)

    start.get_by_label("Day").fill("1")
    page.get_by_label("Action").select_option(label="Invited a user")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_text("1 event", exact=True)).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download this event as a CSV file").click()
    saved = tmp_path / "audit.csv"
    download.value.save_as(saved)
    rows = list(csv.reader(Path(saved).read_text(encoding="utf-8-sig").splitlines()))
    assert [row[3] for row in rows] == ["Sentence", "Priya Shah invited Priya Shah"]

    page.get_by_role("link", name=re.compile(r"^Details")).first.click()
    expect(page.get_by_role("heading", name=re.compile(r"^Audit event \d+$"))).to_be_visible()
    check(page)

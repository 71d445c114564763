"""In headless Chromium: the candidate list, with and without JavaScript, at 375 px and at
1280 px. The page never scrolls sideways (the table scrolls in its own box), axe-core finds
no serious or critical violation, "Select all on this page" ticks every row, and nobody's
name shows during the sift."""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import serious_axe_violations, sign_in_staff
from tests.factories import ApplicantFactory, ApplicationFactory, UserFactory
from tracker.accounts.models import StaffRole
from tracker.catalogue.models import Role
from tracker.extensions import db

pytestmark = pytest.mark.browser

NAME = "Morgan Seeded"
# Set to a folder to keep the screenshots (to look at the layout yourself).
SHOTS = os.environ.get("LIST_SCREENSHOTS")


@dataclass(frozen=True)
class Scenario:
    hr_email: str
    hr_secret: str
    manager_email: str
    role_id: int


@pytest.fixture(scope="module")
def scenario(live_app):
    """55 candidates in the sift of the data analyst role, some flagged, some scored."""
    token = uuid.uuid4().hex[:8]
    with live_app.app_context():
        role = db.session.scalars(select(Role).where(Role.slug == "data-analyst-apprentice")).one()
        hr = UserFactory(roles=[StaffRole.ADMIN], email=f"hr.{token}@example.gov.uk")
        manager = UserFactory(
            roles=[StaffRole.HIRING_MANAGER],
            tracks=[role.track],
            email=f"manager.{token}@example.gov.uk",
        )
        for n in range(55):
            application = ApplicationFactory(
                applicant=ApplicantFactory(email=f"list{n}.{token}@example.com"),
                role=role,
                sift=True,
                full_name=f"{NAME} {n}",
                needs_hr_check=n % 4 == 0,
                disability_confident=n % 7 == 0,
                needs_adjustments=n % 5 == 0,
            )
            if n % 3:
                application.score_average, application.score_count = f"{1 + n % 4}.25", 2
        db.session.commit()
        found = Scenario(hr.email, hr.totp_secret, manager.email, role.id)
        db.session.remove()
        return found


def _check(page, width: int, where: str, *, axe: bool = True) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page_width = page.evaluate("document.documentElement.scrollWidth")
    assert page_width == width, f"{where} at {width} px is {page_width} px wide"
    if axe:  # axe-core runs in the page, so only where JavaScript is on
        assert serious_axe_violations(page) == [], where
    expect(page.get_by_text(NAME)).to_have_count(0)
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{where}-{width}-top.png")
        table = page.locator(".app-table-scroll")
        if table.count():
            table.scroll_into_view_if_needed()
            page.screenshot(path=f"{SHOTS}/{where}-{width}-table.png")


def test_the_list_fits_the_screen_and_selects_all_on_the_page(page, scenario):
    page.set_default_timeout(10_000)
    # HR's security code works once: one sign-in, both widths.
    sign_in_staff(page, scenario.hr_email, scenario.hr_secret)
    base = f"/staff/roles/{scenario.role_id}/candidates"
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{base}?status=sift&sort=score")
        expect(page.get_by_role("heading", level=2, name="55 candidates")).to_be_visible()
        _check(page, width, "list-hr")

        select_all = page.get_by_label("Select all 50 on this page")
        select_all.check()
        boxes = page.locator('input[name="application_ids"]')
        assert boxes.count() == 50
        for i in range(boxes.count()):
            expect(boxes.nth(i)).to_be_checked()
        boxes.nth(0).uncheck()
        expect(select_all).not_to_be_checked()

        page.goto(f"{base}?status=sift&score_min=9&q={NAME.split()[0]}")
        expect(page.get_by_text("Minimum score must be a number from 1 to 4").first).to_be_visible()
        _check(page, width, "list-error")

        page.goto(f"{base}?status=sift&sort=score&flag=hr_check")
        page.get_by_label("Name this view").fill(f"In sift, flagged {width}")
        page.get_by_role("button", name="Save this view").click()
        expect(page.get_by_text(f'Saved the view "In sift, flagged {width}".')).to_be_visible()
        expect(page.get_by_role("link", name=f"In sift, flagged {width}")).to_be_visible()
        _check(page, width, "list-saved")
        page.get_by_role("button", name=f"Delete the view In sift, flagged {width}").click()
        expect(page.get_by_text(f'Deleted the view "In sift, flagged {width}".')).to_be_visible()


def test_the_manager_list_without_javascript(page_without_javascript, scenario):
    page = page_without_javascript
    page.set_default_timeout(10_000)
    page.set_viewport_size({"width": 375, "height": 900})
    sign_in_staff(page, scenario.manager_email)

    page.goto(f"/staff/roles/{scenario.role_id}/candidates?status=sift&unscored=1&sort=waiting")

    expect(page.get_by_label("Search")).to_have_count(0)
    expect(page.get_by_label("Not scored by me")).to_be_checked()
    # No axe here: its run needs the page's JavaScript; the other test checks the same markup.
    _check(page, 375, "list-manager-nojs", axe=False)

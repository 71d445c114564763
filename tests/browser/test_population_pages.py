"""In headless Chromium, under the real content security policy: HR uploads a population file
with a mistake, reads the errors, uploads the council's file, and reads the equality report
with the comparison, on a phone and on a desktop; axe-core finds nothing serious, nothing
breaks the CSP and nothing scrolls sideways."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pyotp
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import running_app, serious_axe_violations, serving, sign_in_staff
from tests.browser.test_csp import RECORD_VIOLATIONS
from tests.factories import ApplicationFactory, EqualityAnswersFactory, UserFactory
from tracker.accounts.models import StaffRole
from tracker.applications.states import Status
from tracker.catalogue.models import Role
from tracker.extensions import db

pytestmark = pytest.mark.browser

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "population-example.csv"


@pytest.fixture(scope="module")
def population_app():
    """A database of its own: the counts compared are this module's candidates alone (other
    browser modules' candidates would change which are large enough to show)."""
    with running_app() as app:
        yield app


@pytest.fixture(scope="module")
def population_server(population_app):
    with serving(population_app) as url:
        yield url


@pytest.fixture(scope="module")
def population_hr(population_app):
    """HR (one account for each width: a security code is accepted once), and 30
    candidates with answers to compare."""
    with population_app.app_context():
        # The catalogue's roles: the campaign the report opens on.
        roles = db.session.scalars(select(Role).order_by(Role.position).limit(2)).all()
        signing_in = {}
        for width in (375, 1280):
            hr = UserFactory(roles=[StaffRole.ADMIN], email=f"hr.population.{width}@example.gov.uk")
            hr.totp_secret = pyotp.random_base32()
            signing_in[width] = (hr.email, hr.totp_secret)
        for n in range(30):
            application = ApplicationFactory(
                role=roles[n % 2],
                submitted=True,
                stage=Status.SIFT if n % 3 else Status.SUBMITTED,
            )
            EqualityAnswersFactory(
                application_id=application.id,
                sex="female" if n % 2 else "male",
                ethnicity="white" if n % 3 else "asian",
            )
        db.session.commit()
        return signing_in


def _checked(page, width: int, name: str) -> None:
    assert serious_axe_violations(page) == [], name
    assert page.evaluate("window.cspViolations") == [], name
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, (name, scroll)
    if os.environ.get("SCRATCH_SCREENSHOTS"):
        page.screenshot(path=f"scratch_population_{width}_{name}.png", full_page=True)


@pytest.mark.parametrize("width", [375, 1280])
def test_hr_uploads_the_population_and_reads_the_comparison(
    browser, population_server, population_hr, tmp_path, width
):
    email, secret = population_hr[width]
    bad = tmp_path / "population.csv"
    bad.write_text("measure,answer,percent\nsx,female,51\nsex,male,abc\nsex,female,51\n")
    context = browser.new_context(
        base_url=population_server, bypass_csp=False, viewport={"width": width, "height": 900}
    )
    page = context.new_page()
    page.add_init_script(RECORD_VIOLATIONS)
    try:
        sign_in_staff(page, email, secret)
        page.goto("/staff/reports/equality")
        page.get_by_role("link", name="the area's population figures").click()
        expect(page.get_by_role("heading", name="Area population figures")).to_be_visible()

        page.get_by_label("Upload a CSV file").set_input_files(str(bad))
        page.get_by_role("button", name="Upload figures").click()
        summary = page.locator(".govuk-error-summary")
        expect(summary).to_contain_text("Line 2: unknown measure “sx” (and 1 more problem")
        expect(page.get_by_text("Line 3: the percent “abc” is not a number")).to_be_visible()
        assert page.title().startswith("Error: ")
        _checked(page, width, "errors")

        page.get_by_label("Upload a CSV file").set_input_files(str(EXAMPLE))
        page.get_by_role("button", name="Upload figures").click()
        expect(page.get_by_text("Population figures uploaded")).to_be_visible()
        expect(page.locator("#population-loaded")).to_contain_text("population-example.csv")
        _checked(page, width, "loaded")

        page.goto("/staff/reports/equality")
        compared = page.get_by_role(
            "table", name="Ethnic group: applicants compared with the area's population"
        )
        expect(compared).to_be_visible()
        expect(compared).to_contain_text("81.1%")
        sex = page.get_by_role("table", name="Sex: applicants compared with the area's population")
        # The applicants' share is shown (a number, not a dash), then the area's 51%.
        female = sex.get_by_role("row", name="Female").inner_text()
        assert re.fullmatch(r"Female\s+\d+(\.\d)?%\s+51%", female.strip()), female
        _checked(page, width, "report")
        if os.environ.get("SCRATCH_SCREENSHOTS"):  # the comparison itself, to look at
            page.evaluate("document.getElementById('population').scrollIntoView()")
            page.screenshot(path=f"scratch_population_{width}_comparison.png")

        page.goto("/staff/reports/equality/population/remove")
        expect(
            page.get_by_role("heading", name="Remove the area population figures?")
        ).to_be_visible()
        _checked(page, width, "remove")
    finally:
        context.close()

"""In headless Chromium (issue 15): nothing irreversible happens in one click.

HR makes 20 candidates unsuccessful from the list: a confirmation page says how many and shows
the email; Cancel changes nothing; "Yes" sends exactly 20 emails, one to each candidate (read
at the SMTP server, delivered by a real Celery worker through the outbox). A move without a
reason is answered with the GOV.UK error pattern and changes nothing. Without JavaScript the
reasons are simply shown under "Mark unsuccessful", and the confirmation works the same.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from tests.browser.conftest import serious_axe_violations, sign_in_staff
from tests.browser.journey_stack import AxeLog, emails_to, running_stack, wait_for_email
from tests.factories import (
    HISTORY,
    ApplicantFactory,
    ApplicationFactory,
    RoleFactory,
    UserFactory,
)
from tests.mail import SmtpServer, quiet, wait_for
from tracker.accounts.models import StaffRole
from tracker.applications.models import Application, TimelineEntry
from tracker.applications.states import Status
from tracker.extensions import db
from tracker.notifications.models import Email

pytestmark = pytest.mark.browser

CANDIDATES = 20
REASON = "Other candidates showed the criteria more strongly"


@pytest.fixture(scope="module")
def smtp_server():
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def stack(smtp_server, tmp_path_factory):
    with running_stack(smtp_server, tmp_path_factory.mktemp("confirm"), "confirm") as running:
        yield running


@pytest.fixture(scope="module")
def live_server(stack):
    """The stack's server (named so the browser conftest's ``page`` drives it)."""
    return stack.base_url


@dataclass
class Scenario:
    hr_email: str
    hr_secret: str
    manager_email: str
    role_id: int
    role_title: str
    sifted: list[tuple[int, str]]  # (application id, applicant's email)
    single: list[int]  # candidates for the one-at-a-time tests


@pytest.fixture(scope="module")
def scenario(stack):
    token = uuid.uuid4().hex[:8]
    with stack.app.app_context():
        role = RoleFactory(criteria=["You enjoy solving problems"])
        hr = UserFactory(roles=[StaffRole.ADMIN], email=f"hr.{token}@example.gov.uk")
        manager = UserFactory(
            roles=[StaffRole.HIRING_MANAGER],
            tracks=[role.track],
            email=f"manager.{token}@example.gov.uk",
        )

        def candidate(n: int, status: Status) -> Application:
            return ApplicationFactory(
                applicant=ApplicantFactory(email=f"c{n}.{token}@example.com"),
                role=role,
                submitted=True,
                stage=status,
            )

        sifted = [candidate(n, Status.SIFT) for n in range(CANDIDATES)]
        # At assessment, so the list's "in sift" filter leaves them out of the bulk move.
        single = [candidate(100 + n, Status.ASSESSMENT) for n in range(2)]
        db.session.commit()
        found = Scenario(
            hr_email=hr.email,
            hr_secret=hr.totp_secret,
            manager_email=manager.email,
            role_id=role.id,
            role_title=role.title,
            sifted=[(a.id, a.applicant.email) for a in sifted],
            single=[a.id for a in single],
        )
        db.session.remove()
        return found


def _statuses(stack, ids) -> set[Status]:
    with stack.app.app_context():
        found = set(
            db.session.scalars(select(Application.status).where(Application.id.in_(ids))).all()
        )
        db.session.remove()
        return found


def _state(stack, application_id: int) -> tuple:
    """The candidate's status and version, their timeline, and the whole outbox."""
    with stack.app.app_context():
        application = db.session.get(Application, application_id)
        state = (
            application.status,
            application.version,
            db.session.scalar(
                select(func.count()).where(TimelineEntry.application_id == application_id)
            ),
            db.session.scalar(select(func.count()).select_from(Email)),
        )
        db.session.remove()
        return state


def _choose_unsuccessful(page, *, reason: bool = True) -> None:
    page.get_by_label("Mark unsuccessful").check()
    if reason:
        page.get_by_label(REASON).check()


def test_hr_bulk_rejects_20_through_the_confirmation(page, stack, smtp_server, scenario):
    axe = AxeLog()
    ids = [application_id for application_id, _ in scenario.sifted]
    addresses = [address for _, address in scenario.sifted]
    listing = f"/staff/roles/{scenario.role_id}/candidates?status=sift"
    sign_in_staff(page, scenario.hr_email, scenario.hr_secret)
    page.goto(listing)
    # The reasons are asked for only once "Mark unsuccessful" is chosen.
    expect(page.get_by_label(REASON)).to_be_hidden()

    page.get_by_label(f"Select all {CANDIDATES} that match").check()
    _choose_unsuccessful(page)
    page.get_by_role("button", name="Move the selected candidates").click()

    expect(
        page.get_by_role(
            "heading", level=1, name=f"Make {CANDIDATES} candidates unsuccessful and email them?"
        )
    ).to_be_visible()
    preview = page.locator("[data-email-preview]")
    expect(preview).to_contain_text(f"Your application: {scenario.role_title}")
    expect(preview).to_contain_text(REASON)
    axe.check(page, "the bulk confirmation")

    page.get_by_role("link", name="Cancel").click()
    expect(page).to_have_url(re.compile(re.escape(listing) + "$"))
    assert _statuses(stack, ids) == {Status.SIFT}
    with stack.app.app_context():
        # Nobody emailed (the invitations the two at assessment had are their history).
        emails = select(func.count()).select_from(Email).where(Email.queued_by != HISTORY)
        assert db.session.scalar(emails) == 0
        db.session.remove()

    page.get_by_label(f"Select all {CANDIDATES} that match").check()
    _choose_unsuccessful(page)
    page.get_by_role("button", name="Move the selected candidates").click()
    page.get_by_role(
        "button", name=f"Yes, make {CANDIDATES} candidates unsuccessful and email them"
    ).click()

    expect(page.get_by_text(f"Moved {CANDIDATES} candidates")).to_be_visible()
    assert _statuses(stack, ids) == {Status.UNSUCCESSFUL}
    subject = f"Your application: {scenario.role_title}"
    wait_for(
        lambda: all(emails_to(smtp_server, a, subject) for a in addresses),
        timeout=90,
        what=f"{CANDIDATES} unsuccessful emails at the SMTP server",
    )
    stack.sweep_outbox()
    quiet(stack.app, smtp_server)  # a duplicate, if any, would be in by now
    assert [len(emails_to(smtp_server, a, subject)) for a in addresses] == [1] * CANDIDATES
    unsuccessful = [m for m in smtp_server.recorder.messages if subject in m["Subject"]]
    assert len(unsuccessful) == CANDIDATES
    assert not axe.found, axe.report()


def test_a_move_without_a_reason_shows_the_errors_and_changes_nothing(page, stack, scenario):
    application_id = scenario.single[0]
    sign_in_staff(page, scenario.manager_email)
    page.goto(f"/staff/applications/{application_id}")
    before = _state(stack, application_id)

    _choose_unsuccessful(page, reason=False)
    page.get_by_role("button", name="Save", exact=True).click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("link", name="Select at least one reason")).to_be_visible()
    expect(page.locator("#reasons-error")).to_contain_text("Select at least one reason")
    assert page.title().startswith("Error: ")
    # The reasons stay revealed, so the mistake can be put right where it is shown.
    expect(page.get_by_label(REASON)).to_be_visible()
    assert _state(stack, application_id) == before
    assert not serious_axe_violations(page)


def test_without_javascript_one_candidate_is_made_unsuccessful_after_confirming(
    page_without_javascript, stack, smtp_server, scenario
):
    page = page_without_javascript
    application_id = scenario.single[1]
    sign_in_staff(page, scenario.manager_email)
    page.goto(f"/staff/applications/{application_id}")
    # No script to hide them: the reasons are shown under "Mark unsuccessful".
    expect(page.get_by_label(REASON)).to_be_visible()
    before = _state(stack, application_id)

    _choose_unsuccessful(page)
    page.get_by_label("Feedback for the applicant (optional)").fill("Good on teamwork.")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("unsuccessful and email them?")
    expect(page.locator("[data-email-preview]")).to_contain_text("Good on teamwork.")
    assert _state(stack, application_id) == before

    page.get_by_role("button", name="Yes, make unsuccessful and email them").click()

    expect(page.get_by_text("is now: unsuccessful")).to_be_visible()
    with stack.app.app_context():
        application = db.session.get(Application, application_id)
        address, status = application.applicant.email, application.status
        db.session.remove()
    assert status is Status.UNSUCCESSFUL
    wait_for_email(
        stack, smtp_server, address, "Your application", "the unsuccessful email, no JavaScript"
    )

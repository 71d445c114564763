"""In headless Chromium, with the idle time-outs shortened to seconds: nobody loses work to a
time-out (WCAG 2.2.1, the GOV.UK timeout-warning pattern). Time passes on the browser's clock
and the server's together (``clocks``, tests/browser/conftest.py), not by waiting for it.

Given a signed-in applicant or member of staff who does nothing, the warning opens as a modal
dialog before the session ends, with the focus on "Stay signed in"; choosing it keeps the
session past the time it would have ended. Given an applicant who types an answer and then
leaves it, when the time runs out, then what they typed is kept, and after signing in again
it is back in the box.
"""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import running_app, serious_axe_violations, serving, sign_in_staff
from tests.factories import ApplicantFactory, ApplicationFactory, RoleFactory, UserFactory
from tracker import clock
from tracker.accounts.tokens import new_token, token_hash
from tracker.applicants.models import SignInLink
from tracker.extensions import db

pytestmark = pytest.mark.browser

IDLE_SECONDS = 20
# Asked for 12; the page warns at most half-way through, so at 10 seconds left.
WARNING_SECONDS = 10
ANSWER = "At college I fixed the club's laptops one step at a time <and> wrote it all down."


@pytest.fixture(scope="module")
def short_app():
    with running_app() as app:
        app.config["APPLICANT_IDLE_TIMEOUT_MINUTES"] = IDLE_SECONDS / 60
        app.config["STAFF_IDLE_TIMEOUT_MINUTES"] = IDLE_SECONDS / 60
        app.config["SESSION_TIMEOUT_WARNING_MINUTES"] = 12 / 60
        yield app


@pytest.fixture(scope="module")
def live_server(short_app):
    """Named like the shared fixture, so that ``page`` drives this server."""
    with serving(short_app) as url:
        yield url


def _applicant_with_a_draft(app) -> tuple[str, int]:
    email = f"timeout.{uuid.uuid4().hex[:8]}@example.com"
    with app.app_context():
        role = RoleFactory(criteria=["You can work through a problem step by step"])
        application = ApplicationFactory(applicant=ApplicantFactory(email=email), role=role)
        db.session.commit()
        return email, application.id


def _sign_in_link(app, email: str) -> str:
    """A sign-in link as the applicant's email would bring it."""
    token = new_token()
    with app.app_context():
        db.session.add(
            SignInLink(
                email=email,
                token_hash=token_hash(token),
                created_at=clock.utcnow(),
                expires_at=clock.utcnow() + timedelta(minutes=30),
            )
        )
        db.session.commit()
    return f"/applicant/sign-in/{token}"


def _warning(page):
    return page.get_by_role("dialog", name="You will be signed out soon")


def _wait_for_the_warning(page, clocks, loaded_at: float) -> None:
    """The warning opens before the session ends, as a modal with the focus on its button."""
    warning = _warning(page)
    clocks.wait_for(warning, within=IDLE_SECONDS + 5)
    opened_after = clocks.now() - loaded_at
    assert opened_after < IDLE_SECONDS, f"the warning came {opened_after:.0f}s in: too late"
    assert warning.get_attribute("aria-modal") == "true"
    expect(warning.get_by_role("button", name="Stay signed in")).to_be_focused()
    expect(warning).to_contain_text(re.compile(r"We will sign you out in \d+ seconds"))
    expect(page.locator(".app-timeout__announce")).to_have_text(
        re.compile(r"You will be signed out in \d+ seconds")
    )
    assert serious_axe_violations(page) == []


def test_an_applicant_stays_signed_in_and_keeps_an_answer_typed_before_the_end(
    page, clocks, short_app
):
    email, application_id = _applicant_with_a_draft(short_app)
    question = f"/applications/{application_id}/questions/1"
    page.goto(_sign_in_link(short_app, email))
    page.get_by_role("button", name="Continue").click()
    page.goto(question)
    loaded_at = clocks.now()
    box = page.get_by_role("textbox", name=re.compile("Tell us about a time"))
    expect(box).to_be_visible()

    # The warning comes before the end; staying signed in keeps the session past it.
    _wait_for_the_warning(page, clocks, loaded_at)
    _warning(page).get_by_role("button", name="Stay signed in").click()
    expect(_warning(page)).to_be_hidden()
    clocks.advance(seconds=max(0, IDLE_SECONDS + 3 - (clocks.now() - loaded_at)))
    page.reload()
    expect(page).to_have_url(re.compile(re.escape(question) + "$"))
    expect(box).to_be_visible()

    # An answer typed and then left: when the time runs out, it is kept, not lost.
    box.fill(ANSWER)
    clocks.wait_for(_warning(page), within=IDLE_SECONDS + 5)
    clocks.wait_for(
        page.get_by_role("heading", level=1, name="Sign in to apply"), within=IDLE_SECONDS + 10
    )
    expect(page.get_by_text("We have kept what you typed")).to_be_visible()

    # Signing in again (a new link, in the same browser) brings it back to the same page.
    page.goto(_sign_in_link(short_app, email))
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(re.escape(question) + "$"))
    expect(box).to_have_value(ANSWER)
    expect(page.get_by_text("We kept what you typed")).to_be_visible()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1, name="Your application")).to_be_visible()
    expect(page.get_by_text("1 of 1 questions answered")).to_be_visible()


def test_a_member_of_staff_is_warned_stays_signed_in_and_is_told_when_it_ends(
    page, clocks, short_app
):
    email = f"timeout.staff.{uuid.uuid4().hex[:8]}@example.gov.uk"
    with short_app.app_context():
        UserFactory(email=email)
        db.session.commit()
    sign_in_staff(page, email)
    loaded_at = clocks.now()
    home = page.url

    _wait_for_the_warning(page, clocks, loaded_at)
    _warning(page).get_by_role("button", name="Stay signed in").click()
    expect(_warning(page)).to_be_hidden()
    clocks.advance(seconds=max(0, IDLE_SECONDS + 3 - (clocks.now() - loaded_at)))
    page.reload()
    assert page.url == home, "staying signed in did not keep the session"
    expect(page.get_by_role("heading", name="What needs doing")).to_be_visible()

    # Left alone, the session ends and a page says so.
    clocks.wait_for(
        page.get_by_role("heading", level=1, name="You have been signed out"),
        within=IDLE_SECONDS + 10,
    )
    assert serious_axe_violations(page) == []
    page.goto(home)
    expect(page).to_have_url(re.compile("/staff/sign-in"))

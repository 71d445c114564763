"""In headless Chromium, with the idle time-outs and the form token's life shortened to
seconds: the time-out warning acts on the server's word, not only its own clock.

Given a page left open longer than its form token lasts, "Stay signed in" still works (it
asks for a fresh token first). Given the same applicant busy in another tab, a tab left
alone neither warns nor sends what was typed in it: the session is still alive.

Time passes on the browser's clock and the server's together (``clocks``,
tests/browser/conftest.py), the form tokens' age included, not by waiting for it.
"""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import running_app, serving, sign_in_staff
from tests.browser.test_timeouts import (
    ANSWER,
    IDLE_SECONDS,
    _applicant_with_a_draft,
    _sign_in_link,
    _warning,
)
from tests.factories import UserFactory
from tracker.extensions import db

pytestmark = pytest.mark.browser

# Far shorter than the wait for the warning, so the page's own token is stale by then.
TOKEN_SECONDS = 4


@pytest.fixture(scope="module")
def short_app():
    with running_app() as app:
        app.config["APPLICANT_IDLE_TIMEOUT_MINUTES"] = IDLE_SECONDS / 60
        app.config["STAFF_IDLE_TIMEOUT_MINUTES"] = IDLE_SECONDS / 60
        app.config["SESSION_TIMEOUT_WARNING_MINUTES"] = 12 / 60
        app.config["WTF_CSRF_TIME_LIMIT"] = TOKEN_SECONDS
        yield app


@pytest.fixture(scope="module")
def live_server(short_app):
    """Named like the shared fixture, so that ``page`` drives this server."""
    with serving(short_app) as url:
        yield url


def test_stay_signed_in_works_after_the_pages_token_has_expired(page, clocks, short_app):
    email = f"timeout.token.{uuid.uuid4().hex[:8]}@example.gov.uk"
    with short_app.app_context():
        UserFactory(email=email)
        db.session.commit()
    sign_in_staff(page, email)
    loaded_at = clocks.now()
    home = page.url

    clocks.wait_for(_warning(page), within=IDLE_SECONDS + 5)
    assert clocks.now() - loaded_at > TOKEN_SECONDS
    # The token's age is moved time too: the server refuses the page's own token by now.
    own_token = page.locator("#session-timeout").get_attribute("data-csrf-token")
    refused = page.request.post("/session/stay-signed-in", headers={"X-CSRFToken": own_token})
    assert refused.status == 400, "the page's own token has not expired"
    _warning(page).get_by_role("button", name="Stay signed in").click()

    expect(_warning(page)).to_be_hidden()
    clocks.advance(seconds=max(0, IDLE_SECONDS + 3 - (clocks.now() - loaded_at)))
    page.reload()
    assert page.url == home, "staying signed in did not keep the session"


def test_a_tab_left_alone_does_nothing_while_another_keeps_the_session(page, clocks, short_app):
    email, application_id = _applicant_with_a_draft(short_app)
    question = f"/applications/{application_id}/questions/1"
    page.goto(_sign_in_link(short_app, email))
    page.get_by_role("button", name="Continue").click()
    page.goto(question)
    box = page.get_by_role("textbox", name=re.compile("Tell us about a time"))
    box.fill(ANSWER)
    busy = page.context.new_page()
    busy.goto("/applications")

    # The other tab is used every few seconds, well past this one's own idle time-out.
    started = clocks.now()
    while clocks.now() - started < IDLE_SECONDS + 8:
        clocks.advance(seconds=3)
        busy.reload()
        expect(busy).to_have_url(re.compile("/applications$"))
        # Checked as time passes, not only at the end: a warning opened on this tab's own
        # count would be closed again by the time the loop ends.
        expect(_warning(page)).to_be_hidden()

    expect(page).to_have_url(re.compile(re.escape(question) + "$"))
    expect(box).to_have_value(ANSWER)
    expect(_warning(page)).to_be_hidden()

"""Nobody loses work to a time-out.

Given an applicant typing an answer, when their session ends before they send it, then what
they typed is kept on the server (never in the cookie, never for anyone else), and when they
sign in again the page they were on shows it back, once. "Stay signed in" restarts the idle
timer of a live session, staff or applicant, and a page says when a session has ended.
"""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from itsdangerous import TimestampSigner
from sqlalchemy import func, select

from tests.applications.conftest import sign_in_applicant
from tests.factories import ApplicantFactory, ApplicationFactory, UserFactory
from tests.helpers import csrf_token
from tracker.accounts.models import StaffSession
from tracker.applicants import kept
from tracker.applicants.models import ApplicantSession, KeptForm
from tracker.clock import utcnow
from tracker.extensions import db

ANSWER = "At college I ran the coding club <and> fixed the printer."


def _expire(app, applicant) -> None:
    """The applicant has done nothing for longer than the idle time-out."""
    idle = app.config["APPLICANT_IDLE_TIMEOUT_MINUTES"]
    for stored in db.session.scalars(
        select(ApplicantSession).where(ApplicantSession.applicant_id == applicant.id)
    ):
        stored.last_seen_at = utcnow() - timedelta(minutes=idle + 1)
    db.session.flush()


@pytest.fixture
def typing(app, client, signed_in, role):
    """A question page open in the browser, its token fetched, then the session ends."""
    application = ApplicationFactory(applicant=signed_in, role=role)
    path = f"/applications/{application.id}/questions/1"
    token = csrf_token(client, path)
    _expire(app, signed_in)
    field = f"answer_{role.essential_criteria[0].id}"
    return application, path, token, field


def _kept_rows() -> int:
    return db.session.scalar(select(func.count()).select_from(KeptForm))


def test_an_answer_sent_after_the_session_ended_comes_back_after_signing_in(
    app, client, signed_in, typing
):
    application, path, token, field = typing

    sent = client.post(path, data={"csrf_token": token, field: ANSWER})

    # Not saved (nobody is signed in), but kept, and the applicant is told so.
    assert sent.status_code == 302
    assert sent.location == "/applicant/sign-in"
    db.session.expire_all()
    assert application.answers == []
    assert _kept_rows() == 1
    stored = db.session.scalars(select(KeptForm)).one()
    assert stored.applicant_id == signed_in.id
    assert ["csrf_token", token] not in stored.fields
    cookie = client.get_cookie(kept.COOKIE, domain="tracker.test")
    assert cookie is not None and ANSWER not in cookie.value
    assert cookie.http_only
    sign_in_page = client.get("/applicant/sign-in").get_data(as_text=True)
    assert "We have kept what you typed" in sign_in_page

    # Signing in again takes them back to the page, with their answer in the box.
    back = sign_in_applicant(client, signed_in)
    assert back.location == path
    page = client.get(path).get_data(as_text=True)
    assert "At college I ran the coding club &lt;and&gt; fixed the printer." in page
    assert "We kept what you typed" in page
    # Given back once: the row and the cookie are gone, and nothing was saved for them.
    assert _kept_rows() == 0
    assert client.get_cookie(kept.COOKIE, domain="tracker.test") is None
    assert "coding club" not in client.get(path).get_data(as_text=True)
    db.session.expire_all()
    assert application.answers == []


def test_what_was_kept_is_never_shown_to_anyone_else(app, client, typing, role):
    _application, path, token, field = typing
    client.post(path, data={"csrf_token": token, field: ANSWER})

    # Someone else signs in on the same browser: the page is not theirs, and even on a page
    # of their own with the same address nothing kept shows.
    other = ApplicantFactory()
    sign_in_applicant(client, other)
    assert client.get(path).status_code == 404
    assert "coding club" not in client.get("/applications").get_data(as_text=True)
    assert _kept_rows() == 1


def test_what_was_kept_needs_the_cookie_that_came_with_it(app, client, signed_in, typing):
    _application, path, token, field = typing
    client.post(path, data={"csrf_token": token, field: ANSWER})

    other_browser = app.test_client()
    sign_in_applicant(other_browser, signed_in)

    assert "coding club" not in other_browser.get(path).get_data(as_text=True)
    assert _kept_rows() == 1


def test_what_was_kept_is_forgotten_after_a_day(app, client, signed_in, typing):
    _application, path, token, field = typing
    client.post(path, data={"csrf_token": token, field: ANSWER})
    stored = db.session.scalars(select(KeptForm)).one()
    stored.expires_at = utcnow() - timedelta(seconds=1)
    db.session.flush()

    sign_in_applicant(client, signed_in)

    assert "coding club" not in client.get(path).get_data(as_text=True)


def test_a_form_without_its_token_is_refused_and_nothing_kept(client, typing):
    _application, path, _token, field = typing

    response = client.post(path, data={field: ANSWER})

    assert response.status_code == 400
    assert _kept_rows() == 0


def test_every_section_form_keeps_what_was_typed(app, client, signed_in, role):
    application = ApplicationFactory(applicant=signed_in, role=role)
    path = f"/applications/{application.id}/adjustments"
    token = csrf_token(client, path)
    _expire(app, signed_in)

    client.post(
        path,
        data={"csrf_token": token, "needs_adjustments": "yes", "adjustments": "Large print"},
    )
    sign_in_applicant(client, signed_in)

    page = client.get(path).get_data(as_text=True)
    assert "Large print" in page
    assert 'value="yes" checked' in page


def test_stay_signed_in_restarts_an_applicants_idle_timer(app, client, signed_in):
    stored = db.session.scalars(select(ApplicantSession)).one()
    idle = app.config["APPLICANT_IDLE_TIMEOUT_MINUTES"]
    stored.last_seen_at = utcnow() - timedelta(minutes=idle - 1)
    db.session.flush()
    token = csrf_token(client, "/applications")

    response = client.post("/session/stay-signed-in", headers={"X-CSRFToken": token})

    assert response.status_code == 200
    assert idle * 60 - 5 <= response.json["seconds_left"] <= idle * 60
    db.session.refresh(stored)
    assert utcnow() - stored.last_seen_at < timedelta(minutes=1)


def test_stay_signed_in_restarts_a_staff_idle_timer(app, client, sign_in):
    manager = UserFactory()
    sign_in(manager)
    stored = db.session.scalar(select(StaffSession).where(StaffSession.user_id == manager.id))
    stored.last_seen_at -= timedelta(minutes=app.config["STAFF_IDLE_TIMEOUT_MINUTES"] - 1)
    db.session.flush()
    token = csrf_token(client, "/staff/")

    response = client.post("/session/stay-signed-in", headers={"X-CSRFToken": token})

    assert response.status_code == 200
    assert response.json["signed_in"] is True
    db.session.refresh(stored)
    assert utcnow() - stored.last_seen_at < timedelta(minutes=1)


def test_stay_signed_in_cannot_revive_an_ended_session(app, client, signed_in):
    token = csrf_token(client, "/applications")
    _expire(app, signed_in)

    response = client.post("/session/stay-signed-in", headers={"X-CSRFToken": token})

    assert response.status_code == 401
    assert client.get("/applications").status_code == 302


def test_stay_signed_in_needs_the_pages_token(client, signed_in):
    stored = db.session.scalars(select(ApplicantSession)).one()
    seen = stored.last_seen_at

    assert client.post("/session/stay-signed-in").status_code == 400
    db.session.refresh(stored)
    assert stored.last_seen_at == seen


def test_the_ended_page_says_so_and_offers_to_sign_in_again(client):
    page = client.get("/session/ended").get_data(as_text=True)

    assert "<title>You have been signed out" in page
    assert 'href="/applicant/sign-in"' in page
    assert 'href="/staff/sign-in"' in page


def test_the_ended_page_sends_someone_still_signed_in_back_to_their_pages(client, signed_in):
    assert client.get("/session/ended").location == "/applications"


def test_signed_in_pages_carry_the_warning_and_its_settings(app, client, signed_in):
    page = client.get("/applications").get_data(as_text=True)

    idle = app.config["APPLICANT_IDLE_TIMEOUT_MINUTES"] * 60
    warning = app.config["SESSION_TIMEOUT_WARNING_MINUTES"] * 60
    assert 'data-module="app-session-timeout"' in page
    left = int(re.search(r'data-timeout-seconds="(\d+)"', page).group(1))
    assert idle - 5 <= left <= idle
    assert f'data-warning-seconds="{warning}"' in page
    assert 'aria-modal="true"' in page
    assert "Stay signed in" in page


def test_public_pages_have_no_warning(client):
    assert "app-session-timeout" not in client.get("/").get_data(as_text=True)


def test_a_form_left_open_past_its_tokens_hour_can_be_sent_with_a_fresh_one(
    app, client, signed_in, typing, monkeypatch
):
    """The page asks for a fresh token just before it sends a form when the time runs out:
    the one it was served with may be older than Flask-WTF's hour by then."""
    _application, path, _, field = typing
    later = int(time.time()) + 3601
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda signer: later)

    fresh = client.get("/session/form-token")

    assert fresh.status_code == 200
    assert fresh.headers["Cache-Control"] == "no-store"
    sent = client.post(path, data={"csrf_token": fresh.json["csrf_token"], field: ANSWER})
    assert sent.location == "/applicant/sign-in"
    assert _kept_rows() == 1

"""A form posted without a valid CSRF token is refused with a plain page, and nothing is saved.

The staff sign-in and sign-out forms are the real ones; a stand-in route that writes a row
shows the same for any form, with a control that the row is written when the token is sent.
"""

from __future__ import annotations

import time

import pytest
from flask import redirect, request
from flask_wtf.csrf import generate_csrf
from itsdangerous import TimestampSigner
from sqlalchemy import func, select

from tests.conftest import rolled_back
from tests.factories import PASSWORD, UserFactory
from tracker.accounts.models import StaffSession
from tracker.audit.models import AuditEvent
from tracker.catalogue.models import Track
from tracker.extensions import db

FRIENDLY = (
    "Your form could not be sent",
    "This can happen if the page was open for a long time or you opened it in another tab.",
    "Go back, reload the page and try again. Nothing was saved.",
)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_signing_in_without_a_token_is_refused_and_records_nothing(client):
    manager = UserFactory()
    client.get("/staff/sign-in")
    before = count(StaffSession), count(AuditEvent)

    response = client.post("/staff/sign-in", data={"email": manager.email, "password": PASSWORD})

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    for sentence in FRIENDLY:
        assert sentence in html
    assert (count(StaffSession), count(AuditEvent)) == before
    assert client.get("/staff/").status_code == 302  # still signed out


def test_signing_in_with_a_stale_token_is_refused(client, form_token, monkeypatch):
    manager = UserFactory()
    token = form_token("/staff/sign-in")
    later = int(time.time()) + 3601
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda signer: later)

    response = client.post(
        "/staff/sign-in", data={"email": manager.email, "password": PASSWORD, "csrf_token": token}
    )

    assert response.status_code == 400
    assert FRIENDLY[0] in response.get_data(as_text=True)
    assert count(StaffSession) == 0


def test_a_forged_sign_out_does_not_sign_anyone_out(client, sign_in):
    sign_in(UserFactory())
    events = count(AuditEvent)

    response = client.post("/staff/sign-out")

    assert response.status_code == 400
    assert client.get("/staff/").status_code == 200
    assert count(AuditEvent) == events


@pytest.fixture
def form_app(make_app):
    other = make_app(WTF_CSRF_ENABLED=True)

    @other.get("/_tracks/new")
    def new_track():
        return generate_csrf()  # what the form page would put in its hidden field

    @other.post("/_tracks/new")
    def add_track():
        db.session.add(Track(slug=request.form["slug"], name="Posted"))
        db.session.commit()
        return redirect("/")

    with rolled_back(other):
        yield other


def saved_tracks() -> int:
    return db.session.scalar(select(func.count()).select_from(Track).where(Track.name == "Posted"))


def test_a_form_with_its_token_is_saved(form_app):
    # The control: the same form, sent properly, does write its row.
    client = form_app.test_client()
    token = client.get("/_tracks/new").get_data(as_text=True)

    response = client.post("/_tracks/new", data={"slug": "sent", "csrf_token": token})

    assert response.status_code == 302
    assert saved_tracks() == 1


def test_a_form_without_a_token_gets_a_plain_answer_and_saves_nothing(form_app):
    client = form_app.test_client()
    client.get("/_tracks/new")  # the session exists; only the token is missing

    response = client.post("/_tracks/new", data={"slug": "forged"})

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    for sentence in FRIENDLY:
        assert sentence in html
    assert "Example Borough Council" in html  # the service's own design
    assert "Bad Request" not in html and "CSRF" not in html
    assert saved_tracks() == 0


def test_a_token_from_another_session_is_refused(form_app):
    stranger = form_app.test_client().get("/_tracks/new").get_data(as_text=True)
    client = form_app.test_client()
    client.get("/_tracks/new")

    response = client.post("/_tracks/new", data={"slug": "forged", "csrf_token": stranger})

    assert response.status_code == 400
    assert FRIENDLY[0] in response.get_data(as_text=True)
    assert saved_tracks() == 0


def test_a_token_older_than_an_hour_is_refused(form_app, monkeypatch):
    client = form_app.test_client()
    token = client.get("/_tracks/new").get_data(as_text=True)
    later = int(time.time()) + 3601
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda signer: later)

    response = client.post("/_tracks/new", data={"slug": "stale", "csrf_token": token})

    assert response.status_code == 400
    assert FRIENDLY[0] in response.get_data(as_text=True)
    assert saved_tracks() == 0


def test_the_csrf_page_keeps_the_security_headers_and_its_script_runs(form_app):
    # CSRF protection stops the request in a before_request hook that runs before
    # Talisman's; the page's scripts are files, allowed as on every page, with no nonce.
    response = form_app.test_client().post("/_tracks/new", data={"slug": "x"})

    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "nonce" not in policy
    assert '<script src="/static/dist/js-enabled.' in response.get_data(as_text=True)
    assert "frame-ancestors 'none'" in policy
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Frame-Options"] == "DENY"

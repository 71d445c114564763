"""Sessions end on the server: sign-out, deactivation and time limits all stick."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tests.factories import UserFactory
from tests.helpers import csrf_token, sign_in_as
from tracker.accounts.models import StaffRole, StaffSession
from tracker.extensions import db


def _session_cookie(client) -> str:
    return client.get_cookie("session", domain="tracker.test").value


def test_a_cookie_copied_before_sign_out_is_refused_after_it(client, sign_in, form_token, app):
    manager = UserFactory()
    sign_in(manager)
    stolen = _session_cookie(client)

    client.post("/staff/sign-out", data={"csrf_token": form_token("/staff/")})

    thief = app.test_client()
    thief.set_cookie("session", stolen, domain="tracker.test")
    response = thief.get("/staff/")
    assert response.status_code == 302
    assert response.location.startswith("/staff/sign-in")


def test_a_deactivated_users_open_session_ends_at_their_next_request(
    client, sign_in, app, form_token
):
    admin = UserFactory(roles=[StaffRole.ADMIN])
    manager = UserFactory()
    sign_in(manager)
    assert client.get("/staff/").status_code == 200

    hr = app.test_client()
    sign_in_as(hr, admin)
    path = f"/admin/users/{manager.id}/deactivate"
    response = hr.post(path, data={"csrf_token": csrf_token(hr, path)})
    assert response.status_code == 302

    after = client.get("/staff/")
    assert after.status_code == 302 and after.location.startswith("/staff/sign-in")


def test_an_idle_session_times_out(client, sign_in, app):
    manager = UserFactory()
    sign_in(manager)
    staff_session = db.session.scalar(
        select(StaffSession).where(StaffSession.user_id == manager.id)
    )
    minutes = app.config["STAFF_IDLE_TIMEOUT_MINUTES"]
    staff_session.last_seen_at -= timedelta(minutes=minutes + 1)
    db.session.flush()

    response = client.get("/staff/")

    assert response.location.startswith("/staff/sign-in")
    assert staff_session.revoked_at is not None


def test_a_busy_session_still_ends_at_its_absolute_lifetime(client, sign_in, app):
    manager = UserFactory()
    sign_in(manager)
    staff_session = db.session.scalar(
        select(StaffSession).where(StaffSession.user_id == manager.id)
    )
    staff_session.created_at -= timedelta(hours=app.config["STAFF_SESSION_MAX_HOURS"], minutes=1)
    db.session.flush()

    assert client.get("/staff/").location.startswith("/staff/sign-in")


def test_the_session_cookie_is_http_only_and_same_site_and_not_kept_after_closing(client, sign_in):
    sign_in(UserFactory())

    cookie = client.get_cookie("session", domain="tracker.test")
    assert cookie.http_only and cookie.same_site == "Lax"
    assert cookie.expires is None  # a browser-session cookie: remember-me is off

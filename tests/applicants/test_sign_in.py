"""Applicants sign in with a single-use emailed link; no password, no account to create."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

from sqlalchemy import func, select

from tests.applications.conftest import sign_in_applicant
from tests.factories import ApplicantFactory, RoleFactory
from tests.helpers import csrf_token
from tracker.applicants.models import Applicant, ApplicantSession, SignInLink
from tracker.clock import utcnow
from tracker.extensions import db
from tracker.notifications.models import Email

LINK = re.compile(r"/applicant/sign-in/([A-Za-z0-9_-]{20,})")


def _ask_for_link(client, email: str, path: str = "/applicant/sign-in"):
    return client.post(path, data={"email": email, "csrf_token": csrf_token(client, path)})


def _emailed_token(address: str) -> str:
    email = db.session.scalars(
        select(Email).where(Email.recipient == address).order_by(Email.id.desc())
    ).first()
    return LINK.search(email.context["link"]).group(1)


def _visible_text(html: str) -> str:
    # Each response carries its own CSRF token; nothing else may differ.
    return re.sub(r'name="csrf_token"[^>]*>', "", html)


def test_the_same_answer_whether_or_not_the_address_is_known(client):
    ApplicantFactory(email="known@example.com")
    known = _ask_for_link(client, "known@example.com")
    unknown = _ask_for_link(client, "new@example.com")

    assert known.status_code == unknown.status_code == 200
    assert _visible_text(known.get_data(as_text=True)).replace(
        "known@example.com", "X"
    ) == _visible_text(unknown.get_data(as_text=True)).replace("new@example.com", "X")
    # Asking makes no account: it is made when a link is used.
    assert db.session.scalar(select(func.count()).select_from(Applicant)) == 1
    assert (
        db.session.scalar(
            select(func.count()).select_from(Email).where(Email.template == "applicant_sign_in")
        )
        == 2
    )


def test_a_malformed_address_gets_an_error_and_no_email(client):
    response = _ask_for_link(client, "not-an-email")
    page = response.get_data(as_text=True)
    assert "Enter an email address in the correct format" in page
    assert 'href="#email"' in page
    assert db.session.scalar(select(func.count()).select_from(Email)) == 0


def test_the_link_signs_in_and_leaves_the_address_by_redirect(client):
    _ask_for_link(client, "Alex@Example.com ")
    token = _emailed_token("alex@example.com")

    followed = client.get(f"/applicant/sign-in/{token}")
    assert followed.status_code == 302
    assert token not in followed.headers["Location"]
    # Opening the link (as a mail scanner would) does not spend it.
    confirm = client.get(followed.headers["Location"])
    assert "Continue to your application" in confirm.get_data(as_text=True)
    # It says whose account this is, without giving the address away.
    assert "a•••@example.com" in confirm.get_data(as_text=True)
    assert db.session.scalars(select(SignInLink)).one().used_at is None

    response = client.post(
        "/applicant/sign-in/continue",
        data={"csrf_token": csrf_token(client, "/applicant/sign-in/continue")},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/applications")
    assert client.get("/applications").status_code == 200
    applicant = db.session.scalars(select(Applicant)).one()
    assert applicant.email == "alex@example.com"


def test_a_link_asked_for_from_a_role_returns_to_that_role(client):
    role = RoleFactory()
    _ask_for_link(client, "alex@example.com", f"/applicant/sign-in?role={role.slug}")
    token = _emailed_token("alex@example.com")
    client.get(f"/applicant/sign-in/{token}")
    response = client.post(
        "/applicant/sign-in/continue",
        data={"csrf_token": csrf_token(client, "/applicant/sign-in/continue")},
    )
    assert response.headers["Location"].endswith(f"/roles/{role.slug}/apply")


def test_a_link_used_twice_is_refused_the_second_time(client, app):
    _ask_for_link(client, "alex@example.com")
    token = _emailed_token("alex@example.com")
    client.get(f"/applicant/sign-in/{token}")
    client.post(
        "/applicant/sign-in/continue",
        data={"csrf_token": csrf_token(client, "/applicant/sign-in/continue")},
    )

    other = app.test_client()
    other.get(f"/applicant/sign-in/{token}")
    second = other.get("/applicant/sign-in/continue")
    page = second.get_data(as_text=True)
    assert second.status_code == 410
    assert "This link has expired" in page
    assert "Send me a new link" in page
    assert other.get("/applications").status_code == 302  # still signed out


def test_an_expired_link_is_refused_with_a_way_to_get_a_new_one(client):
    _ask_for_link(client, "alex@example.com")
    token = _emailed_token("alex@example.com")
    link = db.session.scalars(select(SignInLink)).one()
    link.expires_at = utcnow() - timedelta(seconds=1)
    db.session.flush()

    client.get(f"/applicant/sign-in/{token}")
    response = client.get("/applicant/sign-in/continue")
    assert response.status_code == 410
    assert 'action="/applicant/sign-in"' in response.get_data(as_text=True)
    # The page's form asks for a new link.
    again = client.post(
        "/applicant/sign-in",
        data={"email": "alex@example.com", "csrf_token": csrf_token(client, "/applicant/sign-in")},
    )
    assert "Check your email" in again.get_data(as_text=True)


def test_a_made_up_token_is_refused(client):
    client.get("/applicant/sign-in/not-a-real-token-at-all-1234567890")
    assert client.get("/applicant/sign-in/continue").status_code == 410


def test_signing_out_ends_the_session_on_the_server(client, app):
    applicant = ApplicantFactory()
    sign_in_applicant(client, applicant)
    copied = client.get_cookie("session", domain="tracker.test").value

    client.post("/applicant/sign-out", data={"csrf_token": csrf_token(client, "/applications")})

    thief = app.test_client()
    thief.set_cookie("session", copied, domain="tracker.test")
    assert thief.get("/applications").status_code == 302
    assert db.session.scalars(select(ApplicantSession)).one().revoked_at is not None


def test_an_idle_session_times_out(client, app):
    applicant = ApplicantFactory()
    sign_in_applicant(client, applicant)
    stored = db.session.scalars(select(ApplicantSession)).one()
    idle = app.config["APPLICANT_IDLE_TIMEOUT_MINUTES"]
    stored.last_seen_at = utcnow() - timedelta(minutes=idle + 1)
    db.session.flush()
    assert client.get("/applications").status_code == 302


def test_an_applicant_session_is_no_staff_session(client):
    sign_in_applicant(client, ApplicantFactory())
    response = client.get("/staff/")
    assert response.status_code == 302
    assert response.location.startswith("/staff/sign-in")


def test_links_per_address_are_limited(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "APPLICANT_LINK_LIMIT_PER_EMAIL", "2 per hour")
    address = f"limited-{uuid.uuid4().hex[:8]}@example.com"
    statuses = [_ask_for_link(client, address).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert (
        db.session.scalar(select(func.count()).select_from(Email).where(Email.recipient == address))
        == 2
    )


def test_signing_in_returns_to_the_page_the_email_linked_to(client, app):
    from tests.factories import ApplicationFactory

    applicant = ApplicantFactory()
    application = ApplicationFactory(applicant=applicant)
    page = f"/applications/{application.id}/personal-details"
    assert client.get(page).headers["Location"].endswith("/applicant/sign-in")

    response = sign_in_applicant(client, applicant)

    assert response.headers["Location"].endswith(page)


def test_only_an_applicants_own_pages_are_returned_to(client):
    with client.session_transaction() as session:
        session["applicant_return_to"] = "//evil.example/applications"
    response = sign_in_applicant(client, ApplicantFactory())
    assert response.headers["Location"].endswith("/applications")
    assert "evil" not in response.headers["Location"]


def test_the_sign_in_page_says_each_thing_once(client):
    page = client.get("/applicant/sign-in").get_data(as_text=True)

    assert page.count("You do not need a password") == 1
    assert page.count("send you a link") == 1
    assert "We will also use this address to email you about your applications." in page

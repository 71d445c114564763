"""The account forms used before someone is fully signed in (signing in, the security code,
an invitation, a forgotten or reset password), each posted with a mistake: the same GOV.UK
error pattern the staff forms harness checks (tests/forms/harness.py), and nothing changed."""

from __future__ import annotations

from datetime import timedelta

import pyotp
from sqlalchemy import func, select

from tests.factories import PASSWORD, UserFactory
from tests.forms.harness import parse
from tests.helpers import csrf_token
from tracker.accounts import links
from tracker.accounts.models import AccountToken, StaffRole, StaffSession, TokenPurpose, User
from tracker.extensions import db


def assert_error_pattern(response, field: str, message: str) -> None:
    """Answered with the page (not a redirect), "Error: " first in the title, a summary
    leading to the field, and the message beside it."""
    assert response.status_code == 200, response.headers.get("Location")
    page = parse(response.get_data(as_text=True))
    assert " ".join(page.title.split()).startswith("Error: ")
    summary = dict(page.summary_links)
    assert message in summary[f"#{field}"]
    assert field in page.texts_by_id
    assert message in " ".join(page.texts_by_id[f"{field}-error"].split())


def _post(client, path: str, data: dict):
    return client.post(path, data={**data, "csrf_token": csrf_token(client, path)})


def _sessions(user: User) -> list:
    return db.session.execute(
        select(StaffSession.id, StaffSession.verified_at, StaffSession.revoked_at)
        .where(StaffSession.user_id == user.id)
        .order_by(StaffSession.id)
    ).all()


def test_signing_in_with_a_wrong_password(client):
    user = UserFactory()

    response = _post(client, "/staff/sign-in", {"email": user.email, "password": "wrong one"})

    assert_error_pattern(response, "email", "Enter a correct email address and password")
    assert _sessions(user) == []


def test_a_wrong_security_code(client):
    admin = UserFactory(roles=[StaffRole.ADMIN])
    _post(client, "/staff/sign-in", {"email": admin.email, "password": PASSWORD})
    before = _sessions(admin)

    response = _post(client, "/staff/sign-in/security-code", {"code": "000000"})

    assert_error_pattern(response, "code", "The security code is not right")
    db.session.expire_all()
    assert _sessions(admin) == before  # still waiting for a code
    assert client.get("/staff/").location == "/staff/sign-in/security-code"


def test_a_wrong_code_when_setting_up_security_codes(client):
    admin = UserFactory(roles=[StaffRole.ADMIN])
    admin.totp_secret = None
    db.session.flush()
    _post(client, "/staff/sign-in", {"email": admin.email, "password": PASSWORD})

    response = _post(client, "/staff/sign-in/set-up-security-codes", {"code": "12345x"})

    assert_error_pattern(response, "code", "The code is not right")
    db.session.expire_all()
    assert admin.totp_secret is None


def _invited(purpose: TokenPurpose, **values) -> tuple[User, str]:
    user = UserFactory(**values)
    token = links.issue_token(user, purpose, timedelta(days=1))
    return user, token


def test_accepting_an_invitation_with_too_short_a_password(client):
    user, token = _invited(TokenPurpose.INVITATION, password_hash=None)
    client.get(f"/staff/invitation/{token}")

    response = _post(client, "/staff/invitation", {"password": "short", "confirm": "short"})

    assert_error_pattern(response, "password", "at least 12 characters")
    db.session.expire_all()
    assert user.password_hash is None
    assert _sessions(user) == []


def test_asking_for_a_reset_link_with_a_malformed_address(client):
    response = _post(client, "/staff/password/forgotten", {"email": "not-an-address"})

    assert_error_pattern(response, "email", "Enter an email address in the correct format")
    assert db.session.scalar(select(func.count()).select_from(AccountToken)) == 0


def test_resetting_a_password_with_passwords_that_differ(client):
    user, token = _invited(TokenPurpose.PASSWORD_RESET)
    before = user.password_hash
    client.get(f"/staff/password/reset/{token}")

    response = _post(
        client,
        "/staff/password/reset",
        {"password": "three random words", "confirm": "three other words"},
    )

    assert_error_pattern(response, "confirm", "The passwords do not match")
    db.session.expire_all()
    assert user.password_hash == before


def test_the_security_code_page_is_reached_only_half_signed_in(client):
    """Why the harness cannot walk the code pages: once signed in fully, they send you on."""
    admin = UserFactory(roles=[StaffRole.ADMIN])
    _post(client, "/staff/sign-in", {"email": admin.email, "password": PASSWORD})
    totp = pyotp.TOTP(admin.totp_secret)
    _post(client, "/staff/sign-in/security-code", {"code": totp.now()})

    assert client.get("/staff/sign-in/security-code").location == "/staff/"

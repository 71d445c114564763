"""Signing in, the second factor for administrators, and signing out."""

from __future__ import annotations

import pyotp
from sqlalchemy import select

from tests.factories import PASSWORD, UserFactory
from tracker.accounts.models import StaffRole, StaffSession
from tracker.audit.models import AuditEvent
from tracker.extensions import db


def _actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_a_hiring_manager_signs_in_and_reaches_the_staff_home(client, sign_in_through_the_form):
    manager = UserFactory(roles=[StaffRole.HIRING_MANAGER])

    response = sign_in_through_the_form(manager)

    assert response.status_code == 302 and response.location == "/staff/"
    page = client.get("/staff/").get_data(as_text=True)
    assert "Staff home" in page and manager.email in page
    assert _actions() == ["sign_in.succeeded"]


def test_a_wrong_password_is_refused_with_a_clear_message_and_audited(
    client, sign_in_through_the_form
):
    manager = UserFactory()

    response = sign_in_through_the_form(manager, password="not my password at all")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Enter a correct email address and password" in page
    assert client.get("/staff/").status_code == 302
    [event] = db.session.scalars(select(AuditEvent)).all()
    assert (event.action, event.actor_label, event.ip) == (
        "sign_in.failed",
        manager.email,
        "127.0.0.1",
    )


def test_an_unknown_email_gets_the_same_message(client, form_token):
    response = client.post(
        "/staff/sign-in",
        data={
            "email": "nobody@example.gov.uk",
            "password": PASSWORD,
            "csrf_token": form_token("/staff/sign-in"),
        },
    )

    assert "Enter a correct email address and password" in response.get_data(as_text=True)


def test_empty_fields_are_named_in_an_error_summary(client, form_token):
    response = client.post(
        "/staff/sign-in",
        data={"email": "", "password": "", "csrf_token": form_token("/staff/sign-in")},
    )

    page = response.get_data(as_text=True)
    assert "There is a problem" in page
    assert 'href="#email"' in page and "Enter your email address" in page
    assert "Enter your password" in page
    assert "<title>Error: Sign in" in page


def test_a_deactivated_user_cannot_sign_in(client, sign_in_through_the_form):
    gone = UserFactory(is_active=False)

    assert "Enter a correct email address" in sign_in_through_the_form(gone).get_data(as_text=True)


def test_an_administrator_needs_a_security_code_after_the_password(client, form_token):
    admin = UserFactory(roles=[StaffRole.ADMIN])
    response = client.post(
        "/staff/sign-in",
        data={
            "email": admin.email,
            "password": PASSWORD,
            "csrf_token": form_token("/staff/sign-in"),
        },
    )
    assert response.location == "/staff/sign-in/security-code"

    # Until the code is given, every other page sends them back to it.
    assert client.get("/admin/users").location == "/staff/sign-in/security-code"
    path = "/staff/sign-in/security-code"
    wrong = client.post(path, data={"code": "000000", "csrf_token": form_token(path)})
    assert "The security code is not right" in wrong.get_data(as_text=True)

    code = pyotp.TOTP(admin.totp_secret).now()
    right = client.post(path, data={"code": code, "csrf_token": form_token(path)})
    assert right.status_code == 302
    assert client.get("/admin/users").status_code == 200
    assert "sign_in.second_factor_failed" in _actions()
    assert _actions()[-1] == "sign_in.second_factor_passed"


def test_a_security_code_cannot_be_used_twice(client, form_token):
    admin = UserFactory(roles=[StaffRole.ADMIN])
    code = pyotp.TOTP(admin.totp_secret).now()
    path = "/staff/sign-in/security-code"
    answers = []
    for _ in range(2):
        client.post(
            "/staff/sign-in",
            data={
                "email": admin.email,
                "password": PASSWORD,
                "csrf_token": form_token("/staff/sign-in"),
            },
        )
        answers.append(client.post(path, data={"code": code, "csrf_token": form_token(path)}))
        client.post("/staff/sign-out", data={"csrf_token": form_token(path)})

    assert answers[0].status_code == 302
    assert "has been used already" in answers[1].get_data(as_text=True)


def test_a_new_administrator_sets_up_security_codes_before_anything_else(client, form_token):
    admin = UserFactory(roles=[StaffRole.ADMIN])
    admin.totp_secret = None
    db.session.flush()

    response = client.post(
        "/staff/sign-in",
        data={
            "email": admin.email,
            "password": PASSWORD,
            "csrf_token": form_token("/staff/sign-in"),
        },
    )
    assert response.location == "/staff/sign-in/set-up-security-codes"
    path = "/staff/sign-in/set-up-security-codes"
    page = client.get(path).get_data(as_text=True)
    assert "<svg" in page and "Set up security codes" in page
    with client.session_transaction() as cookie_session:
        secret = cookie_session["pending_totp_secret"]

    response = client.post(
        path, data={"code": pyotp.TOTP(secret).now(), "csrf_token": form_token(path)}
    )

    assert response.status_code == 302
    assert admin.totp_secret == secret
    assert client.get("/admin/users").status_code == 200
    assert "user.second_factor_enrolled" in _actions()


def test_after_signing_in_people_go_back_to_the_page_they_asked_for(
    client, sign_in_through_the_form, form_token
):
    manager = UserFactory()
    assert client.get("/staff/account/password").location.startswith("/staff/sign-in?next=")

    token = form_token("/staff/sign-in?next=/staff/account/password")
    response = client.post(
        "/staff/sign-in?next=/staff/account/password",
        data={"email": manager.email, "password": PASSWORD, "csrf_token": token},
    )

    assert response.location == "/staff/account/password"


def test_the_next_address_cannot_send_people_to_another_site(client, form_token):
    manager = UserFactory()
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        token = form_token("/staff/sign-in")
        response = client.post(
            f"/staff/sign-in?next={target}",
            data={"email": manager.email, "password": PASSWORD, "csrf_token": token},
        )
        assert response.location == "/staff/", target
        client.post("/staff/sign-out", data={"csrf_token": form_token("/staff/")})


def test_signing_in_starts_a_new_session(client, sign_in_through_the_form):
    manager = UserFactory()
    with client.session_transaction() as cookie_session:
        cookie_session["planted"] = "by an attacker"

    sign_in_through_the_form(manager)

    with client.session_transaction() as cookie_session:
        assert "planted" not in cookie_session
    assert db.session.scalar(select(StaffSession).where(StaffSession.user_id == manager.id))

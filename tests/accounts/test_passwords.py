"""Forgotten and changed passwords."""

from __future__ import annotations

import re

from sqlalchemy import select

from tests.factories import PASSWORD, UserFactory
from tracker.accounts.models import StaffSession
from tracker.extensions import db
from tracker.notifications.models import Email

NEW_PASSWORD = "purple elephant umbrella"


def test_a_reset_link_is_sent_only_to_a_real_account_but_the_answer_is_the_same(client, form_token):
    person = UserFactory()
    answers = []
    for address in (person.email, "stranger@example.gov.uk"):
        path = "/staff/password/forgotten"
        response = client.post(path, data={"email": address, "csrf_token": form_token(path)})
        page = response.get_data(as_text=True).replace(address, "ADDRESS")
        answers.append(page)

    assert answers[0] == answers[1]
    assert "Check your email" in answers[0]
    [email] = db.session.scalars(select(Email)).all()
    assert (email.recipient, email.template) == (person.email, "staff_password_reset")


def test_resetting_a_password_signs_out_every_session_and_the_link_works_once(
    client, form_token, sign_in, app
):
    person = UserFactory()
    sign_in(person)  # an old session somewhere
    reset_browser = app.test_client()
    token = re.search(
        r'name="csrf_token"[^>]*value="([^"]+)"',
        reset_browser.get("/staff/password/forgotten").get_data(as_text=True),
    ).group(1)
    reset_browser.post(
        "/staff/password/forgotten", data={"email": person.email, "csrf_token": token}
    )
    link = db.session.scalars(select(Email)).one().context["link"]
    path = link.removeprefix(app.config["PUBLIC_BASE_URL"])

    reset_browser.get(path)
    page = reset_browser.get("/staff/password/reset").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    short = reset_browser.post(
        "/staff/password/reset", data={"password": "short", "confirm": "short", "csrf_token": token}
    )
    assert "at least 12 characters" in short.get_data(as_text=True)
    done = reset_browser.post(
        "/staff/password/reset",
        data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD, "csrf_token": token},
    )

    assert done.location == "/staff/sign-in"
    assert client.get("/staff/").location.startswith("/staff/sign-in")  # old session ended
    assert all(s.revoked_at for s in db.session.scalars(select(StaffSession)))
    assert reset_browser.get(path, follow_redirects=True).status_code == 410


def test_changing_a_password_needs_the_current_one(client, form_token, sign_in):
    person = UserFactory()
    sign_in(person)
    path = "/staff/account/password"

    wrong = client.post(
        path,
        data={
            "current": "not it at all",
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
            "csrf_token": form_token(path),
        },
    )
    assert "Your current password is not right" in wrong.get_data(as_text=True)

    mismatch = client.post(
        path,
        data={
            "current": PASSWORD,
            "password": NEW_PASSWORD,
            "confirm": "something else entirely",
            "csrf_token": form_token(path),
        },
    )
    assert "The passwords do not match" in mismatch.get_data(as_text=True)

    right = client.post(
        path,
        data={
            "current": PASSWORD,
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
            "csrf_token": form_token(path),
        },
    )
    assert right.location == "/staff/"
    assert client.get("/staff/").status_code == 200  # this session carries on

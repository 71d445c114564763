"""Invitations: HR chooses a partner's organisation from the managed list, and whoever sets
a password from an invitation is signed in at once (an administrator after their code)."""

from __future__ import annotations

from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import select

from tests.factories import PASSWORD, PartnerOrganisationFactory, UserFactory
from tests.forms.harness import parse
from tests.helpers import csrf_token
from tracker.accounts import links
from tracker.accounts.models import StaffRole, StaffSession, TokenPurpose, User
from tracker.audit.models import AuditEvent
from tracker.extensions import db


@pytest.fixture
def hr(client, sign_in):
    admin = UserFactory(roles=[StaffRole.ADMIN], name="Sam Patel")
    sign_in(admin)
    return admin


def _post(client, path: str, data: dict):
    return client.post(path, data={**data, "csrf_token": csrf_token(client, path)})


def test_hr_invites_a_partner_from_an_organisation_on_the_list(client, hr):
    chosen = PartnerOrganisationFactory(name="Dalston Digital")
    PartnerOrganisationFactory(name="Hackney Hosting")

    page = client.get("/admin/users/invite").get_data(as_text=True)
    assert '<select class="govuk-select" id="partner_organisation"' in page
    assert "Dalston Digital" in page and "Hackney Hosting" in page

    response = _post(
        client,
        "/admin/users/invite",
        {
            "name": "Pat Partner",
            "email": "pat@dalston.example",
            "roles": ["partner"],
            "partner_organisation": str(chosen.id),
        },
    )

    assert response.status_code == 302
    pat = db.session.scalar(select(User).where(User.email == "pat@dalston.example"))
    assert pat.partner_organisation == chosen
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.invited"))
    assert event.details["partner_organisation"] == "Dalston Digital"


def test_an_organisation_not_on_the_list_is_refused_and_none_is_made(client, hr):
    from tracker.accounts.models import PartnerOrganisation

    response = _post(
        client,
        "/admin/users/invite",
        {
            "name": "Pat Partner",
            "email": "pat@dalston.example",
            "roles": ["partner"],
            "partner_organisation": "987654",
        },
    )

    page = parse(response.get_data(as_text=True))
    assert response.status_code == 200
    assert "Select the employer partner's organisation" in page.texts_by_id.get(
        "partner_organisation-error", ""
    ).replace("&#39;", "'")
    assert db.session.scalar(select(User).where(User.email == "pat@dalston.example")) is None
    assert db.session.scalars(select(PartnerOrganisation)).all() == []


def test_arriving_from_an_organisation_chooses_it(client, hr):
    chosen = PartnerOrganisationFactory(name="Dalston Digital")

    page = client.get(f"/admin/users/invite?organisation={chosen.id}").get_data(as_text=True)

    assert f'<option value="{chosen.id}" selected>Dalston Digital</option>' in page
    assert 'value="partner" checked' in page


def test_access_for_a_partner_shows_and_keeps_their_organisation(client, hr):
    organisation = PartnerOrganisationFactory(name="Dalston Digital")
    partner = UserFactory(roles=[StaffRole.PARTNER], partner_organisation=organisation)

    page = client.get(f"/admin/users/{partner.id}").get_data(as_text=True)
    assert f'<option value="{organisation.id}" selected>Dalston Digital</option>' in page

    response = _post(client, f"/admin/users/{partner.id}", {"roles": ["partner", "mentor"]})
    assert response.status_code == 200
    assert "Select the employer partner&#39;s organisation" in response.get_data(as_text=True)
    db.session.expire_all()
    assert partner.role_set == {StaffRole.PARTNER}


def _accept(app, user: User) -> tuple:
    """The invitee's own browser: follow the link, choose a password."""
    token = links.issue_token(user, TokenPurpose.INVITATION, timedelta(days=7))
    browser = app.test_client()
    browser.get(f"/staff/invitation/{token}")
    with browser.session_transaction() as session:
        session["left_from_before"] = "anything"
    saved = _post(browser, "/staff/invitation", {"password": PASSWORD, "confirm": PASSWORD})
    with browser.session_transaction() as session:
        kept = set(session)
    return browser, saved, kept


def _live_sessions(user: User) -> list[StaffSession]:
    return db.session.scalars(
        select(StaffSession).where(
            StaffSession.user_id == user.id, StaffSession.revoked_at.is_(None)
        )
    ).all()


def test_an_invited_mentor_is_signed_in_at_once_in_a_fresh_session(app):
    mentor = UserFactory(roles=[StaffRole.MENTOR], password_hash=None)

    browser, saved, kept = _accept(app, mentor)

    assert saved.location == "/staff/mentees"  # a mentor's landing page
    # A fresh session: nothing from before survives, the invitation's token included.
    assert not kept & {"left_from_before", "invitation_token"}
    home = browser.get("/staff/")
    assert home.status_code == 200 and mentor.email in home.get_data(as_text=True)
    [live] = _live_sessions(mentor)
    assert live.verified_at is None
    actions = list(
        db.session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.object_type == "user", AuditEvent.object_id == str(mentor.id))
            .order_by(AuditEvent.id)
        )
    )
    assert actions[-2:] == ["user.invitation_accepted", "sign_in.succeeded"]
    # The invitation is spent: the page no longer offers to set a password.
    assert browser.get("/staff/invitation").status_code == 410


def test_an_invited_administrator_sets_up_a_code_before_anything_else(app):
    admin = UserFactory(roles=[StaffRole.ADMIN], password_hash=None)
    admin.totp_secret = None
    db.session.flush()

    browser, saved, kept = _accept(app, admin)

    assert saved.location == "/staff/sign-in/set-up-security-codes"
    assert "left_from_before" not in kept
    for path in ("/staff/", "/admin/users"):
        assert browser.get(path).location == "/staff/sign-in/set-up-security-codes", path
    [live] = _live_sessions(admin)
    assert live.verified_at is None

    page = browser.get("/staff/sign-in/set-up-security-codes").get_data(as_text=True)
    secret = page.split('<code class="app-secret">')[1].split("<")[0]
    done = _post(
        browser, "/staff/sign-in/set-up-security-codes", {"code": pyotp.TOTP(secret).now()}
    )

    assert done.location == "/staff/"
    assert browser.get("/admin/users").status_code == 200
    db.session.expire_all()
    assert live.verified_at is not None and admin.totp_secret == secret


def test_a_reset_password_still_asks_to_sign_in(app):
    user = UserFactory()
    token = links.issue_token(user, TokenPurpose.PASSWORD_RESET, timedelta(hours=1))
    browser = app.test_client()
    browser.get(f"/staff/password/reset/{token}")

    saved = _post(
        browser,
        "/staff/password/reset",
        {"password": "three random words", "confirm": "three random words"},
    )

    assert saved.location == "/staff/sign-in"
    assert _live_sessions(user) == []

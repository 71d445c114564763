"""HR invites people, sets what they may do, and deactivates them; all of it audited."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.factories import PASSWORD, PartnerOrganisationFactory, TrackFactory, UserFactory
from tracker.accounts.models import AccountToken, StaffRole, StaffSession, User
from tracker.audit.models import AuditEvent
from tracker.extensions import db
from tracker.notifications.models import Email


@pytest.fixture
def hr(client, sign_in):
    admin = UserFactory(roles=[StaffRole.ADMIN], name="Sam Patel")
    sign_in(admin)
    return admin


def _post(client, form_token, path: str, data: dict):
    return client.post(path, data={**data, "csrf_token": form_token(path)})


def test_hr_invites_a_hiring_manager_who_sets_a_password_and_signs_in(client, form_token, hr, app):
    track = TrackFactory(name="Data analysis")

    response = _post(
        client,
        form_token,
        "/admin/users/invite",
        {
            "name": "Ada Lovelace",
            "email": "Ada@Example.gov.uk",
            "roles": ["hiring_manager"],
            "tracks": [str(track.id)],
        },
    )

    assert response.status_code == 302
    ada = db.session.scalar(select(User).where(User.email == "ada@example.gov.uk"))
    assert ada.role_set == {StaffRole.HIRING_MANAGER}
    assert [s.track_id for s in ada.scopes] == [track.id]
    [email] = db.session.scalars(select(Email)).all()
    assert (email.recipient, email.template) == ("ada@example.gov.uk", "staff_invitation")
    assert email.context["invited_by"] == "Sam Patel"
    link = email.context["link"]
    assert link.startswith(app.config["PUBLIC_BASE_URL"] + "/staff/invitation/")

    # Ada follows the link in another browser: the token leaves the address at once.
    ada_browser = app.test_client()
    path = link.removeprefix(app.config["PUBLIC_BASE_URL"])
    landing = ada_browser.get(path)
    assert landing.location == "/staff/invitation"
    page = ada_browser.get("/staff/invitation").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    saved = ada_browser.post(
        "/staff/invitation",
        data={"password": PASSWORD, "confirm": PASSWORD, "csrf_token": token},
    )

    # Signed in at once, on her home page, in a new session.
    assert saved.location == "/staff/"
    home = ada_browser.get("/staff/")
    assert home.status_code == 200
    assert "ada@example.gov.uk" in home.get_data(as_text=True)
    [live] = db.session.scalars(
        select(StaffSession).where(
            StaffSession.user_id == ada.id, StaffSession.revoked_at.is_(None)
        )
    ).all()
    assert live.verified_at is None  # a hiring manager gives no code

    # The link works once.
    assert ada_browser.get(path, follow_redirects=True).status_code == 410
    actions = list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    assert "user.invited" in actions and "user.invitation_accepted" in actions
    assert actions[-1] == "sign_in.succeeded"


def test_inviting_with_mistakes_explains_each_and_creates_nothing(client, form_token, hr):
    response = _post(
        client,
        form_token,
        "/admin/users/invite",
        {"name": "", "email": "not-an-email", "roles": ["hiring_manager"]},
    )

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Enter the person&#39;s full name" in page
    assert "Enter an email address in the correct format" in page
    assert db.session.scalar(select(User).where(User.email == "not-an-email")) is None

    response = _post(
        client,
        form_token,
        "/admin/users/invite",
        {"name": "Grace", "email": "grace@example.gov.uk", "roles": ["hiring_manager"]},
    )
    assert "Choose the tracks or roles this hiring manager looks after" in response.get_data(
        as_text=True
    )
    assert db.session.scalar(select(User).where(User.email == "grace@example.gov.uk")) is None
    assert db.session.scalar(select(Email.id)) is None


def test_an_email_already_in_use_cannot_be_invited_again(client, form_token, hr):
    existing = UserFactory()

    response = _post(
        client,
        form_token,
        "/admin/users/invite",
        {"name": "Again", "email": existing.email.upper(), "roles": ["mentor"]},
    )

    assert "There is already a user with this email address" in response.get_data(as_text=True)


def test_hr_changes_someones_roles_and_the_change_is_audited(client, form_token, hr):
    person = UserFactory(roles=[StaffRole.MENTOR])
    organisation = PartnerOrganisationFactory(name="Shoreditch Code Ltd")

    response = _post(
        client,
        form_token,
        f"/admin/users/{person.id}",
        {"roles": ["partner"], "partner_organisation": str(organisation.id)},
    )

    assert response.status_code == 302
    assert person.role_set == {StaffRole.PARTNER}
    assert person.partner_organisation.name == "Shoreditch Code Ltd"
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "user.access_changed")
    ).one()
    assert event.details["before"]["roles"] == ["mentor"]
    assert event.details["after"]["roles"] == ["partner"]


def test_hr_cannot_remove_their_own_admin_role_or_deactivate_themselves(client, form_token, hr):
    response = _post(client, form_token, f"/admin/users/{hr.id}", {"roles": ["mentor"]})
    assert "You cannot remove your own administrator role" in response.get_data(as_text=True)
    assert StaffRole.ADMIN in hr.role_set

    response = _post(client, form_token, f"/admin/users/{hr.id}/deactivate", {})
    assert "You cannot deactivate your own account" in response.get_data(as_text=True)
    assert hr.is_active


def test_deactivate_and_reactivate(client, form_token, hr):
    person = UserFactory()

    page = client.get(f"/admin/users/{person.id}/deactivate").get_data(as_text=True)
    assert "Deactivate " + person.name in page
    _post(client, form_token, f"/admin/users/{person.id}/deactivate", {})
    assert person.is_active is False
    _post(client, form_token, f"/admin/users/{person.id}/reactivate", {})
    assert person.is_active is True

    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"user.deactivated", "user.reactivated"} <= actions


def test_a_new_invitation_replaces_the_old_link(client, form_token, hr):
    _post(
        client,
        form_token,
        "/admin/users/invite",
        {"name": "Mary", "email": "mary@example.gov.uk", "roles": ["mentor"]},
    )
    mary = db.session.scalar(select(User).where(User.email == "mary@example.gov.uk"))

    _post(client, form_token, f"/admin/users/{mary.id}/resend-invitation", {})

    tokens = db.session.scalars(select(AccountToken).where(AccountToken.user_id == mary.id)).all()
    assert len(tokens) == 2
    assert sum(t.used_at is None for t in tokens) == 1
    assert db.session.scalar(select(Email.id).where(Email.recipient == "mary@example.gov.uk"))

"""Holes a review found, each kept shut by a test."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tests.factories import CampaignFactory, RoleFactory, UserFactory
from tests.helpers import csrf_token, sign_in_as
from tracker.accounts import access, links
from tracker.accounts.models import AccountToken, StaffRole, TokenPurpose
from tracker.audit.services import record_event
from tracker.extensions import db


def test_someone_made_an_administrator_mid_session_must_sign_in_again_with_a_code(
    client, sign_in, app
):
    manager = UserFactory(roles=[StaffRole.HIRING_MANAGER])
    sign_in(manager)
    hr = UserFactory(roles=[StaffRole.ADMIN])
    hr_browser = app.test_client()
    sign_in_as(hr_browser, hr)

    path = f"/admin/users/{manager.id}"
    hr_browser.post(path, data={"roles": ["admin"], "csrf_token": csrf_token(hr_browser, path)})

    assert StaffRole.ADMIN in manager.role_set
    assert client.get("/admin/users").location.startswith("/staff/sign-in")


def test_an_administrators_session_without_a_code_reaches_only_the_code_pages(client, app):
    admin = UserFactory(roles=[StaffRole.ADMIN])
    client.post(
        "/staff/sign-in",
        data={
            "email": admin.email,
            "password": "correct horse battery staple",
            "csrf_token": csrf_token(client, "/staff/sign-in"),
        },
    )

    for path in ("/staff/", "/admin/users", "/admin/audit", "/staff/account/password"):
        assert client.get(path).location == "/staff/sign-in/security-code", path


def test_deactivating_someone_cancels_their_unused_invitation(client, sign_in, app):
    hr = UserFactory(roles=[StaffRole.ADMIN])
    person = UserFactory(password_hash=None)
    links.issue_token(person, TokenPurpose.INVITATION, timedelta(days=7))

    access.deactivate_user(actor=hr, user=person)
    access.reactivate_user(actor=hr, user=person)

    tokens = db.session.scalars(select(AccountToken).where(AccountToken.user_id == person.id))
    assert all(t.used_at is not None for t in tokens)


def test_a_nul_character_in_the_sign_in_form_is_a_clear_400_not_a_crash(client):
    response = client.post(
        "/staff/sign-in",
        data={
            "email": "x\x00@example.com",
            "password": "whatever",
            "csrf_token": csrf_token(client, "/staff/sign-in"),
        },
    )

    assert response.status_code == 400
    assert "a character that is not allowed" in response.get_data(as_text=True)


def test_saving_access_keeps_scopes_on_roles_from_an_earlier_campaign(client, sign_in):
    old_role = RoleFactory(campaign=CampaignFactory(closed=True))
    RoleFactory(campaign=CampaignFactory())  # the current campaign
    manager = UserFactory(roles=[StaffRole.HIRING_MANAGER], scoped_roles=[old_role])
    sign_in(UserFactory(roles=[StaffRole.ADMIN]))
    path = f"/admin/users/{manager.id}"
    page = client.get(path).get_data(as_text=True)
    assert old_role.title in page

    client.post(
        path,
        data={
            "roles": ["hiring_manager"],
            "scoped_roles": [str(old_role.id)],
            "csrf_token": csrf_token(client, path),
        },
    )

    assert [s.role_id for s in manager.scopes] == [old_role.id]


def test_a_users_history_lists_what_they_did_and_what_was_done_to_them(client, sign_in):
    admin = UserFactory(roles=[StaffRole.ADMIN])
    first = UserFactory()
    for _ in range(11):
        UserFactory()  # user ids that contain the first one's id as text
    tenth = UserFactory()
    record_event(actor=first, action="test.did", object_type="role", object_id=1)
    record_event(actor=admin, action="test.done_to", object_type="user", object_id=first.id)
    record_event(actor=admin, action="test.other", object_type="user", object_id=tenth.id)
    sign_in(admin)

    page = client.get(f"/admin/audit?user={first.id}").get_data(as_text=True)

    assert "“test: did”" in page and "“test: done to”" in page
    assert "test: other" not in page
    assert client.get("/admin/audit?page=%C2%B2").status_code == 200

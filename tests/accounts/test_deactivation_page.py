"""Deactivating a user is confirmed on a page that says what will happen, to how many, that
no email goes, and what needs someone new; Cancel changes nothing; "Yes" signs them out
everywhere at once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.factories import PartnerOrganisationFactory, RoleFactory, SlotFactory, UserFactory
from tests.helpers import csrf_token, sign_in_as
from tests.mentoring.factories import MentorProfileFactory, assigned, hired
from tracker import clock
from tracker.accounts.models import StaffRole, StaffSession
from tracker.audit.models import AuditEvent
from tracker.extensions import db
from tracker.notifications.models import Email
from tracker.partners.models import Share


@pytest.fixture
def hr(client, sign_in):
    admin = UserFactory(roles=[StaffRole.ADMIN], name="Sam Patel")
    sign_in(admin)
    return admin


def _text(response) -> str:
    return " ".join(response.get_data(as_text=True).split())


def test_the_page_counts_what_ends_and_lists_what_needs_someone_new(client, app, hr):
    mentor = UserFactory(roles=[StaffRole.MENTOR, StaffRole.HIRING_MANAGER], name="Morgan Lee")
    for _ in range(2):  # signed in on two devices
        sign_in_as(app.test_client(), mentor)
    role = RoleFactory(title="Data analyst apprentice")
    apprentice = hired(role)
    assigned(apprentice, MentorProfileFactory(user=mentor))
    slot = SlotFactory(role=role)
    slot.panel.append(mentor)
    db.session.flush()

    page = _text(client.get(f"/admin/users/{mentor.id}/deactivate"))

    assert "Deactivate Morgan Lee?" in page
    assert "signed out everywhere at once: 2 open sessions end" in page
    assert "1 apprentice they mentor" in page and apprentice.reference in page
    assert "1 upcoming slot with them on the panel" in page
    assert "Data analyst apprentice" in page
    assert "No email is sent" in page
    assert "You can reactivate the account later" in page
    assert "Yes, deactivate Morgan Lee" in page and "govuk-button--warning" in page
    assert f'href="/admin/users/{mentor.id}">Cancel</a>' in page


def test_the_last_partner_at_an_organisation_is_told_its_shares_go_unseen(client, hr):
    organisation = PartnerOrganisationFactory(name="Dalston Digital")
    partner = UserFactory(roles=[StaffRole.PARTNER], partner_organisation=organisation)
    db.session.add(
        Share(
            organisation_id=organisation.id,
            purpose="Assessment day at Dalston Digital",
            due_on=clock.today() + timedelta(days=7),
            fields=[],
            created_by=hr.email,
            created_by_id=hr.id,
            created_at=clock.utcnow(),
        )
    )
    db.session.flush()

    page = _text(client.get(f"/admin/users/{partner.id}/deactivate"))

    assert "0 open sessions end" in page
    assert "1 open share with Dalston Digital" in page
    assert "the only active user at Dalston Digital" in page
    assert "Assessment day at Dalston Digital" in page

    # With a colleague there, nothing goes unseen.
    UserFactory(roles=[StaffRole.PARTNER], partner_organisation=organisation)
    page = _text(client.get(f"/admin/users/{partner.id}/deactivate"))
    assert "the only active user" not in page


def test_cancel_changes_nothing_and_yes_signs_them_out_everywhere(client, app, hr):
    person = UserFactory(name="Pat Jones")
    other_device = app.test_client()
    sign_in_as(other_device, person)
    assert other_device.get("/staff/").status_code == 200

    # Looking at the page, and following Cancel, changes nothing.
    client.get(f"/admin/users/{person.id}/deactivate")
    client.get(f"/admin/users/{person.id}")
    db.session.expire_all()
    assert person.is_active

    path = f"/admin/users/{person.id}/deactivate"
    response = client.post(path, data={"csrf_token": csrf_token(client, path)})

    assert response.location == f"/admin/users/{person.id}"
    db.session.expire_all()
    assert not person.is_active
    assert other_device.get("/staff/").status_code == 302
    assert not db.session.scalars(
        select(StaffSession).where(
            StaffSession.user_id == person.id, StaffSession.revoked_at.is_(None)
        )
    ).all()
    assert db.session.scalar(select(Email.id)) is None  # as the page said
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.deactivated"))
    assert event.details == {"sessions_ended": 1}

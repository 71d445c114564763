"""HR keeps partner organisations as a list: adds one once, sees its people and shares,
invites someone into it, and corrects its name. Nobody else manages them."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from tests.factories import PartnerOrganisationFactory, UserFactory
from tests.forms.harness import parse
from tests.helpers import csrf_token
from tests.partners.conftest import partner_in
from tracker.accounts.models import PartnerOrganisation, StaffRole
from tracker.audit.models import AuditEvent
from tracker.extensions import db
from tracker.partners import organisations
from tracker.partners.organisations import OrganisationError


def _count() -> int:
    return db.session.scalar(select(func.count(PartnerOrganisation.id)))


def _add(client, name: str):
    path = "/staff/partners/organisations/new"
    return client.post(path, data={"csrf_token": csrf_token(client, path), "name": name})


def test_hr_adds_an_organisation_and_the_creation_is_audited(client, sign_in, hr):
    db.session.commit()
    sign_in(hr)

    response = _add(client, "  Dalston   Digital Ltd ")

    created = db.session.scalars(select(PartnerOrganisation)).one()
    assert created.name == "Dalston Digital Ltd"
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/staff/partners/organisations/{created.id}")
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "partners.organisation_created")
    ).one()
    assert (event.actor_id, event.object_type, event.object_id) == (
        hr.id,
        "partner_organisation",
        str(created.id),
    )
    assert event.details == {"name": "Dalston Digital Ltd"}
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Dalston Digital Ltd is added" in page
    assert f"/admin/users/invite?organisation={created.id}" in page


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("dalston digital ltd", "There is already a partner organisation called Dalston Digital"),
        ("DALSTON DIGITALLTD", "There is already a partner organisation called Dalston Digital"),
        ("   ", "Enter the organisation's name"),
        ("x" * 201, "The organisation's name must be 200 characters or fewer"),
    ],
)
def test_a_duplicate_or_empty_name_is_refused_beside_the_field(client, sign_in, hr, name, message):
    PartnerOrganisationFactory(name="Dalston Digital Ltd")
    db.session.commit()
    sign_in(hr)
    before = (_count(), db.session.scalar(select(func.count(AuditEvent.id))))

    response = _add(client, name)

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    page = parse(html)
    assert page.title.startswith("Error: ")
    assert message in dict(page.summary_links)["#name"]
    assert message in page.texts_by_id["name-error"]
    db.session.expire_all()
    assert (_count(), db.session.scalar(select(func.count(AuditEvent.id)))) == before


def test_the_service_refuses_a_name_differing_only_in_case_and_spaces(hr):
    organisations.create_organisation(actor=hr, name="Hackney Tech Co-operative")

    with pytest.raises(OrganisationError, match="already") as refused:
        organisations.create_organisation(actor=hr, name="hackney  tech co-operative")

    assert refused.value.field == "name"


@pytest.mark.parametrize("role", [StaffRole.HIRING_MANAGER, StaffRole.PARTNER, StaffRole.MENTOR])
def test_nobody_but_hr_reaches_the_organisations(client, sign_in, role):
    organisation = PartnerOrganisationFactory()
    extra = {"partner_organisation": organisation} if role is StaffRole.PARTNER else {}
    user = UserFactory(roles=[role], **extra)
    db.session.commit()
    sign_in(user)
    before = _count()

    assert client.get("/staff/partners/organisations").status_code == 403
    assert client.get(f"/staff/partners/organisations/{organisation.id}").status_code == 403
    token = csrf_token(client, "/staff/")
    posted = client.post(
        "/staff/partners/organisations/new", data={"csrf_token": token, "name": "Sneaky Ltd"}
    )
    assert posted.status_code == 403
    assert _count() == before
    with pytest.raises(OrganisationError, match="permission"):
        organisations.create_organisation(actor=user, name="Sneaky Ltd")


def test_the_list_counts_active_users_and_shares(
    client, sign_in, hr, candidate, organisation, partner_user, share_with
):
    partner_in(organisation, password_hash=None)  # invited, not yet signed in
    partner_in(organisation, is_active=False)
    share_with(organisation, [candidate()])
    PartnerOrganisationFactory(name="Empty Partner Ltd")
    db.session.commit()
    sign_in(hr)

    page = client.get("/staff/partners/organisations").get_data(as_text=True)

    rows = {s.organisation.name: s for s in organisations.summaries()}
    assert (
        rows["Hackney Tech Co-operative"].active_users,
        rows["Empty Partner Ltd"].active_users,
    ) == (1, 0)
    assert rows["Hackney Tech Co-operative"].invited_users == 1
    assert (rows["Hackney Tech Co-operative"].shares, rows["Empty Partner Ltd"].shares) == (1, 0)
    assert "Hackney Tech Co-operative" in page and "Empty Partner Ltd" in page
    assert "1 invited, not yet signed in" in page and "Add an organisation" in page


def test_an_organisations_page_lists_its_users_and_shares(
    client, sign_in, hr, candidate, organisation, partner_user, share_with
):
    invited = partner_in(organisation, name="Ivy Invited", password_hash=None)
    outsider = partner_in(PartnerOrganisationFactory(), name="Oscar Outsider")
    share = share_with(organisation, [candidate(), candidate()], purpose="Pairing day")
    db.session.commit()
    sign_in(hr)

    page = client.get(f"/staff/partners/organisations/{organisation.id}").get_data(as_text=True)

    assert partner_user.name in page and partner_user.email in page
    assert invited.email in page and "Invited" in page and "Active" in page
    assert outsider.name not in page
    assert f"/staff/shares/{share.id}" in page and "Pairing day" in page
    assert "2 candidates" in page
    assert "Invite a user from this organisation" in page
    assert client.get("/staff/partners/organisations/999999").status_code == 404


def test_hr_corrects_an_organisations_name(client, sign_in, hr, organisation):
    PartnerOrganisationFactory(name="Taken Ltd")
    db.session.commit()
    sign_in(hr)
    path = f"/staff/partners/organisations/{organisation.id}/edit"

    refused = client.post(path, data={"csrf_token": csrf_token(client, path), "name": "taken ltd"})
    renamed = client.post(
        path, data={"csrf_token": csrf_token(client, path), "name": "Hackney Tech Co-op"}
    )

    assert refused.status_code == 200
    assert "There is already a partner organisation called Taken Ltd" in refused.get_data(
        as_text=True
    )
    assert renamed.status_code == 302
    db.session.expire_all()
    assert organisation.name == "Hackney Tech Co-op"
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "partners.organisation_renamed")
    ).one()
    assert event.details == {"from": "Hackney Tech Co-operative", "to": "Hackney Tech Co-op"}


def test_the_model_keeps_the_name_key_whoever_sets_the_name():
    organisation = PartnerOrganisationFactory(name="Acme  Training LTD")
    db.session.flush()
    assert organisation.name_key == "acmetrainingltd"

    organisation.name = "Acme Skills"
    db.session.flush()

    assert organisation.name_key == "acmeskills"


def test_a_clash_the_check_missed_is_refused_by_the_unique_key_and_changes_nothing(hr):
    """The race's second half: HR's check found no clash, but by the flush another
    transaction had added the name. The unique index refuses it; only its savepoint is undone,
    so the request's earlier work stands and the person is told which organisation has it."""
    first = organisations.create_organisation(actor=hr, name="Acme Training")
    before = _count()

    with pytest.raises(
        OrganisationError, match="There is already a partner organisation called Acme Training"
    ) as refused:
        organisations._save_name(PartnerOrganisation(), "ACME training")

    assert refused.value.field == "name"
    assert _count() == before
    assert db.session.get(PartnerOrganisation, first.id).name == "Acme Training"


def test_a_rename_onto_a_name_the_check_missed_is_refused_and_keeps_the_old_name(hr):
    organisations.create_organisation(actor=hr, name="Acme Training")
    other = organisations.create_organisation(actor=hr, name="Bolt Skills")

    with pytest.raises(
        OrganisationError, match="There is already a partner organisation called Acme Training"
    ):
        organisations._save_name(other, "acme   TRAINING")

    assert db.session.get(PartnerOrganisation, other.id).name == "Bolt Skills"


def test_the_shares_page_and_the_organisations_page_count_users_alike(
    client, sign_in, hr, organisation, partner_user
):
    """One active user and one invited who has not signed in yet: both pages say 1 can sign
    in and 1 is invited (the shares page once counted the invited one as able to sign in)."""
    partner_in(organisation, password_hash=None)
    db.session.commit()
    sign_in(hr)

    rows = []
    for path in ("/staff/shares", "/staff/partners/organisations"):
        html = client.get(path).get_data(as_text=True)
        row = next(r for r in re.findall(r"<tr.*?</tr>", html, re.S) if organisation.name in r)
        cells = [
            " ".join(re.sub(r"<[^>]+>", " ", c).split())
            for c in re.findall(r"<td.*?</td>", row, re.S)
        ]
        rows.append(cells[:2])

    assert rows[0] == rows[1]
    assert rows[0] == [f"{organisation.name} 1 invited, not yet signed in", "1"]

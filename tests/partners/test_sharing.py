"""HR shares candidates with an employer partner: the form, its checks, and the emails."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.factories import PartnerOrganisationFactory, UserFactory
from tests.helpers import csrf_token
from tests.partners.conftest import partner_in
from tracker import clock
from tracker.accounts.models import StaffRole
from tracker.applications.states import Status
from tracker.audit.models import AuditEvent
from tracker.extensions import db
from tracker.notifications.models import Email
from tracker.partners import fields
from tracker.partners import services as partners
from tracker.partners.models import Share, SharedCandidate


def _state():
    return (
        db.session.scalar(select(func.count(Share.id))),
        db.session.scalar(select(func.count(SharedCandidate.id))),
        db.session.scalar(select(func.count(Email.id))),
    )


def _form(client, ids, **overrides):
    due = clock.today() + timedelta(days=7)
    data = {
        "csrf_token": csrf_token(client, "/staff/shares"),
        "offered": ids,
        "application_ids": ids,
        "organisation": overrides.pop("organisation"),
        "purpose": "Assessment day, 12 January",
        "due_on": [str(due.day), str(due.month), str(due.year)],
        "criteria": "Problem solving\nWorking with others",
        "fields": [fields.ANSWERS],
    }
    data.update(overrides)
    return data


def test_hr_picks_candidates_from_the_list_and_shares_them(
    client, sign_in, hr, role, candidate, organisation, partner_user
):
    chosen = [candidate() for _ in range(2)]
    db.session.commit()
    sign_in(hr)
    listing = f"/staff/roles/{role.id}/candidates"

    start = client.post(
        "/staff/shares/new",
        data={
            "csrf_token": csrf_token(client, listing),
            "step": "choose",
            "application_ids": [a.id for a in chosen],
        },
    )
    page = start.get_data(as_text=True)
    assert start.status_code == 200
    assert "There is a problem" not in page
    assert all(a.reference in page for a in chosen)
    assert "You enjoy solving problems" in page  # the role's criteria, suggested

    response = client.post(
        "/staff/shares/new",
        data=_form(client, [a.id for a in chosen], organisation=organisation.id),
    )

    share = db.session.scalars(select(Share)).one()
    assert response.status_code == 302
    assert response.location == f"/staff/shares/{share.id}"
    assert [c.application_id for c in share.candidates] == sorted(a.id for a in chosen)
    assert [c.text for c in share.criteria] == ["Problem solving", "Working with others"]
    assert share.fields == [fields.ANSWERS]
    shown = client.get(response.location).get_data(as_text=True)
    assert "Waiting for feedback" in shown and organisation.name in shown
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "partners.shared")
    ).one()
    assert (event.actor_id, event.details["candidates"]) == (hr.id, 2)


def test_a_share_of_30_with_3_partner_users_queues_3_emails(
    hr, candidate, organisation, partner_user, share_with
):
    colleagues = [partner_user, partner_in(organisation), partner_in(organisation)]
    partner_in(organisation, is_active=False)  # has left: not told
    partner_in(PartnerOrganisationFactory())  # another organisation: not told

    share = share_with(organisation, [candidate() for _ in range(30)])

    emails = db.session.scalars(select(Email).where(Email.template == "candidates_shared")).all()
    assert sorted(e.recipient for e in emails) == sorted(u.email for u in colleagues)
    assert {e.context["share_id"] for e in emails} == {share.id}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"organisation": 0}, "Select the employer partner"),
        ({"purpose": ""}, "Enter what you are asking the partner to do"),
        # Markup is text, escaped when shown; characters that reorder text are refused.
        ({"purpose": "Assessment \u202eday"}, "What you are asking must not include hidden"),
        ({"due_on": ["", "", ""]}, "Enter the date feedback is due by"),
        ({"due_on": ["31", "2", "2027"]}, "Due date must be a real date"),
        ({"criteria": ""}, "Enter at least one criterion"),
        ({"criteria": "\n".join(f"Criterion {n}" for n in range(9))}, "no more than 8 criteria"),
        ({"criteria": "Same\nsame"}, "Each criterion must be different"),
        ({"application_ids": []}, "Select at least one candidate to share"),
        ({"fields": ["date_of_birth"]}, "Select from the list"),
    ],
)
def test_bad_input_explains_itself_and_shares_nothing(
    client, sign_in, hr, candidate, organisation, partner_user, change, message
):
    chosen = [candidate()]
    db.session.commit()
    sign_in(hr)
    data = _form(client, [a.id for a in chosen], organisation=organisation.id)
    data.update(change)
    before = _state()

    response = client.post("/staff/shares/new", data=data)

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in page
    assert message.lower() in page.lower()
    assert _state() == before


def test_a_past_due_date_is_refused(client, sign_in, hr, candidate, organisation, partner_user):
    chosen = [candidate()]
    db.session.commit()
    sign_in(hr)
    yesterday = clock.today() - timedelta(days=1)
    data = _form(
        client,
        [a.id for a in chosen],
        organisation=organisation.id,
        due_on=[str(yesterday.day), str(yesterday.month), str(yesterday.year)],
    )
    before = _state()

    page = client.post("/staff/shares/new", data=data).get_data(as_text=True)

    assert "The due date must be today or in the future" in page
    assert _state() == before


def test_an_organisation_nobody_can_sign_in_to_is_refused(
    client, sign_in, hr, candidate, organisation
):
    chosen = [candidate()]
    empty = PartnerOrganisationFactory(name="Nobody Yet Ltd")
    db.session.commit()
    sign_in(hr)
    before = _state()

    page = client.post(
        "/staff/shares/new", data=_form(client, [a.id for a in chosen], organisation=empty.id)
    ).get_data(as_text=True)

    assert "Nobody at Nobody Yet Ltd can sign in yet" in page
    assert _state() == before


@pytest.mark.parametrize("status", [Status.WITHDRAWN, Status.UNSUCCESSFUL, Status.HIRED])
def test_candidates_no_longer_in_the_running_cannot_be_shared(
    hr, candidate, organisation, partner_user, share_with, status
):
    extra = {}
    if status is Status.WITHDRAWN:
        extra = {"withdrawn_at": clock.utcnow(), "withdrawal_reason": "another_job"}
    application = candidate(status=status, **extra)

    with pytest.raises(partners.SharingError, match="still in the running"):
        share_with(organisation, [application])


def test_candidates_outside_the_list_are_ignored(
    client, sign_in, hr, candidate, organisation, partner_user
):
    """Only the candidates HR was offered are shared, whatever else the form carries."""
    offered, sneaked = candidate(), candidate()
    db.session.commit()
    sign_in(hr)
    data = _form(client, [offered.id], organisation=organisation.id)
    data["application_ids"] = [offered.id, sneaked.id]

    client.post("/staff/shares/new", data=data)

    share = db.session.scalars(select(Share)).one()
    assert [c.application_id for c in share.candidates] == [offered.id]


def test_hiring_managers_cannot_share(client, sign_in, role, candidate, organisation):
    manager = UserFactory(roles=[StaffRole.HIRING_MANAGER], tracks=[role.track])
    db.session.commit()
    sign_in(manager)

    assert client.get("/staff/shares/new").status_code == 403
    listing = client.get(f"/staff/roles/{role.id}/candidates").get_data(as_text=True)
    assert "Share with an employer partner" not in listing


def test_hr_can_take_back_one_candidate_and_end_the_share(
    client, sign_in, hr, candidate, organisation, partner_user, share_with
):
    first, second = candidate(), candidate()
    share = share_with(organisation, [first, second])
    db.session.commit()
    sign_in(hr)
    token = csrf_token(client, f"/staff/shares/{share.id}")
    shared_second = next(c for c in share.candidates if c.application_id == second.id)

    unshare = f"/staff/shares/{share.id}/candidates/{shared_second.id}/unshare"
    confirm_one = client.get(unshare).get_data(as_text=True)
    client.post(unshare, data={"csrf_token": token})
    confirm = client.get(f"/staff/shares/{share.id}/end").get_data(as_text=True)
    client.post(f"/staff/shares/{share.id}/end", data={"csrf_token": token})

    db.session.expire_all()
    assert f"Stop sharing {second.reference} with" in confirm_one
    assert shared_second.unshared_at is not None
    assert "Stop sharing these candidates with" in confirm
    assert "loses access to 1 candidate at once" in confirm
    assert share.ended_at is not None and share.ended_by == hr.email
    page = client.get(f"/staff/shares/{share.id}").get_data(as_text=True)
    assert "No longer shared" in page and "Ended" in page


def test_the_shares_overview_shows_progress_and_organisations(
    client, sign_in, hr, candidate, organisation, partner_user, share_with
):
    share_with(organisation, [candidate(), candidate()])
    PartnerOrganisationFactory(name="Empty Partner Ltd")
    db.session.commit()
    sign_in(hr)

    page = client.get("/staff/shares").get_data(as_text=True)

    assert "0 of 2" in page
    assert "Hackney Tech Co-operative" in page and "Empty Partner Ltd" in page


def test_hr_can_start_a_share_from_a_candidates_page(
    client, sign_in, hr, candidate, organisation, partner_user
):
    application = candidate()
    db.session.commit()
    sign_in(hr)

    # Sharing sits with the partners' feedback, on the candidate's Scores section.
    page = client.get(f"/staff/applications/{application.id}?section=scores").get_data(as_text=True)
    start = client.get(f"/staff/shares/new?application_ids={application.id}")

    assert f"/staff/shares/new?application_ids={application.id}" in page
    assert start.status_code == 200
    form = start.get_data(as_text=True)
    assert application.reference in form and "There is a problem" not in form


def test_the_share_page_shows_each_candidates_feedback(
    client, sign_in, hr, candidate, organisation, partner_user, share_with
):
    from tracker.partners.models import Recommendation

    share = share_with(organisation, [candidate(), candidate()])
    partners.give_feedback(
        actor=partner_user,
        shared_candidate=share.candidates[0],
        recommendation=Recommendation.STRONGLY_RECOMMEND,
        comments="Brilliant at the pairing exercise",
        scores={c.id: 4 for c in share.criteria},
    )
    db.session.commit()
    sign_in(hr)

    page = client.get(f"/staff/shares/{share.id}").get_data(as_text=True)

    assert "1 of 2" in page
    assert "Strongly recommend" in page and "Brilliant at the pairing exercise" in page
    assert page.count("Waiting for feedback") == 1

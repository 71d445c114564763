"""The applicant's own dashboard: limits, ranking, deleting drafts, withdrawing, and privacy."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from tests.applications.conftest import sign_in_applicant
from tests.factories import ApplicantFactory, ApplicationFactory, RoleFactory
from tracker.applications.models import Application
from tracker.applications.states import Status
from tracker.extensions import db
from tracker.notifications.models import Email


def test_one_application_per_applicant_and_role_is_enforced_by_the_database(role):
    first = ApplicationFactory(role=role)
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(Application(applicant_id=first.applicant_id, role_id=role.id))
        db.session.flush()


def test_apply_for_at_most_the_configured_number_of_roles(client, signed_in, role, post_form):
    others = [RoleFactory(campaign=role.campaign) for _ in range(3)]
    for other in others:
        assert post_form(f"/roles/{other.slug}/apply", {}).status_code == 302
    response = post_form(f"/roles/{role.slug}/apply", {})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "You can apply for up to 3 roles" in page
    assert "There is a problem" in page
    assert db.session.scalar(select(func.count()).select_from(Application)) == 3


def test_starting_the_same_role_twice_resumes_the_first(client, signed_in, role, post_form):
    post_form(f"/roles/{role.slug}/apply", {})
    again = client.get(f"/roles/{role.slug}/apply")
    application = db.session.scalars(select(Application)).one()
    assert again.headers["Location"].endswith(f"/applications/{application.id}")


def test_ranking_moves_an_application_up(client, signed_in, role, post_form):
    first = ApplicationFactory(applicant=signed_in, role=role, preference=1)
    second = ApplicationFactory(
        applicant=signed_in, role=RoleFactory(campaign=role.campaign), preference=2
    )
    post_form(f"/applications/{second.id}/move/up", {}, headers={"Referer": "/applications"})
    db.session.refresh(first)
    db.session.refresh(second)
    assert (second.preference, first.preference) == (1, 2)
    page = client.get("/applications").get_data(as_text=True)
    assert page.index(second.role.title) < page.index(first.role.title)


def test_deleting_a_draft_asks_first_then_removes_it(client, signed_in, role, post_form):
    draft = ApplicationFactory(applicant=signed_in, role=role)
    confirm = client.get(f"/applications/{draft.id}/delete")
    assert "Are you sure you want to delete this draft?" in confirm.get_data(as_text=True)
    assert db.session.get(Application, draft.id) is not None

    response = post_form(f"/applications/{draft.id}/delete", {})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Application, draft.id) is None


def test_a_submitted_application_cannot_be_deleted(client, signed_in, role, post_form):
    submitted = ApplicationFactory(applicant=signed_in, role=role, submitted=True)
    response = client.post(f"/applications/{submitted.id}/delete", data={})
    assert response.status_code in (302, 400)
    assert db.session.get(Application, submitted.id) is not None


def test_withdrawing_needs_a_reason_then_confirms_by_email(client, signed_in, role, post_form):
    submitted = ApplicationFactory(applicant=signed_in, role=role, submitted=True)
    page = client.get(f"/applications/{submitted.id}/withdraw").get_data(as_text=True)
    assert "Are you sure you want to withdraw your application?" in page

    missing = post_form(f"/applications/{submitted.id}/withdraw", {})
    assert "Select why you are withdrawing" in missing.get_data(as_text=True)
    other = post_form(f"/applications/{submitted.id}/withdraw", {"reason": "other"})
    assert "Tell us your reason for withdrawing" in other.get_data(as_text=True)
    db.session.refresh(submitted)
    assert submitted.status is Status.SUBMITTED

    done = post_form(f"/applications/{submitted.id}/withdraw", {"reason": "other_job"})
    assert done.status_code == 302
    db.session.refresh(submitted)
    assert submitted.status is Status.WITHDRAWN
    assert submitted.withdrawal_reason == "other_job"
    assert db.session.scalars(
        select(Email.recipient).where(Email.template == "application_withdrawn")
    ).all() == [signed_in.email]
    dashboard = client.get("/applications").get_data(as_text=True)
    assert "Withdrawn" in dashboard
    # Withdrawing again is not offered and not possible.
    assert client.get(f"/applications/{submitted.id}/withdraw").status_code == 302


def test_a_draft_cannot_be_withdrawn(client, signed_in, role, post_form):
    draft = ApplicationFactory(applicant=signed_in, role=role)
    response = post_form(f"/applications/{draft.id}/withdraw", {"reason": "personal"})
    assert response.status_code == 302
    db.session.refresh(draft)
    assert draft.status is Status.DRAFT


APPLICANT_PAGES = [
    "/applications/{id}",
    "/applications/{id}/personal-details",
    "/applications/{id}/eligibility",
    "/applications/{id}/qualifications",
    "/applications/{id}/questions",
    "/applications/{id}/questions/1",
    "/applications/{id}/cv",
    "/applications/{id}/cv/file",
    "/applications/{id}/adjustments",
    "/applications/{id}/disability-confident",
    "/applications/{id}/equality",
    "/applications/{id}/check",
    "/applications/{id}/submitted",
    "/applications/{id}/view",
    "/applications/{id}/withdraw",
    "/applications/{id}/delete",
    "/applications/{id}/offer",
    "/applications/{id}/offer/decline",
]


@pytest.mark.parametrize("path", APPLICANT_PAGES)
def test_another_applicants_application_is_not_found(client, signed_in, role, path):
    theirs = ApplicationFactory(applicant=ApplicantFactory(), role=role, complete=True)
    assert client.get(path.format(id=theirs.id)).status_code == 404


@pytest.mark.parametrize("path", APPLICANT_PAGES)
def test_anonymous_people_are_sent_to_sign_in(client, role, path):
    theirs = ApplicationFactory(role=role, complete=True)
    response = client.get(path.format(id=theirs.id))
    assert response.status_code in (302, 404)
    if response.status_code == 302:
        assert "/applicant/sign-in" in response.location


def test_every_applicant_page_is_in_the_list(app):
    rules = {
        # A question's page stands for them all.
        rule.rule.replace("<int:application_id>", "{id}").replace("<int:number>", "1")
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("applications.") and "application_id" in rule.arguments
    }
    assert rules - {"/applications/{id}/move/<direction>"} == set(APPLICANT_PAGES)


def test_applicant_pages_are_not_cached(client, signed_in, role):
    mine = ApplicationFactory(applicant=signed_in, role=role)
    assert client.get(f"/applications/{mine.id}").headers["Cache-Control"] == "no-store"


def test_signed_in_applicant_sees_their_own_pages(client, role):
    applicant = ApplicantFactory()
    sign_in_applicant(client, applicant)
    mine = ApplicationFactory(applicant=applicant, role=role)
    assert client.get(f"/applications/{mine.id}").status_code == 200

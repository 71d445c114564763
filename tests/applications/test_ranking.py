"""Given an applicant who ranked three roles, when one leaves the running (withdrawn, made
unsuccessful, one by one or in bulk) or a draft is deleted, then the ranks close up: staff read
"Choice 1" for the first live choice, and the applicant's dashboard numbers only live ones."""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import select

from tests.applications.conftest import sign_in_applicant
from tests.factories import ApplicantFactory, ApplicationFactory, RoleFactory, UserFactory
from tests.helpers import csrf_token
from tracker import clock
from tracker.accounts.models import StaffRole
from tracker.applications import drafts, submission
from tracker.applications.models import Application
from tracker.applications.states import Event, Status
from tracker.extensions import db
from tracker.screening.services import move_candidate, move_candidates


@pytest.fixture
def ranked():
    """An applicant's three submitted applications, ranked first, second and third."""
    applicant = ApplicantFactory()
    first = RoleFactory(title="Data analyst apprentice")
    roles = [
        first,
        RoleFactory(campaign=first.campaign, title="Network engineer apprentice"),
        RoleFactory(campaign=first.campaign, title="Cyber security apprentice"),
    ]
    return [
        ApplicationFactory(applicant=applicant, role=role, submitted=True, preference=number)
        for number, role in enumerate(roles, start=1)
    ]


@pytest.fixture
def manager(ranked):
    return UserFactory(
        roles=[StaffRole.HIRING_MANAGER], tracks=[a.role.track for a in ranked], name="Mo"
    )


def _preferences(applications) -> list[int]:
    for application in applications:
        db.session.refresh(application)
    return [a.preference for a in applications]


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def test_withdrawing_the_first_choice_makes_the_second_choice_one(client, sign_in, ranked, manager):
    first, second = ranked[:2]
    sign_in_applicant(client, first.applicant)
    path = f"/applications/{first.id}/withdraw"

    client.post(path, data={"csrf_token": csrf_token(client, path), "reason": "other_job"})

    assert _preferences(ranked) == [3, 1, 2]
    dashboard = _text(client.get("/applications").get_data(as_text=True))
    assert "1. Network engineer apprentice" in dashboard
    assert "2. Cyber security apprentice" in dashboard
    assert "3. Data analyst apprentice" not in dashboard
    assert "Data analyst apprentice" in dashboard  # still listed, last, with no number
    assert dashboard.rindex("Data analyst apprentice") > dashboard.index("2. Cyber security")
    assert "Move up Data analyst" not in dashboard and "Move down Data analyst" not in dashboard

    client.get("/applicant/sign-out")
    sign_in(manager)
    live = _text(client.get(f"/staff/applications/{second.id}").get_data(as_text=True))
    gone = _text(client.get(f"/staff/applications/{first.id}").get_data(as_text=True))
    assert "Applicant's preference Choice 1" in live
    assert "Applicant's preference Not ranked: withdrawn" in gone


def test_an_unsuccessful_application_sinks_below_the_live_ones(ranked, manager):
    second = ranked[1]

    move_candidate(
        actor=manager,
        application=second,
        event=Event.REJECT,
        expected_version=second.version,
        reasons=["stronger_candidates"],
    )

    assert _preferences(ranked) == [1, 3, 2]


def test_a_bulk_rejection_closes_up_each_applicants_ranking(ranked, manager):
    first, second = ranked[:2]

    result = move_candidates(
        actor=manager,
        applications=[first, second],
        event=Event.REJECT,
        reasons=["other"],
        feedback="We had many strong applications.",
    )

    assert len(result.moved) == 2
    preferences = _preferences(ranked)
    assert preferences[2] == 1  # the one left in the running is the first choice
    assert sorted(preferences[:2]) == [2, 3]


def test_a_new_application_ranks_above_those_out_of_the_running(client, ranked):
    first = ranked[0]
    submission.withdraw_application(
        applicant=first.applicant, application=first, reason="other_job", details=None
    )
    fourth_role = RoleFactory(campaign=first.role.campaign, title="Digital content apprentice")

    draft = drafts.start_application(
        applicant=first.applicant, role=fourth_role, today=clock.today()
    )

    assert _preferences([*ranked, draft]) == [4, 1, 2, 3]


def test_deleting_a_draft_leaves_no_gap(client, ranked):
    first = ranked[0]
    submission.withdraw_application(
        applicant=first.applicant, application=first, reason="other_job", details=None
    )
    draft = drafts.start_application(
        applicant=first.applicant,
        role=RoleFactory(campaign=first.role.campaign),
        today=clock.today(),
    )
    sign_in_applicant(client, first.applicant)
    path = f"/applications/{draft.id}/delete"

    client.post(path, data={"csrf_token": csrf_token(client, path)})

    assert db.session.get(Application, draft.id) is None
    assert _preferences(ranked) == [3, 1, 2]


def test_an_application_out_of_the_running_cannot_be_moved_up(client, ranked):
    first = ranked[0]
    submission.withdraw_application(
        applicant=first.applicant, application=first, reason="other_job", details=None
    )
    sign_in_applicant(client, first.applicant)
    path = f"/applications/{first.id}/move/up"

    response = client.post(
        path, data={"csrf_token": csrf_token(client, "/applications")}, follow_redirects=True
    )

    assert "This application is no longer being considered" in response.get_data(as_text=True)
    assert _preferences(ranked) == [3, 1, 2]
    statuses = db.session.scalars(select(Application.status).order_by(Application.id)).all()
    assert statuses == [Status.WITHDRAWN, Status.SUBMITTED, Status.SUBMITTED]

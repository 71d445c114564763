"""Reviewers score a candidate against each criterion; nobody sees another's scores before
submitting their own; the averages suggest an outcome and decide the Disability Confident
guarantee."""

from __future__ import annotations

import re

import pytest

from tests.factories import UserFactory
from tests.helpers import csrf_token, sign_in_as
from tracker.accounts.models import StaffRole
from tracker.applications.states import Status
from tracker.screening import scorecards, services


def _scores(application, value: int, evidence: str = "") -> dict:
    return {c.id: (value, evidence) for _, c in scorecards.criteria_for(application)}


def _form(application, value: int) -> dict:
    data = {}
    for _, criterion in scorecards.criteria_for(application):
        data[f"score_{criterion.id}"] = str(value)
        data[f"evidence_{criterion.id}"] = "Answer 1 gave a clear example."
    return data


def test_others_scores_stay_hidden_until_you_submit_yours(app, client, manager, candidate):
    application = candidate(Status.SIFT)
    colleague = UserFactory(roles=[StaffRole.HIRING_MANAGER], tracks=[application.role.track])
    scorecards.submit_scorecard(
        actor=colleague, application=application, scores=_scores(application, 4, "Excellent")
    )
    sign_in_as(client, manager)
    page = f"/staff/applications/{application.id}"

    before = client.get(page).get_data(as_text=True)
    assert "Excellent" not in before and "Submit your scores" in before

    response = client.post(
        f"{page}/scorecard",
        data={"csrf_token": csrf_token(client, page), **_form(application, 2)},
        follow_redirects=True,
    )
    after = response.get_data(as_text=True)
    assert "Your scores are submitted" in after
    assert "2 reviewers, average 3.0 out of 4" in after
    # Side by side: the colleague's column (submitted first), then yours, then the average.
    assert f"{colleague.name}</th>" in after and f"{manager.name} (you)</th>" in after
    assert re.search(r">4</td>\s*<td[^>]*>2</td>\s*<td[^>]*><strong>3\.0</strong>", after)


def test_a_missing_or_impossible_score_is_refused(client, manager, candidate):
    application = candidate(Status.SIFT)
    sign_in_as(client, manager)
    page = f"/staff/applications/{application.id}"
    data = _form(application, 3)
    first = next(iter(data))
    data[first] = "5"
    refused = client.post(
        f"{page}/scorecard",
        data={"csrf_token": csrf_token(client, page), **data},
        follow_redirects=True,
    )
    assert "Select one of the options" in refused.get_data(
        as_text=True
    ) or "Not a valid choice" in refused.get_data(as_text=True)
    assert scorecards.own_scorecard(application, manager) is None


@pytest.mark.parametrize(
    ("scores", "meets"), [((3, 4), True), ((2, 2), False), ((4, 2), True), ((2, 3), False)]
)
def test_the_average_decides_whether_the_essentials_are_met(manager, candidate, scores, meets):
    application = candidate(Status.SIFT)
    for value in scores:
        reviewer = UserFactory(roles=[StaffRole.HIRING_MANAGER], tracks=[application.role.track])
        scorecards.submit_scorecard(
            actor=reviewer, application=application, scores=_scores(application, value)
        )
    assert scorecards.summarise(application).meets_essentials is meets


def test_the_guarantee_follows_the_scores(manager, candidate):
    application = candidate(Status.SIFT, disability_confident=True)
    assert services.is_guaranteed(application)  # no scores yet: protected
    scorecards.submit_scorecard(
        actor=manager, application=application, scores=_scores(application, 1)
    )
    assert not services.is_guaranteed(application)  # does not meet the essentials
    services.move_candidate(
        actor=manager,
        application=application,
        event=services.Event.REJECT,
        expected_version=application.version,
        reasons=["essential_criteria"],
    )
    assert application.status is Status.UNSUCCESSFUL


def test_a_second_submit_replaces_the_reviewers_scores(manager, candidate):
    application = candidate(Status.SIFT)
    scorecards.submit_scorecard(
        actor=manager, application=application, scores=_scores(application, 2, "First look")
    )
    card = scorecards.submit_scorecard(
        actor=manager, application=application, scores=_scores(application, 4, "Second look")
    )

    assert {(s.score, s.evidence) for s in card.scores} == {(4, "Second look")}
    assert (application.score_average, application.score_count) == (4, 1)

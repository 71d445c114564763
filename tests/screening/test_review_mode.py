"""Review mode: "Review next" walks a reviewer through the candidates waiting for their score
in one role and stage, in the list's order, with "Candidate n of N", a skip and a way back.

Given three candidates in the sift, when a manager opens review mode and submits a scorecard
for each, then they see each in turn, oldest first, and finish on the "all scored" page,
never seeing a candidate's name.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.factories import ApplicationFactory, RoleFactory, UserFactory
from tests.helpers import csrf_token, sign_in_as
from tracker import clock
from tracker.accounts.models import StaffRole
from tracker.screening import scorecards

NAMES = ("Peregrine Oakenshaw", "Wilhelmina Thistlewood", "Barnaby Quenby")
DONE = "You have scored every candidate waiting in this stage"


@pytest.fixture
def three(role):
    """Three candidates in the sift, submitted a day apart (the first is the oldest), and one
    in assessment who is not part of the sift's walk."""
    start = clock.utcnow() - timedelta(days=10)
    made = [
        ApplicationFactory(
            role=role,
            sift=True,
            full_name=name,
            submitted_at=start + timedelta(days=n),
        )
        for n, name in enumerate(NAMES)
    ]
    ApplicationFactory(role=role, assessment=True, full_name=NAMES[0])
    return made


def _review(role, **args) -> str:
    query = "&".join(f"{key}={value}" for key, value in {"status": "sift", **args}.items())
    return f"/staff/roles/{role.id}/review?{query}"


def _form(application) -> dict:
    return {f"score_{c.id}": "3" for _, c in scorecards.criteria_for(application)}


def _follow(client, url: str):
    """One redirect: the candidate page review mode sends the reviewer to."""
    response = client.get(url)
    assert response.status_code == 302, response.status_code
    return response.headers["Location"]


def test_a_manager_scores_three_candidates_in_order_without_the_list(client, manager, role, three):
    sign_in_as(client, manager)
    url = _review(role)
    for n, application in enumerate(three, start=1):
        page = _follow(client, url)
        assert urlsplit(page).path == f"/staff/applications/{application.id}"
        assert parse_qs(urlsplit(page).query)["review"] == ["sift"]
        html = client.get(page).get_data(as_text=True)
        assert f"Candidate {n} of 3" in html
        assert application.reference in html
        assert "Back to the list" in html and "Skip this candidate" in html
        assert f"/staff/roles/{role.id}/candidates?status=sift&amp;unscored=1" in html
        assert not any(name in html for name in NAMES)
        # The scorecard's form carries the walk, so a submit leads on.
        action = f"/staff/applications/{application.id}/scorecard?review=sift&amp;sort=oldest"
        assert action in html
        response = client.post(
            f"{urlsplit(page).path}/scorecard?{urlsplit(page).query}",
            data={"csrf_token": csrf_token(client, page), **_form(application)},
        )
        assert response.status_code == 302
        url = response.headers["Location"]
        assert f"done={n}" in url
        assert scorecards.own_scorecard(application, manager).submitted_at is not None

    done = client.get(url)
    html = done.get_data(as_text=True)
    assert done.status_code == 200 and DONE in html
    assert "You scored 3 candidates in this review." in html
    assert not any(name in html for name in NAMES)


def test_newest_first_walks_the_other_way(client, manager, role, three):
    sign_in_as(client, manager)
    page = _follow(client, _review(role, sort="newest"))
    assert urlsplit(page).path == f"/staff/applications/{three[-1].id}"


def test_a_refused_scorecard_stays_in_review_mode_with_what_was_typed(client, manager, role, three):
    sign_in_as(client, manager)
    page = _follow(client, _review(role))
    first = three[0]
    data = {f"evidence_{c.id}": "Kept in review" for _, c in scorecards.criteria_for(first)}
    html = client.post(
        f"/staff/applications/{first.id}/scorecard?review=sift&sort=oldest&done=0",
        data={"csrf_token": csrf_token(client, page), **data},
    ).get_data(as_text=True)
    assert "govuk-error-summary" in html and "Kept in review" in html
    assert "Candidate 1 of 3" in html and "Skip this candidate" in html
    assert scorecards.own_scorecard(first, manager) is None


def test_skip_moves_on_and_the_skipped_stay_waiting(client, manager, role, three):
    sign_in_as(client, manager)
    page = _follow(client, _review(role))
    html = client.get(page).get_data(as_text=True)
    skip = (
        f"/staff/roles/{role.id}/review?status=sift&amp;sort=oldest&amp;done=0"
        f"&amp;skip={three[0].id}"
    )
    assert skip in html

    second = _follow(client, skip.replace("&amp;", "&"))
    assert urlsplit(second).path == f"/staff/applications/{three[1].id}"
    assert parse_qs(urlsplit(second).query)["skip"] == [str(three[0].id)]

    skipped_all = ",".join(str(a.id) for a in three)
    html = client.get(_review(role, skip=skipped_all)).get_data(as_text=True)
    assert DONE in html and "You skipped 3 candidates" in html
    assert "Review the skipped candidates" in html


def test_a_long_skip_list_is_capped(client, manager, role, three):
    sign_in_as(client, manager)
    many = ",".join(str(n) for n in range(10_000, 10_200)) + f",{three[0].id},junk,-1"
    page = _follow(client, _review(role, skip=many))
    assert urlsplit(page).path == f"/staff/applications/{three[1].id}"
    assert len(parse_qs(urlsplit(page).query)["skip"][0].split(",")) == 50


def test_candidates_already_scored_by_someone_else_still_wait_for_you(client, manager, role, three):
    colleague = UserFactory(roles=[StaffRole.HIRING_MANAGER], tracks=[role.track])
    scorecards.submit_scorecard(
        actor=colleague,
        application=three[0],
        scores={c.id: (2, "") for _, c in scorecards.criteria_for(three[0])},
    )
    scorecards.submit_scorecard(
        actor=manager,
        application=three[1],
        scores={c.id: (2, "") for _, c in scorecards.criteria_for(three[1])},
    )
    sign_in_as(client, manager)
    page = _follow(client, _review(role))
    assert urlsplit(page).path == f"/staff/applications/{three[0].id}"
    assert "Candidate 1 of 2" in client.get(page).get_data(as_text=True)


def test_a_role_out_of_scope_is_not_found(client, manager):
    other = RoleFactory()
    ApplicationFactory(role=other, sift=True)
    sign_in_as(client, manager)
    assert client.get(_review(other)).status_code == 404


@pytest.mark.parametrize("status", ["", "submitted", "offer", "hired", "nonsense"])
def test_a_stage_nobody_scores_in_is_a_clear_error(client, manager, role, three, status):
    sign_in_as(client, manager)
    response = client.get(f"/staff/roles/{role.id}/review?status={status}")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Choose a stage to review" in html
    assert f"/staff/roles/{role.id}/review?status=sift" in html


def test_hr_walks_name_blind_too(client, role, three):
    hr = UserFactory(roles=[StaffRole.ADMIN])
    sign_in_as(client, hr)
    page = _follow(client, _review(role))
    html = client.get(page).get_data(as_text=True)
    assert "Candidate 1 of 3" in html
    assert not any(name in html for name in NAMES)


@pytest.mark.parametrize(("sort", "first"), [("preference", 2), ("waiting", 1), ("bogus", 0)])
def test_review_follows_the_lists_sorts(client, manager, role, three, sort, first):
    """Preference: the applicant's first choices first; waiting: longest in the stage first
    (status_changed_at, else submitted); an unknown sort falls back to oldest first."""
    for application, preference in zip(three, (3, 2, 1), strict=True):
        application.preference = preference
    three[1].status_changed_at = three[0].submitted_at - timedelta(days=1)
    sign_in_as(client, manager)
    page = _follow(client, _review(role, sort=sort))
    assert urlsplit(page).path == f"/staff/applications/{three[first].id}"


@pytest.mark.parametrize("query", ["done=\u00b2", "skip=\u00b2,\u00b3", "done=\u0663&skip=\u0661"])
def test_digits_that_are_not_ascii_give_a_normal_page(client, manager, role, three, query):
    """str.isdigit() accepts "²" and "٣", which int() refuses (or reads): not a 500."""
    sign_in_as(client, manager)
    page = _follow(client, f"{_review(role)}&{query}")
    assert urlsplit(page).path == f"/staff/applications/{three[0].id}"
    html = client.get(page.replace("review=sift", "review=sift&" + query)).get_data(as_text=True)
    assert "Candidate 1 of 3" in html


def test_n_of_n_counts_the_skipped_so_the_last_is_n_of_n(client, manager, role, three):
    sign_in_as(client, manager)
    first = _follow(client, _review(role))
    skip = _follow(client, _review(role, done=0, skip=three[0].id))
    assert urlsplit(skip).path == f"/staff/applications/{three[1].id}"
    assert "Candidate 2 of 3" in client.get(skip).get_data(as_text=True)

    response = client.post(
        f"{urlsplit(skip).path}/scorecard?{urlsplit(skip).query}",
        data={"csrf_token": csrf_token(client, first), **_form(three[1])},
    )
    last = _follow(client, response.headers["Location"])

    assert urlsplit(last).path == f"/staff/applications/{three[2].id}"
    assert "Candidate 3 of 3" in client.get(last).get_data(as_text=True)


def test_a_reviewer_s_review_by_score_walks_in_the_default_order(client, manager, role, three):
    """Everyone waiting is unscored by this reviewer, whose colleagues' averages they may not
    know yet: by score would tell them which one colleagues rated highest."""
    colleague = UserFactory(roles=[StaffRole.HIRING_MANAGER], tracks=[role.track])
    for application, value in zip(three, (1, 2, 4), strict=True):
        scorecards.submit_scorecard(
            actor=colleague,
            application=application,
            scores={c.id: (value, "") for _, c in scorecards.criteria_for(application)},
        )
    sign_in_as(client, manager)
    assert urlsplit(_follow(client, _review(role, sort="score"))).path == (
        f"/staff/applications/{three[0].id}"
    )

    hr = UserFactory(roles=[StaffRole.ADMIN])
    with client.session_transaction() as session:  # signed out
        session.clear()
    sign_in_as(client, hr)
    assert urlsplit(_follow(client, _review(role, sort="score"))).path == (
        f"/staff/applications/{three[2].id}"
    )

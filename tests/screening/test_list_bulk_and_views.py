"""Given a role's candidates in the list, when staff select all on the page or all that match
and move them, then exactly those move, each with one email; and each member of staff keeps
saved views of the list, with counts on their home page."""

from __future__ import annotations

import re
from html import unescape

import pytest
from flask import render_template
from sqlalchemy import func, select

from tests.factories import ApplicationFactory, RoleFactory, UserFactory
from tests.helpers import csrf_token
from tests.screening.list_helpers import post_confirmed, references, score
from tracker import clock
from tracker.accounts.models import StaffRole
from tracker.applications.models import Application
from tracker.applications.states import Status
from tracker.extensions import db
from tracker.notifications.models import Email
from tracker.screening import queries, saved_filters
from tracker.screening.filters import parse
from tracker.screening.models import SavedView


def _scored(candidate, average: str | None, status: Status = Status.SIFT):
    """A candidate with the score columns submit_scorecard keeps (tested on their own)."""
    application = candidate(status)
    if average is not None:
        application.score_average, application.score_count = average, 2
    db.session.flush()
    return application


def _invitations() -> dict[str, int]:
    rows = db.session.execute(
        select(Email.recipient, func.count())
        .where(Email.template == "invited_to_assessment")
        .group_by(Email.recipient)
    )
    return dict(rows.all())


def _move(client, path: str, **data):
    """Move from the list as a person would: the form, then "Yes" on the confirmation."""
    return post_confirmed(
        client, path, {"csrf_token": csrf_token(client, path), **data}, follow_redirects=True
    )


def _post(client, path: str, **data):
    return client.post(
        path,
        data={"csrf_token": csrf_token(client, path), **data},
        follow_redirects=True,
    )


# Select all


def test_select_all_that_match_moves_every_match_and_sends_each_one_email(
    client, sign_in, manager, role, candidate
):
    matching = [_scored(candidate, "3.50" if n % 2 else "3.00") for n in range(53)]
    too_low = [_scored(candidate, "2.50") for _ in range(3)]
    unscored = _scored(candidate, None)
    not_in_sift = _scored(candidate, "4.00", Status.SUBMITTED)
    elsewhere = ApplicationFactory(role=RoleFactory(), sift=True)
    elsewhere.score_average, elsewhere.score_count = "4.00", 1
    sign_in(UserFactory(roles=[StaffRole.ADMIN]))  # HR, who see averages without scoring
    path = f"/staff/roles/{role.id}/candidates?status=sift&score_min=3&sort=score"
    listing = client.get(path).get_data(as_text=True)
    assert "Select all 53 that match" in listing and "Page 1 of 2" in listing

    page = _move(client, path, scope="matching", event="invite_to_assessment").get_data(
        as_text=True
    )

    assert "Moved 53 candidates" in page
    for application in matching:
        db.session.refresh(application)
        assert application.status is Status.ASSESSMENT
    for application in [*too_low, unscored, not_in_sift, elsewhere]:
        db.session.refresh(application)
        assert application.status is not Status.ASSESSMENT
    assert _invitations() == {a.applicant.email: 1 for a in matching}


def test_select_all_on_the_page_without_javascript_moves_that_page(
    client, sign_in, manager, role, candidate
):
    for _ in range(52):
        _scored(candidate, None)
    sign_in(manager)
    path = f"/staff/roles/{role.id}/candidates?status=sift&page=2"
    listing = client.get(path).get_data(as_text=True)
    shown = references(listing)
    assert len(shown) == 2
    ids = re.findall(r'name="shown_ids" value="(\d+)"', listing)

    page = _move(client, path, scope="page", event="invite_to_assessment", shown_ids=ids).get_data(
        as_text=True
    )

    assert "Moved 2 candidates" in page
    moved = set(
        db.session.scalars(
            select(Application.reference).where(Application.status == Status.ASSESSMENT)
        )
    )
    assert moved == set(shown)
    assert sum(_invitations().values()) == 2


def test_select_all_that_match_is_capped(client, sign_in, manager, role, candidate, monkeypatch):
    monkeypatch.setattr(queries, "MATCH_LIMIT", 3)
    for _ in range(4):
        _scored(candidate, None)
    sign_in(manager)
    path = f"/staff/roles/{role.id}/candidates?status=sift"

    page = _post(client, path, scope="matching", event="invite_to_assessment").get_data(
        as_text=True
    )

    assert "4 candidates match: you can move up to 3 at once" in page
    assert _invitations() == {}
    assert db.session.scalar(select(func.count()).where(Application.status == Status.SIFT)) == 4


def test_select_all_that_match_refuses_filters_with_errors(
    client, sign_in, manager, role, candidate
):
    _scored(candidate, "2.00")
    sign_in(manager)
    path = f"/staff/roles/{role.id}/candidates?status=sift&score_min=9"

    page = _post(client, path, scope="matching", event="invite_to_assessment").get_data(
        as_text=True
    )

    assert "Correct the filters before moving every candidate they match" in page
    assert _invitations() == {}


# Saved views


def test_staff_save_name_and_delete_views_of_the_list(client, sign_in, manager, role, candidate):
    flagged = candidate(Status.SIFT, needs_hr_check=True)
    candidate(Status.SIFT)
    sign_in(manager)
    listing = f"/staff/roles/{role.id}/candidates?status=sift&flag=hr_check&sort=score&page=2"
    save = f"/staff/roles/{role.id}/saved-views?status=sift&flag=hr_check&sort=score&page=2"

    saved = _post(client, save, name="  In sift,   flagged ")

    page = saved.get_data(as_text=True)
    assert 'Saved the view "In sift, flagged".' in unescape(page)
    [view] = db.session.scalars(select(SavedView)).all()
    assert (view.user_id, view.role_id, view.name) == (manager.id, role.id, "In sift, flagged")
    assert view.query == "status=sift&flag=hr_check&sort=score"  # normalised, without the page
    assert references(page) == [flagged.reference]  # the view itself, from page 1
    assert f'href="/staff/roles/{role.id}/candidates?{view.query.replace("&", "&amp;")}"' in page

    for name, error in [
        ("", "Enter a name for this view"),
        ("x" * 81, "The name must be 80 characters or fewer"),
        ("In sift, flagged", 'You already have a view called "In sift, flagged"'),
    ]:
        refused = _post(client, save, name=name).get_data(as_text=True)
        assert "<title>Error: " in refused and error in unescape(refused), name
    assert db.session.scalar(select(func.count()).select_from(SavedView)) == 1
    # The refused form still shows the list it was about.
    assert references(_post(client, save, name="").get_data(as_text=True)) == [flagged.reference]

    response = client.post(
        f"/staff/saved-views/{view.id}/delete",
        data={"csrf_token": csrf_token(client, listing)},
        follow_redirects=True,
    )
    assert 'Deleted the view "In sift, flagged".' in unescape(response.get_data(as_text=True))
    assert db.session.scalar(select(func.count()).select_from(SavedView)) == 0


def test_a_saved_view_is_its_owners_alone(client, sign_in, manager, role):
    other = UserFactory(roles=[StaffRole.HIRING_MANAGER], tracks=[role.track])
    view = saved_filters.save_view(
        actor=other,
        role=role,
        name="Theirs",
        filters=parse({}, may_search=False, may_see_scores=False)[0],
    )
    sign_in(manager)
    path = f"/staff/roles/{role.id}/candidates"

    assert "Theirs" not in client.get(path).get_data(as_text=True)
    response = client.post(
        f"/staff/saved-views/{view.id}/delete", data={"csrf_token": csrf_token(client, path)}
    )
    assert response.status_code == 404
    assert db.session.get(SavedView, view.id) is not None
    # Without the form's token nothing is deleted either.
    mine = saved_filters.save_view(
        actor=manager,
        role=role,
        name="Mine",
        filters=parse({}, may_search=False, may_see_scores=False)[0],
    )
    assert client.post(f"/staff/saved-views/{mine.id}/delete").status_code == 400


def test_a_search_is_not_saved(client, sign_in, role):
    hr = UserFactory(roles=[StaffRole.ADMIN])
    sign_in(hr)

    _post(client, f"/staff/roles/{role.id}/saved-views?q=Priya&status=sift", name="Sift")

    assert db.session.scalars(select(SavedView.query)).one() == "status=sift"


def test_saved_views_on_the_home_page_count_through_the_list_query(
    app, manager, colleague_role, role, candidate, monkeypatch
):
    for _ in range(3):
        candidate(Status.SIFT, needs_hr_check=True)
    candidate(Status.SIFT)
    candidate(Status.SUBMITTED, needs_hr_check=True)
    unseen = RoleFactory()
    ApplicationFactory(role=unseen, sift=True)

    def save(name: str, query: str, on=role) -> None:
        filters, errors = parse(
            {k: [v] for k, v in _pairs(query)}, may_search=False, may_see_scores=False
        )
        assert not errors
        db.session.add(
            SavedView(
                user_id=manager.id,
                role_id=on.id,
                name=name,
                query=filters.saved_query,
                created_at=clock.utcnow(),
            )
        )

    save("Data analysis, in sift, flagged", "status=sift&flag=hr_check")
    save("All flagged", "flag=hr_check&sort=score")
    save("Another role", "status=sift", on=colleague_role)
    save("Not mine to see", "status=sift", on=unseen)
    db.session.flush()

    with app.test_request_context():
        views = saved_filters.for_home(manager)
        html = render_template("screening/_saved_views.html", saved_views=views)

    assert [(v.name, v.count) for v in views] == [
        ("All flagged", 4),
        ("Another role", 0),
        ("Data analysis, in sift, flagged", 3),
    ]
    assert views[2].url == f"/staff/roles/{role.id}/candidates?status=sift&flag=hr_check"
    assert "Your saved views" in html
    assert "Data analysis, in sift, flagged \u2013 " in html and ">3</span> candidates" in html
    assert "Not mine to see" not in html


def _pairs(query: str):
    return [tuple(pair.split("=", 1)) for pair in query.split("&")]


@pytest.fixture
def colleague_role(role, manager):
    """A second role in the manager's track."""
    return RoleFactory(track=role.track)


def test_a_reviewer_s_saved_view_counts_by_score_only_what_they_have_scored(
    app, manager, role, candidate
):
    """The home page's count of a score-range view must not tell a reviewer how many of the
    candidates they have not scored colleagues rated in that range."""
    colleague = UserFactory(roles=[StaffRole.HIRING_MANAGER], tracks=[role.track])
    hr = UserFactory(roles=[StaffRole.ADMIN])
    theirs, mine = candidate(Status.SIFT), candidate(Status.SIFT)
    score(theirs, colleague, 4, 4)
    score(mine, manager, 3, 4)
    for user in (manager, hr):
        db.session.add(
            SavedView(
                user_id=user.id,
                role_id=role.id,
                name="Strong",
                query="score_min=3&sort=score",
                created_at=clock.utcnow(),
            )
        )
    db.session.flush()

    with app.test_request_context():
        assert [v.count for v in saved_filters.for_home(manager)] == [1]
        assert [v.count for v in saved_filters.for_home(hr)] == [2]


def test_select_all_on_the_page_moves_only_the_candidates_that_page_showed(
    client, sign_in, manager, role, candidate
):
    """A stale tab: a candidate who arrived between showing the page and posting it (and
    would be on the page now) is not moved; one the page showed that no longer matches is
    not either."""
    shown = [_scored(candidate, None) for _ in range(3)]
    sign_in(manager)
    path = f"/staff/roles/{role.id}/candidates?status=sift"
    listing = client.get(path).get_data(as_text=True)
    assert sorted(references(listing)) == sorted(a.reference for a in shown)
    ids = [str(a.id) for a in shown]
    for value in ids:
        assert f'name="shown_ids" value="{value}"' in listing
    arrived = _scored(candidate, None)
    shown[2].status = Status.ASSESSMENT  # moved on in another tab: no longer in the sift
    db.session.flush()

    page = _move(client, path, scope="page", event="invite_to_assessment", shown_ids=ids).get_data(
        as_text=True
    )

    assert "Moved 2 candidates" in page
    for application in shown[:2]:
        db.session.refresh(application)
        assert application.status is Status.ASSESSMENT
    db.session.refresh(arrived)
    assert arrived.status is Status.SIFT
    assert _invitations() == {a.applicant.email: 1 for a in shown[:2]}

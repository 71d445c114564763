"""Given a role's candidates, some scored, when staff open the candidate list, then each
column, sort and filter shows what HR and hiring managers triage by, in a bounded number of
queries, and nobody's name during the sift."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event, select

from tests.factories import UserFactory
from tests.screening.list_helpers import references, row, score
from tracker import clock
from tracker.accounts.models import StaffRole
from tracker.applications.states import Status
from tracker.audit.models import AuditEvent
from tracker.extensions import db
from tracker.screening.identity import SEARCH_ACTION as SEARCHED


@pytest.fixture
def colleague(role):
    return UserFactory(roles=[StaffRole.HIRING_MANAGER], tracks=[role.track])


@pytest.fixture
def hr():
    return UserFactory(roles=[StaffRole.ADMIN])


def _list(client, role, query: str = "") -> str:
    response = client.get(f"/staff/roles/{role.id}/candidates{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


# Columns


def test_each_column_says_what_a_reviewer_triages_by(
    client, sign_in, manager, colleague, role, candidate
):
    now = clock.utcnow()
    scored = candidate(
        Status.SIFT,
        status_changed_at=now - timedelta(days=9, hours=1),
        preference=2,
        needs_hr_check=True,
        disability_confident=True,
        needs_adjustments=True,
    )
    score(scored, manager, 4, 3)
    score(scored, colleague, 3, 3)
    by_colleague = candidate(Status.SIFT, status_changed_at=now - timedelta(days=1))
    score(by_colleague, colleague, 2, 2)
    out = candidate(Status.UNSUCCESSFUL, status_changed_at=now, preference=3)
    sign_in(manager)

    page = _list(client, role)

    assert "<th" in page and "Days in stage" in page and "Your score" in page
    cells = row(page, scored.reference)
    assert cells[2:] == [
        "In sift",
        "9 : waiting more than 7 days",  # more than WAITING_DAYS: highlighted
        "Choice 2",
        "3.25 2 reviewers",
        "3.50",
        "Eligibility Disability Confident Adjustments",
    ]
    assert row(page, by_colleague.reference)[3:7] == [
        "1",
        "Choice 1",
        # A reviewer does not see colleagues' marks before giving their own (no anchoring).
        "Hidden until you score",
        "Not scored by you",
    ]
    assert row(page, out.reference)[2:7] == [
        "Unsuccessful",
        "0",
        "Not ranked: unsuccessful",
        "Not scored",
        "Not scored by you",
    ]


def test_a_scorecard_keeps_the_average_and_the_count_on_the_application(
    manager, colleague, candidate
):
    application = candidate(Status.SIFT)
    assert (application.score_average, application.score_count) == (None, 0)
    score(application, manager, 1, 2)
    assert (float(application.score_average), application.score_count) == (1.5, 1)
    score(application, colleague, 4, 4)
    assert (float(application.score_average), application.score_count) == (2.75, 2)


# Sorts


@pytest.fixture
def spread(manager, colleague, candidate):
    """Four candidates that each sort differently: (name, application)."""
    now = clock.utcnow()
    made = {
        "a": candidate(
            Status.SIFT,
            submitted_at=now - timedelta(days=4),
            status_changed_at=now - timedelta(days=1),
            preference=3,
        ),
        "b": candidate(
            Status.SIFT,
            submitted_at=now - timedelta(days=3),
            status_changed_at=now - timedelta(days=3),
            preference=1,
        ),
        "c": candidate(
            Status.ASSESSMENT,
            submitted_at=now - timedelta(days=2),
            status_changed_at=now - timedelta(days=2),
            preference=2,
        ),
        "d": candidate(
            Status.UNSUCCESSFUL,
            submitted_at=now - timedelta(days=1),
            status_changed_at=now - timedelta(days=4),
            preference=1,
        ),
    }
    score(made["a"], colleague, 2, 2)
    score(made["b"], colleague, 4, 3)
    score(made["d"], colleague, 3, 3)
    return made


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("", "abcd"),
        ("oldest", "abcd"),
        ("newest", "dcba"),
        ("score", "bdac"),  # highest first, the unscored last
        ("waiting", "dbca"),  # longest in their stage first
        ("preference", "bcad"),  # first choices first; out of the running last
    ],
)
def test_each_sort_orders_the_list(client, sign_in, hr, role, spread, sort, order):
    sign_in(hr)  # HR see every average; a reviewer's score sort is tested below

    page = _list(client, role, f"?sort={sort}")

    assert references(page) == [spread[name].reference for name in order]


def test_a_reviewer_sorts_by_score_only_among_the_candidates_they_have_scored(
    client, sign_in, manager, role, spread
):
    """Colleagues' averages stay unknown to a reviewer until they score: by score, the ones
    they have scored come first and the rest last, oldest submitted first, whatever their
    colleagues gave (b's 3.5 would otherwise put it first)."""
    score(spread["d"], manager, 4, 4)  # d: 3.5 with the colleague's 3s
    sign_in(manager)

    page = _list(client, role, "?sort=score")

    assert references(page) == [spread[name].reference for name in "dabc"]


# Filters


def test_the_stage_and_flag_filters(client, sign_in, manager, role, candidate):
    flagged = candidate(Status.SIFT, needs_hr_check=True, disability_confident=True)
    adjusted = candidate(Status.SIFT, needs_adjustments=True)
    new = candidate(Status.SUBMITTED, needs_hr_check=True)
    sign_in(manager)

    assert set(references(_list(client, role, "?status=sift"))) == {
        flagged.reference,
        adjusted.reference,
    }
    assert set(references(_list(client, role, "?flag=hr_check"))) == {
        flagged.reference,
        new.reference,
    }
    assert references(_list(client, role, "?flag=hr_check&flag=disability_confident")) == [
        flagged.reference
    ]
    assert references(_list(client, role, "?flag=adjustments")) == [adjusted.reference]
    assert references(_list(client, role, "?status=submitted&flag=adjustments")) == []


def test_not_scored_by_me_leaves_out_only_my_submitted_scorecards(
    client, sign_in, manager, colleague, role, candidate
):
    mine, theirs, nobody = candidate(Status.SIFT), candidate(Status.SIFT), candidate(Status.SIFT)
    score(mine, manager, 3, 3)
    score(theirs, colleague, 3, 3)
    sign_in(manager)

    page = _list(client, role, "?unscored=1")

    assert sorted(references(page)) == sorted([theirs.reference, nobody.reference])


def test_the_score_range_filter(client, sign_in, hr, colleague, role, candidate):
    low, middle, high = candidate(Status.SIFT), candidate(Status.SIFT), candidate(Status.SIFT)
    unscored = candidate(Status.SIFT)
    score(low, colleague, 1, 2)
    score(middle, colleague, 3, 3)
    score(high, colleague, 4, 4)
    sign_in(hr)

    at_least_3 = references(_list(client, role, "?score_min=3&sort=score"))
    assert at_least_3 == [high.reference, middle.reference]
    assert references(_list(client, role, "?score_max=3")) == [low.reference, middle.reference]
    assert references(_list(client, role, "?score_min=1.5&score_max=3.5")) == [
        low.reference,
        middle.reference,
    ]
    assert unscored.reference in references(_list(client, role))


def test_a_reviewer_s_score_range_matches_only_the_candidates_they_have_scored(
    client, sign_in, manager, colleague, role, candidate
):
    """A range that brackets one average would otherwise tell a reviewer what colleagues
    gave a candidate whose list cell says "Hidden until you score"."""
    theirs, mine = candidate(Status.SIFT), candidate(Status.SIFT)
    score(theirs, colleague, 3, 4)  # 3.5
    score(mine, colleague, 3, 3)
    score(mine, manager, 4, 4)  # 3.5
    sign_in(manager)

    assert references(_list(client, role, "?score_min=3.5&score_max=3.5")) == [mine.reference]
    assert references(_list(client, role, "?score_min=1")) == [mine.reference]
    page = _list(client, role)
    assert "Only candidates you have scored" in page
    assert "Hidden until you score" in row(page, theirs.reference)[5]


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("score_min=5", "score_min", "Minimum score must be a number from 1 to 4"),
        ("score_min=abc", "score_min", "Minimum score must be a number from 1 to 4"),
        ("score_max=0", "score_max", "Maximum score must be a number from 1 to 4"),
        ("score_max=nan", "score_max", "Maximum score must be a number from 1 to 4"),
        ("score_min=2.555", "score_min", "Minimum score must have no more than 2 decimal places"),
        (
            "score_min=3&score_max=2",
            "score_max",
            "Maximum score must be the same as or more than the minimum",
        ),
    ],
)
def test_a_score_range_that_is_not_valid_is_an_error_and_filters_nothing(
    client, sign_in, manager, colleague, role, candidate, query, field, message
):
    low, high = candidate(Status.SIFT), candidate(Status.SIFT)
    score(low, colleague, 1, 1)
    score(high, colleague, 4, 4)
    sign_in(manager)

    page = _list(client, role, f"?{query}")

    assert "<title>Error: " in page
    assert f'href="#{field}">{message}</a>' in page  # in the error summary, leading to the field
    assert f"</span> {message}</p>" in page  # beside the field
    assert f'class="govuk-input govuk-input--width-3 govuk-input--error" id="{field}"' in page
    assert sorted(references(page)) == sorted([low.reference, high.reference])


# Search


def test_hr_searches_by_name_email_or_reference(client, sign_in, hr, role, candidate):
    priya = candidate(Status.ASSESSMENT, full_name="Priya Sharma")
    other = candidate(Status.ASSESSMENT)
    sign_in(hr)

    assert 'name="q"' in _list(client, role)
    assert references(_list(client, role, "?q=sharma")) == [priya.reference]
    assert references(_list(client, role, "?q=PRIYA+s")) == [priya.reference]
    assert references(_list(client, role, f"?q={priya.applicant.email.upper()}")) == [
        priya.reference
    ]
    assert references(_list(client, role, f"?q={other.reference.lower()}")) == [other.reference]
    # A wildcard is a character to look for, not a pattern.
    assert references(_list(client, role, "?q=%25")) == []
    assert references(_list(client, role, "?q=_")) == []


def test_hiring_managers_cannot_search_by_name(client, sign_in, manager, role, candidate):
    priya = candidate(Status.ASSESSMENT, full_name="Priya Sharma")
    other = candidate(Status.ASSESSMENT)
    sign_in(manager)

    page = _list(client, role, "?q=Sharma")

    assert 'name="q"' not in page and "Sharma" not in page  # no box, and the search not echoed
    assert sorted(references(page)) == sorted([priya.reference, other.reference])
    # References are not identity: anyone may find one.
    assert references(_list(client, role, f"?reference={other.reference}")) == [other.reference]


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.SIFT])
def test_hr_searching_by_name_in_the_sift_sees_only_references(
    client, sign_in, hr, role, candidate, status
):
    priya = candidate(status, full_name="Priya Sharma")
    sign_in(hr)

    page = _list(client, role, "?q=priya&sort=score")

    assert references(page) == [priya.reference]
    assert "Priya Sharma" not in page and priya.applicant.email not in page


def test_hr_s_search_by_name_that_finds_name_blind_candidates_is_audited(
    client, sign_in, hr, role, candidate
):
    """Finding a name-blind reference by a name tells HR who it is, as a reveal does: the
    audit log records that such a search happened and what it found, never the search."""
    sifted = candidate(Status.SIFT, full_name="Priya Sharma")
    candidate(Status.ASSESSMENT, full_name="Priya Patel")
    candidate(Status.ASSESSMENT, full_name="Olu Bello")
    sign_in(hr)

    def searches() -> list[AuditEvent]:
        return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == SEARCHED)))

    _list(client, role, "?q=olu")  # past the sift: names are shown anyway
    _list(client, role, f"?q={sifted.reference.lower()}")  # anyone may look a reference up
    assert searches() == []

    _list(client, role, "?q=priya")

    [event] = searches()
    assert (event.actor_id, event.object_type, event.object_id) == (hr.id, "role", str(role.id))
    assert event.details == {"results": 2, "name_blind": 1}
    assert "priya" not in str(event.details).lower()


@pytest.mark.parametrize("kind", ["manager", "hr"])
def test_no_name_in_the_list_during_the_sift_whatever_the_sort_or_filter(
    client, sign_in, manager, hr, role, candidate, kind
):
    applications = [candidate(Status.SIFT), candidate(Status.SUBMITTED, needs_hr_check=True)]
    score(applications[0], manager, 3, 4)
    sign_in(manager if kind == "manager" else hr)

    for query in ["", "?sort=score", "?sort=preference&unscored=1", "?flag=hr_check"]:
        page = _list(client, role, query)
        assert "Alex Example" not in page, query  # the factories' applicant
        for application in applications:
            assert application.applicant.email not in page, query


# Cost


def test_the_queries_do_not_grow_with_the_rows(
    client, sign_in, manager, colleague, role, candidate
):
    statements: list[str] = []

    def record(*args):
        statements.append(args[2])

    def load(query: str) -> int:
        statements.clear()
        event.listen(db.engine, "before_cursor_execute", record)
        try:
            _list(client, role, query)
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
        return len(statements)

    def add(count: int) -> None:
        for number in range(count):
            application = candidate(Status.SIFT, needs_hr_check=number % 2 == 0)
            score(application, colleague if number % 3 else manager, 3, 2)

    add(3)
    sign_in(manager)
    queries = ["", "?sort=score&unscored=1", "?sort=preference&score_min=2&flag=hr_check"]
    load("")  # the first request after signing in loads what later ones find cached
    few = [load(query) for query in queries]
    add(40)
    many = [load(query) for query in queries]

    assert many == few
    assert max(many) <= 12, statements


def test_hr_who_decide_see_the_average_without_scoring(
    client, sign_in, hr, colleague, role, candidate
):
    scored = candidate(Status.SIFT)
    score(scored, colleague, 2, 3)
    sign_in(hr)

    page = _list(client, role)
    cells = row(page, scored.reference)

    assert cells[5:7] == ["2.50 1 reviewer", "Not scored by you"]
    assert "Only candidates you have scored" not in page
    assert references(_list(client, role, "?score_min=2.5&score_max=2.5")) == [scored.reference]


def test_review_next_counts_only_those_waiting_for_your_score_in_a_scoring_stage(
    client, sign_in, manager, colleague, role, candidate
):
    mine = candidate(Status.SIFT)
    score(mine, manager, 3, 3)
    score(candidate(Status.SIFT), colleague, 3, 3)  # a colleague's score is not yours
    candidate(Status.SIFT)
    candidate(Status.SUBMITTED)  # not yet in a stage reviewers score
    sign_in(manager)

    sift = _list(client, role, "?status=sift")
    new = _list(client, role, "?status=submitted")

    assert "Review next: 2 waiting for your score" in sift
    assert f"/staff/roles/{role.id}/review?status=sift" in sift
    assert "Review next" not in new

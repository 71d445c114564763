"""Given 1,000 and then 10,000 applications, when HR and a hiring manager open a role's
candidate list (its pages, stages, flags and sorts) and the staff home, then each page runs
the same number of SQL statements at both sizes, the counts shown are the rows' own, and
every keyset page is read through an index, in order, with no Sort step."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event, func, select, text

from tests.factories import RoleFactory, UserFactory
from tests.helpers import start_session_for
from tests.screening.bulk_rows import add_applications
from tracker.accounts.models import StaffRole
from tracker.applications.models import Application
from tracker.applications.states import ACTIVE, Status
from tracker.extensions import db

LIST_PAGES = ["", "?status=sift", "?flag=hr_check", "?sort=score", "?sort=waiting"]
NEXT = re.compile(r'<a class="govuk-link govuk-pagination__link" href="([^"]+)" rel="next">')
PREVIOUS = re.compile(r'<a class="govuk-link govuk-pagination__link" href="([^"]+)" rel="prev">')


@pytest.fixture
def hr():
    return UserFactory(roles=[StaffRole.ADMIN])


@pytest.fixture
def clients(app, role, manager, hr):
    """A signed-in client each for HR and the role's hiring manager."""
    found = {}
    for who, user in (("hr", hr), ("manager", manager)):
        found[who] = app.test_client()
        start_session_for(found[who], user)
    return found


def _get(client, path: str) -> str:
    response = client.get(path.replace("&amp;", "&"))
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def _statements(client, path: str) -> int:
    seen: list[str] = []

    def record(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        _get(client, path)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return len(seen)


def _pages(role) -> list[str]:
    base = f"/staff/roles/{role.id}/candidates"
    return [base + query for query in LIST_PAGES]


def _costs(clients, role) -> dict[str, int]:
    costs = {}
    for who, client in clients.items():
        for path in [*_pages(role), "/staff/"]:
            _get(client, path)  # the first request after a change warms what later ones reuse
            costs[f"{who} {path}"] = _statements(client, path)
        # A deep page, by its link from the first page.
        next_page = NEXT.search(_get(client, _pages(role)[0])).group(1)
        costs[f"{who} next page"] = _statements(client, next_page)
    return costs


def _real(role, *conditions) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Application)
        .where(Application.role_id == role.id, Application.status != Status.DRAFT, *conditions)
    )


def _caption(page: str) -> int:
    return int(re.search(r'<h2 class="govuk-heading-m">(\d+) candidates?</h2>', page).group(1))


def _home_count(page: str, key: str) -> int:
    found = re.search(rf'data-queue="{key}"[^>]*><span class="app-queue__count">(\d+)</span>', page)
    return int(found.group(1))


def _assert_counts_are_the_rows(clients, role) -> None:
    base = _pages(role)[0]
    hr = clients["hr"]
    assert _caption(_get(hr, base)) == _real(role)
    assert _caption(_get(hr, base + "?status=sift")) == _real(role, Application.status == "sift")
    assert _caption(_get(hr, base + "?flag=hr_check")) == _real(
        role, Application.needs_hr_check.is_(True)
    )
    home = _get(hr, "/staff/")
    every_role = Application.status != Status.DRAFT
    new = select(func.count()).where(Application.status == Status.SUBMITTED)
    flagged = select(func.count()).where(
        Application.needs_hr_check.is_(True), Application.status.in_(ACTIVE), every_role
    )
    assert _home_count(home, "new_applications") == db.session.scalar(new)
    assert _home_count(home, "eligibility_check") == db.session.scalar(flagged)
    in_sift = re.search(
        rf"(\d+)<span class=\"govuk-visually-hidden\"> in sift for {role.title}", home
    )
    assert int(in_sift.group(1)) == _real(role, Application.status == "sift")


@pytest.mark.slow  # 10,000 applications
def test_the_list_and_the_home_cost_the_same_statements_at_1000_and_10000(clients, role):
    elsewhere = RoleFactory(criteria=[])  # another track: not the manager's
    add_applications(1_000, [role.id, elsewhere.id], seed=1)
    few = _costs(clients, role)
    _assert_counts_are_the_rows(clients, role)

    add_applications(9_000, [role.id, elsewhere.id], seed=2)
    many = _costs(clients, role)

    assert many == few
    _assert_counts_are_the_rows(clients, role)


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?sort=newest",
        "?sort=score",
        "?sort=waiting",
        "?sort=preference",
        "?status=sift&sort=preference",
    ],
)
def test_next_and_previous_walk_every_candidate_once_in_order(clients, role, query):
    add_applications(400, [role.id], seed=3)
    hr = clients["hr"]
    first = _get(hr, _pages(role)[0] + query)
    shown = [_references(first)]
    page = first
    while NEXT.search(page):
        page = _get(hr, NEXT.search(page).group(1))
        shown.append(_references(page))
    assert f"Page {len(shown)} of {len(shown)}" in page
    back = [_references(page)]
    while PREVIOUS.search(page):
        page = _get(hr, PREVIOUS.search(page).group(1))
        back.append(_references(page))
    everyone = [ref for refs in shown for ref in refs]

    assert len(everyone) == len(set(everyone)) == _caption(first)
    assert back[::-1] == shown
    assert "Page 1 of" in page


def _references(page: str) -> list[str]:
    return re.findall(r'href="/staff/applications/\d+">([A-Z0-9-]+)</a>', page)


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?sort=newest",
        "?sort=score",
        "?sort=waiting",
        "?sort=preference",
        "?status=sift",
        "?status=sift&sort=newest",
        "?status=sift&sort=score",
        "?status=sift&sort=waiting",
        "?status=sift&sort=preference",
    ],
)
def test_every_sort_pages_through_an_index_without_sorting(clients, role, query):
    add_applications(400, [role.id], seed=4)
    hr = clients["hr"]
    next_page = NEXT.search(_get(hr, _pages(role)[0] + query)).group(1)
    captured: list[tuple[str, object]] = []

    def record(conn, cursor, statement, parameters, *args):
        if "ORDER BY" in statement and "LIMIT" in statement:
            captured.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        _get(hr, next_page)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    statement, parameters = captured[0]
    connection = db.session.connection()
    # As a large table would plan: a sort here would have to read every matching row first.
    # With sorting priced out, a plan that still sorts has no index giving this order.
    for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
        connection.execute(text(f"SET LOCAL {setting} = off"))
    plan = "\n".join(
        row[0] for row in connection.exec_driver_sql("EXPLAIN " + statement, parameters)
    )

    assert "ix_application_list_" in plan, plan
    assert "Sort" not in plan.replace("Sort Key", ""), plan

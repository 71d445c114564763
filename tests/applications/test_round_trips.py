"""Given a signed-in applicant with a draft, a section's page and its save go to the database
as few times as the work needs: under a launch morning's load every round trip queues.

A section's page: the session with its applicant (one query), the application; nothing
committed. Its save: those two (the application locked), the UPDATE, one commit.
"""

from __future__ import annotations

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from tests.applications.journey import SECTION_ANSWERS
from tests.helpers import csrf_token
from tracker.applications.models import Application
from tracker.extensions import db


@pytest.fixture
def draft(client, signed_in, role, post_form) -> Application:
    assert post_form(f"/roles/{role.slug}/apply", {}).status_code == 302
    return db.session.scalars(select(Application).where(Application.role_id == role.id)).one()


def _talk(request) -> tuple[list[str], int]:
    """The statements a request sends, and the commits it makes."""
    statements: list[str] = []
    commits: list[object] = []

    def record(_conn, _cursor, statement, *_):
        # The tests' own savepoints stand where production's COMMIT is: counted as commits.
        if not statement.startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO")):
            statements.append(statement)

    def committed(conn):
        commits.append(conn)

    event.listen(db.engine, "before_cursor_execute", record)
    # The session's commits: the tests' database work runs inside a transaction of their own.
    event.listen(Session, "after_commit", committed)
    try:
        response = request()
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
        event.remove(Session, "after_commit", committed)
    assert response.status_code in (200, 302), response.status_code
    return statements, len(commits)


def test_a_section_page_is_two_queries_and_commits_nothing(client, draft):
    path = f"/applications/{draft.id}/personal-details"
    client.get(path)
    statements, commits = _talk(lambda: client.get(path))
    assert commits == 0
    assert len(statements) == 2, statements
    # The applicant comes with their session, not in a query of their own.
    assert "JOIN applicant" in statements[0]


def test_a_section_save_is_three_statements_and_one_commit(client, draft, post_form):
    path = f"/applications/{draft.id}/personal-details"
    answers = SECTION_ANSWERS["personal-details"]
    post_form(path, answers)
    data = {"csrf_token": csrf_token(client, path), **answers}
    statements, commits = _talk(lambda: client.post(path, data=data))
    assert commits == 1
    assert [s.split()[0] for s in statements] == ["SELECT", "SELECT", "UPDATE"], statements
    assert "FOR UPDATE" in statements[1]

"""On 100,000 events, each filter's page is read from an index in time order, not by
reading the whole table: the filter's own index for a rare value (one user, a rare action),
which a walk back through time would have to pass thousands of rows to find."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from tests.factories import UserFactory
from tracker.audit_log import queries
from tracker.extensions import db


@pytest.fixture
def many_events():
    users = [UserFactory() for _ in range(20)]
    ids = "{" + ",".join(str(u.id) for u in users) + "}"
    db.session.execute(
        text(
            """
            INSERT INTO audit_event (occurred_at, actor_id, actor_label, action, object_type,
                                     object_id, details)
            SELECT now() - n * interval '1 minute',
                   CASE WHEN n % 3 = 0 THEN NULL ELSE (CAST(:ids AS int[]))[1 + n % 20] END,
                   CASE WHEN n % 3 = 0 THEN 'applicant:' || n ELSE 'staff@example.gov.uk' END,
                   CASE WHEN n % 1000 = 0 THEN 'user.invited'
                        ELSE (ARRAY['sign_in.succeeded', 'sign_out', 'application.make_offer',
                                    'booking.made'])[1 + n % 4] END,
                   'application', (n % 5000)::text, '{}'
            FROM generate_series(1, 100000) AS n
            """
        ),
        {"ids": ids},
    )
    db.session.execute(text("ANALYZE audit_event"))
    return users


def plan(filters: queries.Filters) -> str:
    query = queries._newest_first(queries.filtered(filters)).limit(queries.PAGE_SIZE)
    compiled = query.compile(db.engine, compile_kwargs={"literal_binds": True})
    rows = db.session.execute(text(f"EXPLAIN {compiled}")).scalars()
    return "\n".join(rows)


@pytest.mark.slow  # thousands of rows
@pytest.mark.parametrize(
    ("filters", "index"),
    [
        (lambda users: queries.Filters(), "ix_audit_event_occurred_at"),
        (lambda users: queries.Filters(person=str(users[3].id)), "ix_audit_event_actor_time"),
        (lambda users: queries.Filters(action="user.invited"), "ix_audit_event_action_time"),
        # A common action is as quick to find by walking back through time.
        (lambda users: queries.Filters(action="sign_out"), "ix_audit_event_occurred_at"),
        (
            lambda users: queries.Filters(date_from=date(2020, 1, 1), date_to=date(2020, 1, 2)),
            "ix_audit_event_occurred_at",
        ),
    ],
)
def test_each_filter_reads_its_index(many_events, filters, index):
    explained = plan(filters(many_events))

    assert index in explained, explained
    assert "Seq Scan" not in explained, explained


@pytest.mark.slow  # thousands of rows
def test_a_page_deep_in_a_filter_is_still_fifty(many_events):
    events, page, pages, total = queries.audit_page(queries.Filters(action="sign_out"), page=399)

    assert total == 25000 and pages == 500 and page == 399
    assert len(events) == 50
    assert [e.occurred_at for e in events] == sorted((e.occurred_at for e in events), reverse=True)

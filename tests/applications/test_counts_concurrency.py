"""Reliability: the stage counts under concurrent writers, each in its own transaction and
connection to PostgreSQL. Many applicants submitting at once never wait on one another's
count, bulk moves of the same stages in opposite orders do not deadlock, a fold in the middle
loses nothing, and afterwards every count is the rows' own."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from tests.applications.test_concurrent_submit import delete_committed
from tests.factories import ApplicationFactory, RoleFactory, UserFactory

# A committed database of this module's own (tests/notifications/conftest.py).
from tests.notifications.conftest import (  # noqa: F401
    mail_app,
    mail_env,
    outbox_database_url,
    redis_server,
    smtp_server,
)
from tracker.accounts.models import StaffRole, User
from tracker.applications import counts, pipeline
from tracker.applications.count_models import ApplicationCount
from tracker.applications.models import Application
from tracker.applications.states import Event, Status
from tracker.clock import utcnow
from tracker.extensions import db
from tracker.screening import services

# Within the connection pool's 15, so every submitter holds a connection at once.
SUBMITTERS = 12


def _tally_and_rows(role_ids: list[int]) -> tuple[dict, dict]:
    tally = dict(
        db.session.execute(
            select(ApplicationCount.status, func.sum(ApplicationCount.delta))
            .where(ApplicationCount.role_id.in_(role_ids))
            .group_by(ApplicationCount.status)
            .having(func.sum(ApplicationCount.delta) != 0)
        ).all()
    )
    rows = dict(
        db.session.execute(
            select(Application.status, func.count())
            .where(Application.role_id.in_(role_ids), Application.status != Status.DRAFT)
            .group_by(Application.status)
        ).all()
    )
    return tally, rows


def _run(threads: list[threading.Thread]) -> None:
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a writer is stuck"


@pytest.mark.slow  # threads
def test_submitters_never_wait_on_each_others_count(mail_app):  # noqa: F811
    with mail_app.app_context():
        role = RoleFactory(criteria=[])
        drafts = [ApplicationFactory(complete=True, role=role) for _ in range(SUBMITTERS)]
        db.session.commit()
        draft_ids = [d.id for d in drafts]
        applicant_ids = [d.applicant_id for d in drafts]
        role_id = role.id
        db.session.remove()

    # Every submitter moves its draft and then waits, still uncommitted, for all the others
    # to have moved theirs. With one counter row updated in place, the second would wait for
    # the first's lock, never reach the barrier, and the barrier would break.
    barrier = threading.Barrier(SUBMITTERS + 1, timeout=30)
    outcomes: list[str] = []

    def submit(draft_id: int) -> None:
        with mail_app.app_context():
            try:
                draft = db.session.get_one(Application, draft_id)
                pipeline.move(
                    draft,
                    Event.SUBMIT,
                    actor_label="applicant",
                    values={"reference": f"Q{draft_id:07d}", "submitted_at": utcnow()},
                )
                barrier.wait()
                db.session.commit()
                outcomes.append("submitted")
            except threading.BrokenBarrierError:
                db.session.rollback()
                outcomes.append("waited on another submitter")
            finally:
                db.session.remove()

    def fold_meanwhile() -> None:
        with mail_app.app_context():
            barrier.wait()  # everyone has appended their rows, none has committed
            counts.fold(mail_app.config["WAITING_DAYS"])
            db.session.commit()
            db.session.remove()

    try:
        _run(
            [threading.Thread(target=submit, args=(i,)) for i in draft_ids]
            + [threading.Thread(target=fold_meanwhile)]
        )

        assert outcomes == ["submitted"] * SUBMITTERS
        with mail_app.app_context():
            tally, rows = _tally_and_rows([role_id])
            assert tally == rows == {Status.SUBMITTED: SUBMITTERS}
            db.session.remove()
    finally:
        delete_committed(mail_app, applicant_ids=applicant_ids, role_ids=[role_id])


@pytest.mark.slow  # threads
def test_bulk_moves_in_opposite_orders_neither_deadlock_nor_lose_a_count(mail_app):  # noqa: F811
    with mail_app.app_context():
        roles = [RoleFactory(criteria=[]) for _ in range(2)]
        hr = [UserFactory(roles=[StaffRole.ADMIN]).id for _ in range(2)]
        applications = [ApplicationFactory(role=roles[i % 2], submitted=True) for i in range(20)]
        db.session.commit()
        ids = [a.id for a in applications]
        applicant_ids = [a.applicant_id for a in applications]
        role_ids = [r.id for r in roles]
        db.session.remove()

    # The first mover has the first role's candidates then the second's; the other mover the
    # rest, the other way round: each changes the same counted groups in the other's order
    # (which in-place counter rows would deadlock on). Then both at once on the same
    # candidates, in opposite orders: one moves them, the other finds them moved.
    first, second = ids[0:10:2] + ids[1:10:2], ids[11:20:2] + ids[10:20:2]
    orders, events = [first, second], [Event.START_SIFT, Event.START_SIFT]
    barrier = threading.Barrier(2, timeout=30)
    failures: list[str] = []

    def move(actor_id: int, order: list[int], event: Event) -> None:
        with mail_app.app_context():
            try:
                actor = db.session.get_one(User, actor_id)
                found = {
                    a.id: a
                    for a in db.session.scalars(
                        select(Application).where(Application.id.in_(order))
                    )
                }
                barrier.wait()
                services.move_candidates(
                    actor=actor,
                    applications=[found[i] for i in order],
                    event=event,
                    reasons=["other"] if event is Event.REJECT else None,
                    feedback="Another reason, explained here." if event is Event.REJECT else None,
                )
                db.session.commit()
            except Exception as error:
                db.session.rollback()
                failures.append(repr(error))
            finally:
                db.session.remove()

    try:
        _run([threading.Thread(target=move, args=(hr[i], orders[i], events[i])) for i in range(2)])

        assert failures == []
        orders, events = [ids, ids[::-1]], [Event.REJECT, Event.REJECT]
        _run([threading.Thread(target=move, args=(hr[i], orders[i], events[i])) for i in range(2)])

        assert failures == []
        with mail_app.app_context():
            tally, rows = _tally_and_rows(role_ids)
            assert tally == rows == {Status.UNSUCCESSFUL: len(ids)}
            db.session.remove()
    finally:
        delete_committed(mail_app, applicant_ids=applicant_ids, role_ids=role_ids)

"""Reliability: two managers move the same candidate at the same moment, each in their own
transaction and from the same version of the page: one succeeds, the other sees a conflict."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from tests.factories import HISTORY, ApplicationFactory, RoleFactory, UserFactory

# A committed database of this module's own (tests/notifications/conftest.py).
from tests.notifications.conftest import (  # noqa: F401
    mail_app,
    mail_env,
    outbox_database_url,
    redis_server,
    smtp_server,
)
from tracker.accounts.models import StaffRole, User
from tracker.applications.models import Application, TimelineEntry
from tracker.applications.states import Event, Status
from tracker.extensions import db
from tracker.screening import services


@pytest.mark.slow  # threads
def test_two_simultaneous_moves_one_conflict(mail_app):  # noqa: F811
    with mail_app.app_context():
        role = RoleFactory(criteria=[])
        managers = [
            UserFactory(roles=[StaffRole.HIRING_MANAGER], tracks=[role.track]).id for _ in range(2)
        ]
        application = ApplicationFactory(role=role, sift=True)
        db.session.commit()
        application_id, seen = application.id, application.version
        db.session.remove()

    moves = [(managers[0], Event.INVITE_TO_INTERVIEW, []), (managers[1], Event.REJECT, ["other"])]
    barrier = threading.Barrier(len(moves))
    outcomes: list[str] = []

    def attempt(manager_id: int, event: Event, reasons: list[str]) -> None:
        with mail_app.app_context():
            actor = db.session.get(User, manager_id)
            found = db.session.get(Application, application_id)
            barrier.wait()
            try:
                services.move_candidate(
                    actor=actor,
                    application=found,
                    event=event,
                    expected_version=seen,
                    reasons=reasons,
                    feedback="Another reason, explained here." if reasons else None,
                )
                db.session.commit()
                outcomes.append("moved")
            except services.MoveError as error:
                db.session.rollback()
                outcomes.append(str(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=attempt, args=move) for move in moves]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert outcomes.count("moved") == 1
    conflict = next(o for o in outcomes if o != "moved")
    assert "Someone else changed this application" in conflict
    with mail_app.app_context():
        found = db.session.get(Application, application_id)
        assert found.version == seen + 1
        assert found.status in (Status.INTERVIEW, Status.UNSUCCESSFUL)
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(TimelineEntry)
                .where(TimelineEntry.application_id == application_id)
                .where(TimelineEntry.actor_label != HISTORY)  # not how it reached the sift
            )
            == 1
        )
        db.session.remove()

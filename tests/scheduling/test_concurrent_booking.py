"""Reliability: limited capacity cannot be overbooked. Two candidates book a slot's last
place at the same moment, each in their own transaction: one wins, the other is told."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from tests.factories import ApplicationFactory, RoleFactory, SlotFactory

# A committed database of this module's own (tests/notifications/conftest.py).
from tests.notifications.conftest import (  # noqa: F401
    mail_app,
    mail_env,
    outbox_database_url,
    redis_server,
    smtp_server,
)
from tracker.applications.models import Application
from tracker.extensions import db
from tracker.scheduling import services
from tracker.scheduling.models import Booking, Slot


@pytest.mark.slow  # threads
def test_two_bookings_of_the_last_place_one_wins(mail_app):  # noqa: F811
    with mail_app.app_context():
        role = RoleFactory(criteria=[])
        slot = SlotFactory(role=role, capacity=2, booked=1)  # one place left
        ids = [ApplicationFactory(role=role, interview=True).id for _ in range(2)]
        db.session.commit()
        slot_id = slot.id
        db.session.remove()

    barrier = threading.Barrier(len(ids))
    outcomes: list[str] = []

    def attempt(application_id: int) -> None:
        with mail_app.app_context():
            application = db.session.get(Application, application_id)
            barrier.wait()
            try:
                services.book(
                    applicant=application.applicant, application=application, slot_id=slot_id
                )
                db.session.commit()
                outcomes.append("booked")
            except services.SchedulingError as error:
                db.session.rollback()
                outcomes.append(str(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == sorted(
        ["booked", "Sorry, that time has just been taken. Choose another"]
    )
    with mail_app.app_context():
        assert db.session.get(Slot, slot_id).booked == 2
        assert (
            db.session.scalar(
                select(func.count()).select_from(Booking).where(Booking.slot_id == slot_id)
            )
            == 1
        )
        db.session.remove()

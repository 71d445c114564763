"""Background jobs for bookings."""

from __future__ import annotations

from celery import shared_task

from tracker import clock
from tracker.extensions import db
from tracker.scheduling import services


@shared_task(name="tracker.scheduling.tasks.remind_tomorrow")
def remind_tomorrow() -> int:
    """Each evening: remind candidates of tomorrow's assessments and interviews, once each."""
    sent = services.remind_tomorrow(today=clock.today())
    db.session.commit()
    return sent

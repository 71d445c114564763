"""Background jobs for screening. Thin: a service does the work, the job commits it."""

from __future__ import annotations

from celery import shared_task
from flask import current_app

from tracker import clock
from tracker.extensions import db
from tracker.screening import services


@shared_task(name="tracker.screening.tasks.send_waiting_digests")
def send_waiting_digests() -> int:
    """Each morning: tell hiring managers which of their candidates have waited too long."""
    sent = services.send_waiting_digests(
        today=clock.today(), days=current_app.config["WAITING_DAYS"]
    )
    db.session.commit()
    return sent

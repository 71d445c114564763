"""Background jobs for shares with employer partners. Thin: the service does the work."""

from __future__ import annotations

from celery import shared_task
from flask import current_app

from tracker import clock
from tracker.extensions import db
from tracker.partners import services


@shared_task(name="tracker.partners.tasks.remind_partners")
def remind_partners() -> int:
    """Each morning: remind partners of feedback due soon that is still missing."""
    reminded = services.remind_partners(
        on=clock.today(), days_before=current_app.config["PARTNER_REMINDER_DAYS"]
    )
    db.session.commit()
    return reminded

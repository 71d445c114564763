"""Background jobs for applications. Thin: a service does the work, the job commits it."""

from __future__ import annotations

from celery import shared_task
from flask import current_app

from tracker import clock
from tracker.applications import counts, reminders
from tracker.extensions import db


@shared_task(name="tracker.applications.tasks.remind_about_drafts")
def remind_about_drafts() -> int:
    """Nudge applicants whose unsubmitted drafts close in the next few days."""
    sent = reminders.remind_about_drafts(
        today=clock.today(), days_before=current_app.config["DRAFT_REMINDER_DAYS"]
    )
    db.session.commit()
    return sent


@shared_task(name="tracker.applications.tasks.fold_counts")
def fold_counts() -> int:
    """Every minute: sum the stage counts' appended rows, so reading them stays cheap."""
    rows = counts.fold(current_app.config["WAITING_DAYS"])
    db.session.commit()
    return rows

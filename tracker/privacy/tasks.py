"""Background jobs for personal data. Thin: the service does the work, the job commits it."""

from __future__ import annotations

from celery import shared_task

from tracker import clock
from tracker.applicants import kept
from tracker.extensions import db
from tracker.privacy import services


@shared_task(name="tracker.privacy.tasks.run_retention")
def run_retention() -> int:
    """Each night: anonymise applicants past their campaign's retention period, and delete
    forms kept after a session ended (tracker.applicants.kept) that are past their day."""
    result = services.run_retention(today=clock.today(), dry_run=False, actor_label="retention")
    kept.purge_expired(now=clock.utcnow())
    db.session.commit()
    return len(result.applications)

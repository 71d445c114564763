"""The reminder an applicant gets a few days before a draft's role closes, once per draft,
and its withdrawal once the draft is submitted or deleted. Flushes, never commits."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import delete, select

from tracker.applications.models import Application
from tracker.applications.states import Status
from tracker.catalogue.models import Role
from tracker.clock import utcnow
from tracker.extensions import db
from tracker.notifications.models import Email, EmailStatus
from tracker.notifications.services import queue_email


def remind_about_drafts(*, today: date, days_before: int) -> int:
    """Email applicants whose drafts close within ``days_before`` days; once per draft."""
    drafts = db.session.scalars(
        select(Application)
        .where(Application.status == Status.DRAFT, Application.reminder_sent_at.is_(None))
        .join(Role)
    ).all()
    sent = 0
    for application in drafts:
        role = application.role
        if not role.is_open(today) or role.closes_on > today + timedelta(days=days_before):
            continue
        queue_email(
            actor="draft reminder",
            to=application.applicant.email,
            template="draft_reminder",
            context={"application_id": application.id},
            idempotency_key=f"draft-reminder:{application.id}",
        )
        application.reminder_sent_at = utcnow()
        sent += 1
    db.session.flush()
    return sent


def cancel_draft_reminder(application: Application) -> None:
    """A reminder still waiting to be sent is about a draft that is gone or submitted."""
    db.session.execute(
        delete(Email).where(
            Email.idempotency_key == f"draft-reminder:{application.id}",
            Email.status == EmailStatus.PENDING,
        )
    )

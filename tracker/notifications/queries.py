"""Questions staff pages ask of the outbox."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

from tracker.clock import utcnow
from tracker.extensions import db
from tracker.notifications.models import Email, EmailStatus


def emails_to(address: str) -> list[Email]:
    """Every email to this address, newest first, with its status: an applicant's email log."""
    return list(
        db.session.scalars(
            select(Email)
            .where(func.lower(Email.recipient) == address.strip().lower())
            .order_by(Email.created_at.desc(), Email.id.desc())
        )
    )


def failed_emails(limit: int = 100) -> list[Email]:
    return list(
        db.session.scalars(
            select(Email)
            .where(Email.status == EmailStatus.FAILED)
            .order_by(Email.failed_at.desc())
            .limit(limit)
        )
    )


def count_by_status() -> dict[EmailStatus, int]:
    query = select(Email.status, func.count()).group_by(Email.status)
    rows = db.session.execute(query).tuples().all()
    return dict.fromkeys(EmailStatus, 0) | dict(rows)


def uncertain_emails(limit: int = 100) -> list[Email]:
    """Emails whose worker stopped mid-send, newest first: each may have arrived twice."""
    return list(
        db.session.scalars(
            select(Email)
            .where(Email.uncertain_since.is_not(None))
            .order_by(Email.uncertain_since.desc(), Email.id.desc())
            .limit(limit)
        )
    )


def count_uncertain() -> int:
    return (
        db.session.scalar(
            select(func.count()).select_from(Email).where(Email.uncertain_since.is_not(None))
        )
        or 0
    )


def stalled_pending(*, grace_seconds: float | None = None) -> tuple[int, datetime | None]:
    """Pending emails due more than ``grace_seconds`` ago, and the oldest one's due time.

    A running worker sends an email when it is due, and its beat re-enqueues any the broker
    lost within a sweep or two; emails waiting longer mean nothing is draining the outbox. The
    default grace is two sweeps past the point where the sweeper re-enqueues.
    """
    if grace_seconds is None:
        config = current_app.config
        grace_seconds = (
            config["EMAIL_SWEEP_AFTER_SECONDS"] + 2 * config["EMAIL_SWEEP_INTERVAL_SECONDS"]
        )
    cutoff = utcnow() - timedelta(seconds=grace_seconds)
    count, oldest = db.session.execute(
        select(func.count(), func.min(Email.next_attempt_at)).where(
            Email.status == EmailStatus.PENDING, Email.next_attempt_at < cutoff
        )
    ).one()
    return count, oldest

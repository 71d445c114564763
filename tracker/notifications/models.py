"""The email outbox: one row per email, written in the transaction that causes it."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, Index, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from tracker.extensions import db
from tracker.types import UtcDateTime


class EmailStatus(enum.Enum):
    PENDING = "pending"  # waiting to be sent, now or at next_attempt_at
    SENDING = "sending"  # claimed by a worker; freed by the sweeper if the worker dies
    SENT = "sent"
    FAILED = "failed"  # gave up after the bounded retries; staff can retry it


class Email(db.Model):
    __tablename__ = "email"
    __table_args__ = (
        CheckConstraint("(status = 'sent') = (sent_at IS NOT NULL)", name="sent_has_sent_at"),
        CheckConstraint(
            "status != 'sending' OR claimed_at IS NOT NULL", name="sending_has_claimed_at"
        ),
        CheckConstraint("status != 'failed' OR last_error IS NOT NULL", name="failed_has_error"),
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        # Only a send that was attempted can have an uncertain outcome.
        CheckConstraint("uncertain_since IS NULL OR attempts > 0", name="uncertain_was_tried"),
        # The sweeper's question: what is due and not yet sent?
        Index("ix_email_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # One email per event: queueing the same key again returns the existing row.
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    recipient: Mapped[str] = mapped_column(String(320), index=True)
    template: Mapped[str] = mapped_column(String(100))
    # The ids (and small values) the template renders from, reloaded at send time.
    context: Mapped[dict] = mapped_column(db.JSON, default=dict)
    # Files sent with it, as queued: [{"filename", "content_type", "content"}], text content
    # (a calendar invitation). SMTP attaches them; Notify cannot, so such an email's template
    # gives a link instead.
    attachments: Mapped[list] = mapped_column(db.JSON, default=list)
    status: Mapped[EmailStatus] = mapped_column(
        db.Enum(EmailStatus, name="email_status", values_callable=lambda e: [m.value for m in e]),
        default=EmailStatus.PENDING,
    )
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    queued_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, server_default=func.now())
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime, server_default=func.now())
    claimed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    failed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # What went out, kept for the staff email log.
    subject: Mapped[str | None] = mapped_column(Text)
    provider_reference: Mapped[str | None] = mapped_column(String(200))
    # When the sweeper found this email claimed by a worker that had stopped mid-send. Nobody
    # can tell whether that worker's mail server accepted it, and it was sent again, so the
    # recipient may have it twice. Kept once set: staff see it on the emails page.
    uncertain_since: Mapped[datetime | None] = mapped_column(UtcDateTime)

    def __repr__(self) -> str:
        return f"<Email {self.id} {self.template} {self.status.value}>"

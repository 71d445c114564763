"""A reminder to book an assessment or interview slot: at most one per application and stage."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tracker.applications.models import _TIMELINE_STATUS
from tracker.applications.states import Status
from tracker.extensions import db
from tracker.types import UtcDateTime


class BookingReminder(db.Model):
    """HR nudged an invited candidate to book. The unique key is the once-per-stage rule: a
    second press, or two HR officers pressing at once, cannot send a second email."""

    __tablename__ = "booking_reminder"
    __table_args__ = (UniqueConstraint("application_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("application.id", ondelete="CASCADE"), index=True
    )
    # The stage the candidate was invited to (assessment or interview) when reminded.
    status: Mapped[Status] = mapped_column(_TIMELINE_STATUS)
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    sent_by: Mapped[str] = mapped_column(String(320))

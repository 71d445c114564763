"""The audit log: who did what to which record, when (UTC) and from where."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, func
from sqlalchemy.orm import Mapped, mapped_column

from tracker.extensions import db
from tracker.types import UtcDateTime


class AuditEvent(db.Model):
    __tablename__ = "audit_event"
    # Each filter of the log's pages leads an index, then the time and id it is sorted by:
    # a page is the next 50 entries of the index (migration 0018).
    __table_args__ = (
        Index("ix_audit_event_occurred_at", "occurred_at"),
        Index("ix_audit_event_actor_time", "actor_id", "occurred_at", "id"),
        Index("ix_audit_event_action_time", "action", "occurred_at", "id"),
        Index("ix_audit_event_object", "object_type", "object_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime, server_default=func.now())
    # The staff user, when there is one; the label keeps the record readable (and covers
    # anonymous actors, such as a failed sign-in) after a user is renamed or removed.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    actor_label: Mapped[str] = mapped_column(String(320))
    action: Mapped[str] = mapped_column(String(100))
    object_type: Mapped[str | None] = mapped_column(String(100))
    object_id: Mapped[str | None] = mapped_column(String(100))
    ip: Mapped[str | None] = mapped_column(String(45))
    details: Mapped[dict] = mapped_column(db.JSON, default=dict)

    def __repr__(self) -> str:
        return f"<AuditEvent {self.action} by {self.actor_label}>"

"""A member of staff's named column sets for shortlist exports."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tracker.extensions import db
from tracker.types import UtcDateTime


class ExportTemplate(db.Model):
    """The columns of a shortlist, in their order, saved under a name by one user for their
    own use. Only columns: which candidates to export is chosen each time."""

    __tablename__ = "export_template"
    __table_args__ = (UniqueConstraint("user_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(80))
    # Column keys of tracker.exports.columns, in the file's order.
    columns: Mapped[list[str]] = mapped_column(db.JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)

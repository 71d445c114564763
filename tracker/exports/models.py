"""A member of staff's named column sets for shortlist exports."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tracker.extensions import db
from tracker.types import UtcDateTime


def _name_key(context) -> str:
    return context.get_current_parameters()["name"].lower()


class ExportTemplate(db.Model):
    """The columns of a shortlist, in their order, saved under a name by one user for their
    own use. Only columns: which candidates to export is chosen each time."""

    __tablename__ = "export_template"
    # One name per user whatever its case: saving "panel list" replaces "Panel list". A key
    # column rather than an index on lower(name), as partner organisations' names do (0020):
    # the same on SQLite, and autogenerate can compare it.
    __table_args__ = (UniqueConstraint("user_id", "name_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(80))
    # What two names must differ in to be two templates (not case); set from the name when
    # one is made, and by the services when it is renamed.
    name_key: Mapped[str] = mapped_column(String(200), default=_name_key)
    # Column keys of tracker.exports.columns, in the file's order.
    columns: Mapped[list[str]] = mapped_column(db.JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)

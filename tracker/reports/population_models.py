"""The area's population figures a council uploaded for the equality report: one set at a
time, each upload replacing the last."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.accounts.models import User
from tracker.extensions import db
from tracker.types import UtcDateTime


class PopulationFigures(db.Model):
    """Census shares by measure and answer (tracker.reports.population reads the file).
    Public figures, not personal data: kept until replaced or removed."""

    __tablename__ = "population_figures"

    id: Mapped[int] = mapped_column(primary_key=True)
    area: Mapped[str | None] = mapped_column(String(200))
    source: Mapped[str | None] = mapped_column(String(500))
    filename: Mapped[str] = mapped_column(String(255))
    # {measure key: {answer code ("" for the "Not answered" row): percent}}
    shares: Mapped[dict] = mapped_column(db.JSON)
    uploaded_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # Kept if the uploader's account is deleted: the figures stay in use.
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL")
    )
    uploaded_by: Mapped[User | None] = relationship()

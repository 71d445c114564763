"""Mentors' profiles, their assignments to hired apprentices, and the mentoring log."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.accounts.models import User
from tracker.applications.models import Application
from tracker.catalogue.models import Track
from tracker.extensions import db
from tracker.types import UtcDateTime

mentor_track = Table(
    "mentor_track",
    db.metadata,
    Column("mentor_id", ForeignKey("mentor_profile.id", ondelete="CASCADE"), primary_key=True),
    Column("track_id", ForeignKey("track.id", ondelete="CASCADE"), primary_key=True),
)


class MentorProfile(db.Model):
    """A mentor's tracks of expertise and how many apprentices they can take. ``assigned``
    never passes ``capacity``: the database checks it, and assigning is a conditional UPDATE,
    so two people cannot both take a mentor's last place."""

    __tablename__ = "mentor_profile"
    __table_args__ = (
        CheckConstraint("capacity BETWEEN 1 AND 20", name="capacity_range"),
        CheckConstraint("assigned >= 0 AND assigned <= capacity", name="never_over_capacity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("staff_user.id", ondelete="CASCADE"), unique=True
    )
    # Their job and employer, as the apprentice will read it: "Senior developer, ICT".
    about: Mapped[str] = mapped_column(String(200))
    capacity: Mapped[int]
    assigned: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)

    user: Mapped[User] = relationship()
    tracks: Mapped[list[Track]] = relationship(secondary=mentor_track, order_by=Track.position)

    @property
    def places_left(self) -> int:
        return self.capacity - self.assigned


class MentorAssignment(db.Model):
    """A mentor looking after a hired apprentice. Reassignment ends the row and adds another,
    so the history stays. One live assignment per apprentice."""

    __tablename__ = "mentor_assignment"
    __table_args__ = (
        Index(
            "uq_mentor_assignment_one_live",
            "application_id",
            unique=True,
            postgresql_where=text("ended_at IS NULL"),
            sqlite_where=text("ended_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("application.id", ondelete="CASCADE"), index=True
    )
    mentor_id: Mapped[int] = mapped_column(
        ForeignKey("mentor_profile.id", ondelete="RESTRICT"), index=True
    )
    assigned_at: Mapped[datetime] = mapped_column(UtcDateTime)
    assigned_by: Mapped[str] = mapped_column(String(320))
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    ended_by: Mapped[str | None] = mapped_column(String(320))
    end_reason: Mapped[str | None] = mapped_column(Text)

    application: Mapped[Application] = relationship()
    mentor: Mapped[MentorProfile] = relationship()


class LogKind(enum.Enum):
    CHECK_IN = "check_in"
    PROJECT = "project"

    @property
    def label(self) -> str:
        return {"check_in": "Check-in", "project": "Portfolio project"}[self.value]


class MentoringLogEntry(db.Model):
    """A check-in or a portfolio project, written by the apprentice's mentor."""

    __tablename__ = "mentoring_log_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("application.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    author: Mapped[str] = mapped_column(String(320))
    kind: Mapped[LogKind] = mapped_column(
        db.Enum(LogKind, name="mentoring_log_kind", values_callable=lambda e: [m.value for m in e])
    )
    occurred_on: Mapped[date] = mapped_column(Date)
    # A project's title; a check-in's may be empty.
    title: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text)
    # Values of services.LOG_STATUSES for the entry's kind.
    status: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)

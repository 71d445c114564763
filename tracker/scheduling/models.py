"""Assessment and interview slots, their panels, and candidates' bookings."""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.accounts.models import User
from tracker.applications.models import Application
from tracker.catalogue.models import Role
from tracker.extensions import db
from tracker.types import UtcDateTime


class SlotKind(enum.Enum):
    ASSESSMENT = "assessment"
    INTERVIEW = "interview"

    @property
    def label(self) -> str:
        return {"assessment": "Assessment", "interview": "Interview"}[self.value]


slot_panel = Table(
    "slot_panel",
    db.metadata,
    Column("slot_id", ForeignKey("slot.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("staff_user.id", ondelete="CASCADE"), primary_key=True),
    # A person's other slots are looked up to refuse an overlap.
    Index("ix_slot_panel_user_id", "user_id"),
)


class Slot(db.Model):
    """A time candidates can book. ``booked`` never passes ``capacity``: the database checks
    it, and booking is a conditional UPDATE, so two people cannot take the last place."""

    __tablename__ = "slot"
    __table_args__ = (
        CheckConstraint("capacity >= 1", name="capacity_at_least_one"),
        CheckConstraint("booked >= 0 AND booked <= capacity", name="never_overbooked"),
        CheckConstraint("minutes BETWEEN 5 AND 600", name="minutes_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("role.id", ondelete="CASCADE"), index=True)
    kind: Mapped[SlotKind] = mapped_column(
        db.Enum(SlotKind, name="slot_kind", values_callable=lambda e: [m.value for m in e])
    )
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime)
    minutes: Mapped[int]
    place: Mapped[str] = mapped_column(Text)  # an address, or a video link
    capacity: Mapped[int]
    booked: Mapped[int] = mapped_column(default=0)
    created_by: Mapped[str] = mapped_column(String(320))
    cancelled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # The panel's calendar invitations are stamped with it, so they are the same every time.
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, server_default=func.now())

    role: Mapped[Role] = relationship()
    panel: Mapped[list[User]] = relationship(secondary=slot_panel, order_by=User.name)
    bookings: Mapped[list[Booking]] = relationship(back_populates="slot")

    @property
    def places_left(self) -> int:
        return self.capacity - self.booked

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.minutes)


class Booking(db.Model):
    """A candidate's place in a slot. One live booking per application and kind."""

    __tablename__ = "booking"
    __table_args__ = (
        Index(
            "uq_booking_one_live_per_kind",
            "application_id",
            "kind",
            unique=True,
            postgresql_where=text("cancelled_at IS NULL"),
            sqlite_where=text("cancelled_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("slot.id", ondelete="CASCADE"), index=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("application.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[SlotKind] = mapped_column(
        db.Enum(
            SlotKind,
            name="slot_kind",
            values_callable=lambda e: [m.value for m in e],
            create_type=False,
        )
    )
    booked_at: Mapped[datetime] = mapped_column(UtcDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    slot: Mapped[Slot] = relationship(back_populates="bookings")
    application: Mapped[Application] = relationship()

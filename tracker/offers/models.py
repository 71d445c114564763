"""An offer of an apprenticeship and the conditions to meet before the apprentice starts."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import db
from tracker.types import UtcDateTime


class ConditionKind(enum.Enum):
    RIGHT_TO_WORK = "right_to_work"
    REFERENCES = "references"
    START_DATE = "start_date"

    @property
    def label(self) -> str:
        return {
            "right_to_work": "Right to work in the UK checked (share code or documents)",
            "references": "References received and satisfactory",
            "start_date": "Start date agreed with the apprentice",
        }[self.value]


class Offer(db.Model):
    __tablename__ = "offer"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("application.id", ondelete="CASCADE"), unique=True
    )
    starts_on: Mapped[date] = mapped_column(Date)
    made_at: Mapped[datetime] = mapped_column(UtcDateTime)
    made_by: Mapped[str] = mapped_column(String(320))
    # Asked when the applicant accepts: may their mentor have their email and phone number?
    mentor_contact_consent: Mapped[bool | None]
    consent_recorded_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    conditions: Mapped[list[OfferCondition]] = relationship(
        back_populates="offer", cascade="all, delete-orphan", order_by="OfferCondition.id"
    )

    @property
    def all_met(self) -> bool:
        return all(c.met_at is not None for c in self.conditions)


class OfferCondition(db.Model):
    __tablename__ = "offer_condition"
    __table_args__ = (UniqueConstraint("offer_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Indexed: a shortlist export looks up the conditions of a batch of offers at a time.
    offer_id: Mapped[int] = mapped_column(ForeignKey("offer.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ConditionKind] = mapped_column(
        db.Enum(
            ConditionKind, name="condition_kind", values_callable=lambda e: [m.value for m in e]
        )
    )
    met_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    met_by: Mapped[str | None] = mapped_column(String(320))
    note: Mapped[str | None] = mapped_column(Text)

    offer: Mapped[Offer] = relationship(back_populates="conditions")

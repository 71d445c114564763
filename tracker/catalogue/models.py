"""The role catalogue: a campaign, the tracks it recruits to, and its roles."""

from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import db

LEVELS = (3, 4)


class Campaign(db.Model):
    __tablename__ = "campaign"
    __table_args__ = (
        CheckConstraint("closes_on >= opens_on", name="closes_after_opens"),
        CheckConstraint("expected_start_on >= closes_on", name="starts_after_closing"),
        CheckConstraint("retention_months BETWEEN 1 AND 120", name="retention_months_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    opens_on: Mapped[date] = mapped_column(Date)
    closes_on: Mapped[date] = mapped_column(Date)
    expected_start_on: Mapped[date] = mapped_column(Date)
    # How long unsuccessful candidates' personal data is kept after closing (UK GDPR).
    retention_months: Mapped[int] = mapped_column(default=6)

    roles: Mapped[list[Role]] = relationship(back_populates="campaign", order_by="Role.position")

    def has_opened(self, today: date) -> bool:
        return self.opens_on <= today

    def __repr__(self) -> str:
        return f"<Campaign {self.slug}>"


class Track(db.Model):
    __tablename__ = "track"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)

    roles: Mapped[list[Role]] = relationship(back_populates="track")

    def __repr__(self) -> str:
        return f"<Track {self.slug}>"


class Role(db.Model):
    __tablename__ = "role"
    __table_args__ = (
        UniqueConstraint("campaign_id", "slug"),
        CheckConstraint("level IN (3, 4)", name="level_3_or_4"),
        CheckConstraint("openings >= 1", name="at_least_one_opening"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="RESTRICT"))
    track_id: Mapped[int] = mapped_column(ForeignKey("track.id", ondelete="RESTRICT"), index=True)
    slug: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(200))
    level: Mapped[int]
    standard: Mapped[str] = mapped_column(String(200))
    openings: Mapped[int]
    location: Mapped[str] = mapped_column(String(200))
    hours: Mapped[str] = mapped_column(String(200))
    salary: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    duties: Mapped[list[str]] = mapped_column(db.JSON, default=list)
    # Overrides the campaign's closing date for this role only.
    closes_on_override: Mapped[date | None] = mapped_column(Date)
    position: Mapped[int] = mapped_column(default=0)
    # A role dropped from the catalogue file is unpublished, never deleted: later stages hang
    # applications off it.
    is_published: Mapped[bool] = mapped_column(default=True)

    campaign: Mapped[Campaign] = relationship(back_populates="roles")
    track: Mapped[Track] = relationship(back_populates="roles")
    criteria: Mapped[list[Criterion]] = relationship(
        back_populates="role",
        order_by="(Criterion.kind, Criterion.position)",
        cascade="all, delete-orphan",
    )

    @property
    def closes_on(self) -> date:
        return self.closes_on_override or self.campaign.closes_on

    def is_open(self, today: date) -> bool:
        """Taking applications today. A role dropped from the catalogue is not."""
        return self.is_published and self.campaign.opens_on <= today <= self.closes_on

    @property
    def essential_criteria(self) -> list[Criterion]:
        return [c for c in self.criteria if c.kind is CriterionKind.ESSENTIAL]

    @property
    def desirable_criteria(self) -> list[Criterion]:
        return [c for c in self.criteria if c.kind is CriterionKind.DESIRABLE]

    def __repr__(self) -> str:
        return f"<Role {self.slug} L{self.level}>"


class CriterionKind(enum.Enum):
    ESSENTIAL = "essential"
    DESIRABLE = "desirable"


class Criterion(db.Model):
    """One person-specification line; later stages score candidates against each."""

    __tablename__ = "criterion"
    __table_args__ = (UniqueConstraint("role_id", "kind", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("role.id", ondelete="CASCADE"))
    kind: Mapped[CriterionKind] = mapped_column(
        db.Enum(
            CriterionKind, name="criterion_kind", values_callable=lambda e: [m.value for m in e]
        )
    )
    position: Mapped[int]
    text: Mapped[str] = mapped_column(Text)

    role: Mapped[Role] = relationship(back_populates="criteria")

    def __repr__(self) -> str:
        return f"<Criterion {self.kind.value} {self.position}>"

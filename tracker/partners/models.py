"""A share of candidates with a partner organisation, and the feedback the organisation gives.

A partner sees a candidate only through a live ``SharedCandidate`` row of a live ``Share`` with
their organisation, and only the fields the share allows (see fields.py).
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.accounts.models import PartnerOrganisation
from tracker.applications.models import Application
from tracker.extensions import db
from tracker.types import UtcDateTime


class Recommendation(enum.Enum):
    STRONGLY_RECOMMEND = "strongly_recommend"
    RECOMMEND = "recommend"
    RESERVATIONS = "reservations"
    DO_NOT_RECOMMEND = "do_not_recommend"

    @property
    def label(self) -> str:
        return {
            "strongly_recommend": "Strongly recommend",
            "recommend": "Recommend",
            "reservations": "Recommend with reservations",
            "do_not_recommend": "Do not recommend",
        }[self.value]


class Share(db.Model):
    __tablename__ = "partner_share"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("partner_organisation.id", ondelete="RESTRICT"), index=True
    )
    # What the partner is asked to do, in HR's words: "Assessment day, 12 January".
    purpose: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date] = mapped_column(Date)
    # Codes from fields.SHAREABLE: what the partner may see beyond the reference and role.
    fields: Mapped[list[str]] = mapped_column(db.JSON, default=list)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL")
    )
    created_by: Mapped[str] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # Once locked, feedback can no longer be changed by the partner.
    locked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    locked_by: Mapped[str | None] = mapped_column(String(320))
    # Once ended, the partner sees none of the share's candidates. Feedback stays with HR.
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    ended_by: Mapped[str | None] = mapped_column(String(320))
    reminder_sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # When every shared candidate had feedback and HR was told so.
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    organisation: Mapped[PartnerOrganisation] = relationship()
    criteria: Mapped[list[ShareCriterion]] = relationship(
        back_populates="share", cascade="all, delete-orphan", order_by="ShareCriterion.position"
    )
    candidates: Mapped[list[SharedCandidate]] = relationship(
        back_populates="share", cascade="all, delete-orphan", order_by="SharedCandidate.id"
    )

    @property
    def is_live(self) -> bool:
        return self.ended_at is None

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None


class ShareCriterion(db.Model):
    """One thing the partner is asked to score, from 1 to 4."""

    __tablename__ = "partner_share_criterion"
    __table_args__ = (UniqueConstraint("share_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    share_id: Mapped[int] = mapped_column(ForeignKey("partner_share.id", ondelete="CASCADE"))
    position: Mapped[int]
    text: Mapped[str] = mapped_column(String(200))

    share: Mapped[Share] = relationship(back_populates="criteria")


class SharedCandidate(db.Model):
    __tablename__ = "partner_shared_candidate"
    __table_args__ = (UniqueConstraint("share_id", "application_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    share_id: Mapped[int] = mapped_column(ForeignKey("partner_share.id", ondelete="CASCADE"))
    application_id: Mapped[int] = mapped_column(
        ForeignKey("application.id", ondelete="CASCADE"), index=True
    )
    unshared_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    unshared_by: Mapped[str | None] = mapped_column(String(320))

    share: Mapped[Share] = relationship(back_populates="candidates")
    application: Mapped[Application] = relationship()
    feedback: Mapped[PartnerFeedback | None] = relationship(
        back_populates="shared_candidate", cascade="all, delete-orphan"
    )


class PartnerFeedback(db.Model):
    """The organisation's feedback on one shared candidate: one per share and candidate."""

    __tablename__ = "partner_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    shared_candidate_id: Mapped[int] = mapped_column(
        ForeignKey("partner_shared_candidate.id", ondelete="CASCADE"), unique=True
    )
    recommendation: Mapped[Recommendation] = mapped_column(
        db.Enum(
            Recommendation,
            name="partner_recommendation",
            values_callable=lambda e: [m.value for m in e],
        )
    )
    comments: Mapped[str | None] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    author: Mapped[str] = mapped_column(String(320))
    submitted_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)

    shared_candidate: Mapped[SharedCandidate] = relationship(back_populates="feedback")
    scores: Mapped[list[FeedbackScore]] = relationship(
        back_populates="feedback", cascade="all, delete-orphan", lazy="selectin"
    )


class FeedbackScore(db.Model):
    __tablename__ = "partner_feedback_score"
    __table_args__ = (
        UniqueConstraint("feedback_id", "criterion_id"),
        CheckConstraint("score BETWEEN 1 AND 4", name="score_one_to_four"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_id: Mapped[int] = mapped_column(ForeignKey("partner_feedback.id", ondelete="CASCADE"))
    criterion_id: Mapped[int] = mapped_column(
        ForeignKey("partner_share_criterion.id", ondelete="CASCADE")
    )
    score: Mapped[int]

    feedback: Mapped[PartnerFeedback] = relationship(back_populates="scores")
    criterion: Mapped[ShareCriterion] = relationship()

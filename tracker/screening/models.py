"""Staff notes on a candidate, and reviewers' scorecards."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import db
from tracker.types import UtcDateTime


class CandidateNote(db.Model):
    __tablename__ = "candidate_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("application.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    author_label: Mapped[str] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    text: Mapped[str] = mapped_column(Text)


class Scorecard(db.Model):
    """One reviewer's scores for one candidate. Others' scores stay hidden from a reviewer
    until they submit their own, so nobody anchors on a colleague's marks."""

    __tablename__ = "scorecard"
    __table_args__ = (UniqueConstraint("application_id", "reviewer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("application.id", ondelete="CASCADE"), index=True
    )
    reviewer_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL")
    )
    reviewer_label: Mapped[str] = mapped_column(String(320))
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    scores: Mapped[list[Score]] = relationship(
        back_populates="scorecard", cascade="all, delete-orphan", order_by="Score.position"
    )


class Score(db.Model):
    """A score from 1 to 4 against one criterion, with the evidence for it."""

    __tablename__ = "scorecard_score"
    __table_args__ = (
        UniqueConstraint("scorecard_id", "position"),
        CheckConstraint("score BETWEEN 1 AND 4", name="score_1_to_4"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scorecard_id: Mapped[int] = mapped_column(ForeignKey("scorecard.id", ondelete="CASCADE"))
    # Kept with the criterion's words and kind, if the catalogue later changes the criterion.
    criterion_id: Mapped[int | None] = mapped_column(
        ForeignKey("criterion.id", ondelete="SET NULL")
    )
    essential: Mapped[bool]
    position: Mapped[int]
    criterion: Mapped[str] = mapped_column(Text)
    score: Mapped[int]
    evidence: Mapped[str] = mapped_column(Text, default="")

    scorecard: Mapped[Scorecard] = relationship(back_populates="scores")


class IdentityReveal(db.Model):
    """An HR user chose to see who a candidate is while the application is name-blind.

    It lasts for that user and that application only: other reviewers still see the
    application name-blind. Each reveal is also in the audit log, with its reason.
    """

    __tablename__ = "identity_reveal"
    __table_args__ = (UniqueConstraint("application_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("application.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id", ondelete="CASCADE"))
    revealed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    reason: Mapped[str] = mapped_column(String(500))


class SavedView(db.Model):
    """A member of staff's named filter and sort of one role's candidate list.

    ``query`` holds the list's normalised query string (never the page, nor a search, which
    could name an applicant): see tracker.screening.filters.
    """

    __tablename__ = "saved_view"
    __table_args__ = (UniqueConstraint("user_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id", ondelete="CASCADE"))
    role_id: Mapped[int] = mapped_column(ForeignKey("role.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    query: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)

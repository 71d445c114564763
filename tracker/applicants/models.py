"""Applicants: people who apply. They have no password; they sign in with an emailed link."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.accounts.server_sessions import ServerSession
from tracker.extensions import db
from tracker.types import UtcDateTime


class Applicant(db.Model):
    __tablename__ = "applicant"
    __table_args__ = (CheckConstraint("email = lower(email)", name="email_lower_case"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, server_default=func.now())
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Set when their email address was replaced because every application was anonymised.
    anonymised_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    def __repr__(self) -> str:
        return f"<Applicant {self.id}>"


class SignInLink(db.Model):
    """A single-use, expiring sign-in link. Only its hash is stored.

    It names an email address rather than an applicant, so that asking for a link creates no
    account: the applicant row is made when a link is first used.
    """

    __tablename__ = "applicant_sign_in_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The role the applicant was applying for when they asked, to take them back to it.
    role_slug: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class ApplicantSession(ServerSession, db.Model):
    """A signed-in applicant, held on the server so that signing out really ends it."""

    __tablename__ = "applicant_session"

    applicant_id: Mapped[int] = mapped_column(
        ForeignKey("applicant.id", ondelete="CASCADE"), index=True
    )

    # Loaded with the session, in the same query: every signed-in request needs both, and a
    # second round trip to the database on each of them is time a busy campaign does not have.
    applicant: Mapped[Applicant] = relationship(lazy="joined", innerjoin=True)


class KeptForm(db.Model):
    """What an applicant typed into a form and posted after their session had ended, kept
    for a day so that signing in again brings it back rather than losing it.

    Found by the hash of a random token held only in that browser's cookie, and given back
    only to the applicant whose session it was, on the page it was typed on.
    """

    __tablename__ = "kept_form"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    applicant_id: Mapped[int] = mapped_column(
        ForeignKey("applicant.id", ondelete="CASCADE"), index=True
    )
    path: Mapped[str] = mapped_column(String(300))
    # [[name, value], ...]: a form may send one name more than once (checkboxes).
    fields: Mapped[list[list[str]]] = mapped_column(db.JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)

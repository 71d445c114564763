"""Staff users, what they may do (roles and scopes), their sessions and one-time tokens."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    String,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from tracker.accounts.server_sessions import ServerSession
from tracker.extensions import db
from tracker.types import UtcDateTime


class StaffRole(enum.Enum):
    ADMIN = "admin"  # HR: runs the campaign and the system
    HIRING_MANAGER = "hiring_manager"  # scoped to tracks and/or roles
    PARTNER = "partner"  # an employer partner: sees only what is shared with its organisation
    MENTOR = "mentor"

    @property
    def label(self) -> str:
        return {
            "admin": "Administrator (HR)",
            "hiring_manager": "Hiring manager",
            "partner": "Employer partner",
            "mentor": "Mentor",
        }[self.value]


def _enum(cls, name):
    return db.Enum(cls, name=name, values_callable=lambda e: [m.value for m in e])


def organisation_name_key(name: str) -> str:
    """What two organisations' names must differ in to be two organisations: not case, not
    spaces ("Acme Ltd" and "ACME  ltd" are one)."""
    return "".join(name.split()).casefold()


class PartnerOrganisation(db.Model):
    __tablename__ = "partner_organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    # The name's key, kept by the model whenever the name is set (so no caller can forget):
    # its unique index is what makes two spellings of one name one organisation, on
    # PostgreSQL and on SQLite alike. Casefolding can lengthen a name ("ß" is "ss", "ﬃ" is
    # "ffi"), hence three times the name's length.
    name_key: Mapped[str] = mapped_column(String(600), unique=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, server_default=func.now())

    @validates("name")
    def _keep_name_key(self, _key: str, name: str) -> str:
        self.name_key = organisation_name_key(name)
        return name

    def __repr__(self) -> str:
        return f"<PartnerOrganisation {self.name}>"


class User(db.Model):
    """A member of staff, a partner or a mentor. Applicants are not users: they sign in by link."""

    __tablename__ = "staff_user"
    __table_args__ = (CheckConstraint("email = lower(email)", name="email_lower_case"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # None until the invitation is accepted: nobody can sign in without having set one.
    password_hash: Mapped[str | None] = mapped_column(String(200))
    is_active: Mapped[bool] = mapped_column(default=True)
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    # The last TOTP time step used, so a code cannot be replayed within its window.
    totp_last_step: Mapped[int | None]
    partner_organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("partner_organisation.id", ondelete="RESTRICT")
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, server_default=func.now())
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # When they last opened "partner feedback received": newer feedback counts as new.
    partner_feedback_seen_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    roles: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )
    scopes: Mapped[list[ManagerScope]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )
    partner_organisation: Mapped[PartnerOrganisation | None] = relationship()

    # Flask-Login's protocol. The id it keeps in the cookie is the server-side session's
    # token, set on the instance when the session is loaded (see accounts/login.py).
    session_token = None
    staff_session = None
    is_authenticated = True
    is_anonymous = False

    def get_id(self) -> str | None:
        return self.session_token

    @property
    def role_set(self) -> set[StaffRole]:
        return {r.role for r in self.roles}

    def has_role(self, role: StaffRole) -> bool:
        return role in self.role_set

    @property
    def needs_second_factor(self) -> bool:
        return self.has_role(StaffRole.ADMIN)

    @property
    def has_accepted_invitation(self) -> bool:
        return self.password_hash is not None

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class UserRole(db.Model):
    __tablename__ = "staff_user_role"
    __table_args__ = (UniqueConstraint("user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id", ondelete="CASCADE"))
    role: Mapped[StaffRole] = mapped_column(_enum(StaffRole, "staff_role"))

    user: Mapped[User] = relationship(back_populates="roles")


class ManagerScope(db.Model):
    """A track or a single role a hiring manager is responsible for."""

    __tablename__ = "manager_scope"
    __table_args__ = (
        CheckConstraint("(track_id IS NULL) != (role_id IS NULL)", name="track_or_role"),
        UniqueConstraint("user_id", "track_id", "role_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id", ondelete="CASCADE"))
    track_id: Mapped[int | None] = mapped_column(ForeignKey("track.id", ondelete="CASCADE"))
    role_id: Mapped[int | None] = mapped_column(ForeignKey("role.id", ondelete="CASCADE"))

    user: Mapped[User] = relationship(back_populates="scopes")


class TokenPurpose(enum.Enum):
    INVITATION = "invitation"
    PASSWORD_RESET = "password_reset"  # noqa: S105 - a name, not a password


class AccountToken(db.Model):
    """A single-use, expiring link. Only a hash is stored: a database leak reveals no link."""

    __tablename__ = "account_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id", ondelete="CASCADE"))
    purpose: Mapped[TokenPurpose] = mapped_column(_enum(TokenPurpose, "token_purpose"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, server_default=func.now())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    user: Mapped[User] = relationship()


class StaffSession(ServerSession, db.Model):
    """A signed-in session, held on the server so that signing out really ends it."""

    __tablename__ = "staff_session"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("staff_user.id", ondelete="CASCADE"), index=True
    )
    # Set when this session passes the second factor. Whether one is needed is asked of the
    # user on every request, so someone made an administrator mid-session must give a code.
    verified_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    ip: Mapped[str | None] = mapped_column(String(45))

    user: Mapped[User] = relationship()

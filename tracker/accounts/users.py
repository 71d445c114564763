"""Verbs on a user's own account that the others build on: the first administrator, a
changed password, and ending every session and link a user has. Each flushes and never
commits. HR's verbs on other accounts are in access.py."""

from __future__ import annotations

from sqlalchemy import select, update

from tracker.accounts.models import AccountToken, StaffRole, StaffSession, User, UserRole
from tracker.accounts.passwords import hash_password, password_problem, verify_password
from tracker.audit.services import record_event
from tracker.clock import utcnow
from tracker.extensions import db, rows_matched
from tracker.refusals import Refused


class AccountError(Refused):
    """A request that cannot be done, with a message to show the person who asked."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def create_admin(*, created_by: str, email: str, name: str, password: str) -> User:
    """The first administrator, from the command line."""
    email = normalise_email(email)
    if db.session.scalar(select(User).where(User.email == email)):
        raise AccountError(f"There is already a user with the email {email}")
    problem = password_problem(password, email=email)
    if problem:
        raise AccountError(problem)
    user = User(email=email, name=name.strip(), password_hash=hash_password(password))
    user.roles = [UserRole(role=StaffRole.ADMIN)]
    db.session.add(user)
    db.session.flush()
    record_event(
        actor=None,
        actor_label=created_by,
        action="user.created",
        object_type="user",
        object_id=user.id,
        details={"roles": ["admin"], "email": email},
    )
    return user


def cancel_links(user: User) -> None:
    """Every unused invitation or reset link for this user stops working."""
    db.session.execute(
        update(AccountToken)
        .where(AccountToken.user_id == user.id, AccountToken.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def revoke_sessions(user: User, *, except_session: StaffSession | None = None) -> int:
    query = update(StaffSession).where(
        StaffSession.user_id == user.id, StaffSession.revoked_at.is_(None)
    )
    if except_session is not None:
        query = query.where(StaffSession.id != except_session.id)
    return rows_matched(query.values(revoked_at=utcnow()))


def change_password(*, user: User, staff_session: StaffSession, current: str, new: str) -> None:
    if not verify_password(user.password_hash, current):
        raise AccountError("Your current password is not right", field="current")
    problem = password_problem(new, email=user.email)
    if problem:
        raise AccountError(problem, field="password")
    user.password_hash = hash_password(new)
    # Anyone else signed in as this user (a stolen session, say) is signed out, and any
    # reset link someone may have intercepted stops working.
    revoke_sessions(user, except_session=staff_session)
    cancel_links(user)
    db.session.flush()
    record_event(actor=user, action="user.password_changed", object_type="user", object_id=user.id)

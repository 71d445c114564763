"""Invitation and password-reset links: each works once, before it expires, and a new one
replaces any earlier one of its kind. Only a link's hash is stored. The verbs flush and
never commit."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from tracker.accounts.models import AccountToken, TokenPurpose, User
from tracker.accounts.passwords import hash_password, password_problem
from tracker.accounts.tokens import new_token, token_hash
from tracker.accounts.users import AccountError, cancel_links, normalise_email, revoke_sessions
from tracker.audit.services import record_event
from tracker.clock import utcnow
from tracker.extensions import db, rows_matched
from tracker.formatting import public_url
from tracker.notifications.services import queue_email


def issue_token(user: User, purpose: TokenPurpose, valid_for: timedelta) -> str:
    # A new link replaces any earlier one of the same kind.
    db.session.execute(
        update(AccountToken)
        .where(
            AccountToken.user_id == user.id,
            AccountToken.purpose == purpose,
            AccountToken.used_at.is_(None),
        )
        .values(used_at=utcnow())
    )
    token = new_token()
    db.session.add(
        AccountToken(
            user_id=user.id,
            purpose=purpose,
            token_hash=token_hash(token),
            expires_at=utcnow() + valid_for,
        )
    )
    db.session.flush()
    return token


def _usable_token(token: str, purpose: TokenPurpose) -> AccountToken | None:
    found = db.session.scalar(
        select(AccountToken).where(
            AccountToken.token_hash == token_hash(token), AccountToken.purpose == purpose
        )
    )
    if found is None or found.used_at is not None or found.expires_at <= utcnow():
        return None
    if not found.user.is_active:
        return None
    return found


def user_for_token(token: str, purpose: TokenPurpose) -> User | None:
    found = _usable_token(token, purpose)
    return found.user if found else None


def set_password_with_token(*, token: str, purpose: TokenPurpose, password: str) -> User:
    """Accept an invitation or complete a reset: the link works once, then never again."""
    found = _usable_token(token, purpose)
    if found is None:
        raise AccountError("This link has expired or has already been used")
    user = found.user
    problem = password_problem(password, email=user.email)
    if problem:
        raise AccountError(problem, field="password")
    # Claim the link with one conditional UPDATE: of two requests at once, one wins.
    claimed = rows_matched(
        update(AccountToken)
        .where(
            AccountToken.id == found.id,
            AccountToken.used_at.is_(None),
            AccountToken.expires_at > utcnow(),
        )
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if not claimed:
        raise AccountError("This link has expired or has already been used")
    user.password_hash = hash_password(password)
    cancel_links(user)
    revoke_sessions(user)
    db.session.flush()
    action = (
        "user.invitation_accepted" if purpose is TokenPurpose.INVITATION else "user.password_reset"
    )
    record_event(actor=user, action=action, object_type="user", object_id=user.id)
    return user


def request_password_reset(*, email: str) -> None:
    """Email a reset link if the address belongs to an active user; say nothing either way."""
    email = normalise_email(email)
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None or not user.is_active or not user.has_accepted_invitation:
        record_event(actor=None, actor_label=email, action="user.password_reset_unknown")
        return
    minutes = current_app.config["PASSWORD_RESET_VALID_MINUTES"]
    token = issue_token(user, TokenPurpose.PASSWORD_RESET, timedelta(minutes=minutes))
    queue_email(
        actor=email,
        to=user.email,
        template="staff_password_reset",
        context={
            "user_id": user.id,
            "link": public_url("accounts.reset_link", token=token),
            "valid_minutes": minutes,
        },
        idempotency_key=f"staff_password_reset:{user.id}:{token_hash(token)[:16]}",
    )
    record_event(
        actor=user, action="user.password_reset_requested", object_type="user", object_id=user.id
    )

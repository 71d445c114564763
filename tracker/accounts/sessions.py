"""Staff sign-in and sessions. The verbs flush and never commit."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from tracker.accounts.models import StaffSession, User
from tracker.accounts.passwords import hash_password, needs_rehash, verify_password
from tracker.accounts.tokens import new_token, token_hash
from tracker.accounts.users import normalise_email
from tracker.audit.services import record_event
from tracker.clock import utcnow
from tracker.extensions import db


def find_user_for_sign_in(*, email: str, password: str) -> User | None:
    """The active user with this email and password; None otherwise, in about the same time.
    A failure is audited under the address tried."""
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if not verify_password(user.password_hash if user else None, password) or not user.is_active:
        record_event(actor=None, actor_label=normalise_email(email), action="sign_in.failed")
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def start_session(*, user: User, ip: str | None) -> tuple[StaffSession, str]:
    """A new server-side session; the returned token goes in the signed cookie."""
    token = new_token()
    now = utcnow()
    staff_session = StaffSession(
        token_hash=token_hash(token),
        user_id=user.id,
        created_at=now,
        last_seen_at=now,
        verified_at=None,
        ip=ip,
    )
    db.session.add(staff_session)
    user.last_sign_in_at = now
    db.session.flush()
    record_event(actor=user, action="sign_in.succeeded", object_type="user", object_id=user.id)
    return staff_session, token


def find_live_session(token: str, *, touch: bool = True) -> StaffSession | None:
    """The session for a cookie's token if it is still valid; refreshes its idle timer
    unless ``touch`` is false (a page only asking how long is left is not activity)."""
    config = current_app.config
    now = utcnow()
    staff_session = db.session.scalar(
        select(StaffSession).where(StaffSession.token_hash == token_hash(token))
    )
    if staff_session is None or staff_session.revoked_at is not None:
        return None
    idle = timedelta(minutes=config["STAFF_IDLE_TIMEOUT_MINUTES"])
    lifetime = timedelta(hours=config["STAFF_SESSION_MAX_HOURS"])
    if now - staff_session.last_seen_at > idle or now - staff_session.created_at > lifetime:
        staff_session.revoked_at = now
        return None
    if not staff_session.user.is_active:
        return None
    # Writing on every request is wasteful; a minute's precision is plenty for an idle timer.
    if touch and now - staff_session.last_seen_at > timedelta(minutes=1):
        staff_session.last_seen_at = now
    return staff_session


def end_session(*, staff_session: StaffSession) -> None:
    """Sign out: this session stops working, wherever a copy of its cookie is."""
    staff_session.revoked_at = utcnow()
    db.session.flush()
    record_event(
        actor=staff_session.user,
        action="sign_out",
        object_type="user",
        object_id=staff_session.user_id,
    )

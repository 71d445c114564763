"""Staff sign-in and sessions, on the shared server-side sessions (server_sessions.py). The
verbs flush and never commit."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from tracker.accounts import server_sessions
from tracker.accounts.models import StaffSession, User
from tracker.accounts.passwords import hash_password, needs_rehash, verify_password
from tracker.accounts.server_sessions import Timeouts
from tracker.accounts.users import normalise_email
from tracker.audit.services import record_event
from tracker.extensions import db


def timeouts() -> Timeouts:
    """A staff session's time limits, as configured now."""
    config = current_app.config
    return Timeouts(
        idle=timedelta(minutes=config["STAFF_IDLE_TIMEOUT_MINUTES"]),
        lifetime=timedelta(hours=config["STAFF_SESSION_MAX_HOURS"]),
        touch_every=timedelta(minutes=1),
    )


def find_user_for_sign_in(*, email: str, password: str) -> User | None:
    """The active user with this email and password; None otherwise, in about the same time.
    A failure is audited under the address tried."""
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    # The password is checked even when there is no such user, so both take the same time.
    verified = verify_password(user.password_hash if user else None, password)
    if user is None or not verified or not user.is_active or user.password_hash is None:
        record_event(actor=None, actor_label=normalise_email(email), action="sign_in.failed")
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def start_session(*, user: User, ip: str | None) -> tuple[StaffSession, str]:
    """A new server-side session; the returned token goes in the signed cookie."""
    staff_session, token = server_sessions.start(
        StaffSession, user_id=user.id, verified_at=None, ip=ip
    )
    user.last_sign_in_at = staff_session.created_at
    db.session.flush()
    record_event(actor=user, action="sign_in.succeeded", object_type="user", object_id=user.id)
    return staff_session, token


def find_live_session(token: str, *, touch: bool = True) -> StaffSession | None:
    """The session for a cookie's token if it is still valid and its user still active;
    refreshes its idle timer unless ``touch`` is false."""
    return server_sessions.find_live(
        StaffSession, token, timeouts(), touch=touch, usable=lambda found: found.user.is_active
    )


def end_session(*, staff_session: StaffSession) -> None:
    """Sign out: this session stops working, wherever a copy of its cookie is."""
    server_sessions.end(staff_session)
    record_event(
        actor=staff_session.user,
        action="sign_out",
        object_type="user",
        object_id=staff_session.user_id,
    )

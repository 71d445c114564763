"""Account verbs for signing in, sessions, security codes and passwords. Each takes the acting
user (or says who acts), flushes, and never commits. HR's verbs on other accounts are in
access.py."""

from __future__ import annotations

from datetime import timedelta

import pyotp
from flask import current_app
from sqlalchemy import or_, select, update

from tracker.accounts.models import (
    AccountToken,
    StaffRole,
    StaffSession,
    TokenPurpose,
    User,
    UserRole,
)
from tracker.accounts.passwords import (
    hash_password,
    needs_rehash,
    password_problem,
    verify_password,
)
from tracker.accounts.tokens import new_token, token_hash
from tracker.audit.services import record_event
from tracker.clock import utcnow
from tracker.extensions import db
from tracker.formatting import public_url
from tracker.notifications.services import queue_email
from tracker.refusals import Refused


class AccountError(Refused):
    """A request that cannot be done, with a message to show the person who asked."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


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
    return db.session.execute(query.values(revoked_at=utcnow())).rowcount


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


def new_totp_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    issuer = current_app.config["BRANDING"]["service_name"]
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=issuer)


def _matching_step(secret: str, code: str) -> int | None:
    """The time step the code belongs to (allowing one step of clock drift), or None."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    now = utcnow()
    for drift in (0, -1, 1):
        at = now + timedelta(seconds=30 * drift)
        if totp.verify(code, for_time=at, valid_window=0):
            return totp.timecode(at)
    return None


def enrol_second_factor(*, user: User, staff_session: StaffSession, secret: str, code: str) -> None:
    """Keep the app's secret once the user proves it makes the right codes; this session has
    given a code, so it is fully signed in.

    :raise AccountError: for a code the secret does not make now.
    """
    step = _matching_step(secret, code)
    if step is None:
        raise AccountError(
            "The code is not right. Enter the 6-digit code your app shows now", field="code"
        )
    user.totp_secret = secret
    user.totp_last_step = step
    staff_session.verified_at = utcnow()
    db.session.flush()
    record_event(
        actor=user, action="user.second_factor_enrolled", object_type="user", object_id=user.id
    )


def verify_second_factor(*, user: User, staff_session: StaffSession, code: str) -> bool:
    """Whether the code passes (each one once); the attempt is audited either way, so a
    failure is recorded even though nothing else changes."""
    passed = _accept_code(user=user, staff_session=staff_session, code=code)
    record_event(
        actor=user,
        action="sign_in.second_factor_passed" if passed else "sign_in.second_factor_failed",
        object_type="user",
        object_id=user.id,
    )
    return passed


def _accept_code(*, user: User, staff_session: StaffSession, code: str) -> bool:
    step = _matching_step(user.totp_secret or "", code) if user.totp_secret else None
    if step is None:
        return False
    # One conditional UPDATE, so the same code sent twice at once is accepted only once.
    accepted = db.session.execute(
        update(User)
        .where(
            User.id == user.id,
            or_(User.totp_last_step.is_(None), User.totp_last_step < step),
        )
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not accepted:
        return False
    user.totp_last_step = step
    staff_session.verified_at = utcnow()
    db.session.flush()
    return True


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
    claimed = db.session.execute(
        update(AccountToken)
        .where(
            AccountToken.id == found.id,
            AccountToken.used_at.is_(None),
            AccountToken.expires_at > utcnow(),
        )
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
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


def reset_second_factor(*, actor_label: str, user: User) -> None:
    """For a lost phone: the user sets up a new app at their next sign-in."""
    user.totp_secret = None
    user.totp_last_step = None
    revoke_sessions(user)
    db.session.flush()
    record_event(
        actor=None,
        actor_label=actor_label,
        action="user.second_factor_reset",
        object_type="user",
        object_id=user.id,
    )

"""Security codes from an authenticator app (TOTP), which administrators give at sign-in.
Each code is accepted once. The verbs flush and never commit."""

from __future__ import annotations

from datetime import timedelta

import pyotp
from flask import current_app
from sqlalchemy import or_, update

from tracker.accounts.models import StaffSession, User
from tracker.accounts.users import AccountError, revoke_sessions
from tracker.audit.services import record_event
from tracker.clock import utcnow
from tracker.extensions import db, rows_matched


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
    accepted = rows_matched(
        update(User)
        .where(
            User.id == user.id,
            or_(User.totp_last_step.is_(None), User.totp_last_step < step),
        )
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    if not accepted:
        return False
    user.totp_last_step = step
    staff_session.verified_at = utcnow()
    db.session.flush()
    return True


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

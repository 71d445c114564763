"""Flask-Login wired to server-side sessions.

The signed cookie holds only a random session token. Each request looks the token up, so a
session ended on the server (sign-out, deactivation, password reset, timeout) stops working
even for someone holding a copy of the cookie.
"""

from __future__ import annotations

from flask import Flask, g, redirect, request, session, url_for
from flask_login import current_user, login_user, logout_user

from tracker.accounts import sessions
from tracker.accounts.models import User
from tracker.accounts.server_sessions import STATUS_ENDPOINT, init_server_sessions
from tracker.extensions import login_manager


def _load_user(token: str) -> User | None:
    # Commits nothing: the session's own bookkeeping (its idle timer, or its end) is stored
    # after the view, or with its commit (tracker/accounts/server_sessions.py).
    staff_session = sessions.find_live_session(token, touch=request.endpoint != STATUS_ENDPOINT)
    if staff_session is None:
        return None
    user = staff_session.user
    user.staff_session = staff_session
    user.session_token = token
    return user


def _unauthorised():
    return redirect(url_for("accounts.sign_in", next=request.full_path.rstrip("?")))


def sign_in(user: User, *, ip: str | None) -> None:
    """Start a fresh session: nothing from the anonymous session survives (no fixation)."""
    session.clear()
    staff_session, token = sessions.start_session(user=user, ip=ip)
    user.staff_session = staff_session
    user.session_token = token
    login_user(user, remember=False, fresh=True)
    session.permanent = False


def sign_out() -> None:
    if current_user.is_authenticated:
        sessions.end_session(staff_session=current_user.staff_session)
    logout_user()
    session.clear()


def second_factor_pending() -> bool:
    """Signed in, needs a security code (an administrator), and has not given one yet."""
    return bool(
        current_user.is_authenticated
        and current_user.needs_second_factor
        and current_user.staff_session.verified_at is None
    )


def fully_signed_in() -> bool:
    return bool(current_user.is_authenticated and not second_factor_pending())


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    init_server_sessions(app)
    login_manager.user_loader(_load_user)
    login_manager.unauthorized_handler(_unauthorised)
    login_manager.session_protection = None  # the server-side session does this job
    app.add_template_global(fully_signed_in)

    @app.before_request
    def _require_second_factor():
        # A signed-in admin who has not yet given a code may only reach the code pages.
        if second_factor_pending() and request.endpoint not in SECOND_FACTOR_ENDPOINTS:
            target = "accounts.second_factor"
            if not current_user.totp_secret:
                target = "accounts.set_up_second_factor"
            return redirect(url_for(target))
        g.signed_in = current_user.is_authenticated
        return None


SECOND_FACTOR_ENDPOINTS = {
    "accounts.second_factor",
    "accounts.set_up_second_factor",
    "accounts.sign_out",
    "public.branding_css",
    "static",
}

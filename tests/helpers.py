"""Small helpers for driving the app through its real forms."""

from __future__ import annotations

import re

import pyotp

from tests.factories import PASSWORD
from tracker import clock

_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client, path: str) -> str:
    """The CSRF token the page's form carries, as a browser would post it."""
    html = client.get(path, follow_redirects=True).get_data(as_text=True)
    return _CSRF.search(html).group(1)


def sign_in_as(client, user, password: str = PASSWORD):
    """Sign in through the form, then give a security code if the user has an app set up."""
    response = client.post(
        "/staff/sign-in",
        data={
            "email": user.email,
            "password": password,
            "csrf_token": csrf_token(client, "/staff/sign-in"),
        },
    )
    if user.totp_secret and response.status_code == 302:
        path = "/staff/sign-in/security-code"
        token = csrf_token(client, path)
        response = client.post(path, data={"code": _next_code(user), "csrf_token": token})
    return response


def _next_code(user) -> str:
    # Each code works once: use the next time step's, which is allowed for clock drift.
    totp = pyotp.TOTP(user.totp_secret)
    return totp.at(totp.timecode(clock.utcnow()) * 30 + 30)


def start_session_for(client, user) -> None:
    """Leave ``client`` signed in as ``user``, as the sign-in form and security code would,
    through the same services but without their four requests: for tests about something
    else. Sign-in itself is tested through the form (``sign_in_as``).

    An administrator with an app set up gives a code; one without is left part-way, as the
    form leaves them, sent to set one up.
    """
    from tracker.accounts.second_factor import verify_second_factor
    from tracker.accounts.sessions import start_session
    from tracker.extensions import db

    staff_session, token = start_session(user=user, ip="127.0.0.1")
    if user.needs_second_factor and user.totp_secret:
        assert verify_second_factor(user=user, staff_session=staff_session, code=_next_code(user))
    db.session.commit()  # as the sign-in request commits: a refused request's rollback keeps it
    with client.session_transaction() as cookie:
        cookie.clear()  # as the form's sign-in does: nothing of the anonymous session survives
        cookie["_user_id"] = token  # what Flask-Login keeps (tracker/accounts/login.py)
        cookie["_fresh"] = True

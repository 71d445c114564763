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
        # Each code works once: use the next time step's, which is allowed for clock drift.
        totp = pyotp.TOTP(user.totp_secret)
        code = totp.at(totp.timecode(clock.utcnow()) * 30 + 30)
        response = client.post(path, data={"code": code, "csrf_token": csrf_token(client, path)})
    return response

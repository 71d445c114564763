"""Signed-in staff's own account forms with a mistake in each (tests/forms/harness.py).

The harness signs its user in first, so the forms used before that (signing in, the
security code, an invitation, a forgotten or reset password) are walked signed out, with the
same checks, in tests/accounts/test_signed_out_forms.py."""

from __future__ import annotations

from tests.factories import UserFactory
from tests.forms.harness import InvalidPost
from tracker.accounts.models import StaffRole, User
from tracker.extensions import db

SIGNED_OUT = "walked signed out in tests/accounts/test_signed_out_forms.py"


def _password_hash(arranged):
    return db.session.get(User, arranged["user"]).password_hash


CASES = [
    InvalidPost(
        name="change-password-with-the-wrong-current-one",
        endpoint="accounts.change_password",
        user=lambda: UserFactory(roles=[StaffRole.MENTOR]),
        arrange=lambda user: {"url": "/staff/account/password", "user": user.id},
        data=lambda arranged: {
            "current": "not my password at all",
            "password": "three random words",
            "confirm": "three random words",
        },
        field="current",
        message="Your current password is not right",
        state=_password_hash,
    ),
]

EXEMPT: dict[str, str] = {
    "accounts.sign_out": "nothing to fill in: a button that signs out",
    "accounts.sign_in": SIGNED_OUT,
    "accounts.second_factor": SIGNED_OUT,
    "accounts.set_up_second_factor": SIGNED_OUT,
    "accounts.accept_invitation": SIGNED_OUT,
    "accounts.forgotten_password": SIGNED_OUT,
    "accounts.reset_password": SIGNED_OUT,
}

"""The emails accounts send."""

from __future__ import annotations

from tracker.accounts.models import User
from tracker.extensions import db
from tracker.notifications.rendering import email_template


def _name(user_id: int) -> str:
    user = db.session.get(User, user_id)
    return user.name if user else "there"


@email_template(
    "staff_invitation",
    description="Sent when HR invites someone to use the service as staff, partner or mentor.",
    example=lambda: {
        "user_id": 0,
        "invited_by": "Sam Patel",
        "link": "https://apprenticeships.example.gov.uk/staff/invitation/EXAMPLE",
        "valid_days": 7,
    },
)
def staff_invitation(context: dict) -> dict:
    return {
        "name": _name(context["user_id"]),
        "invited_by": context["invited_by"],
        "link": context["link"],
        "valid_days": context["valid_days"],
    }


@email_template(
    "staff_password_reset",
    description="Sent when someone asks to reset their password.",
    example=lambda: {
        "user_id": 0,
        "link": "https://apprenticeships.example.gov.uk/staff/password/reset/EXAMPLE",
        "valid_minutes": 60,
    },
)
def staff_password_reset(context: dict) -> dict:
    return {
        "name": _name(context["user_id"]),
        "link": context["link"],
        "valid_minutes": context["valid_minutes"],
    }

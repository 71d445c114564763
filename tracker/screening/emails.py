"""The emails screening sends to staff."""

from __future__ import annotations

from tracker.accounts.models import User
from tracker.extensions import db
from tracker.notifications.rendering import email_template


@email_template(
    "waiting_digest",
    description="Each morning, tells a hiring manager which roles have candidates waiting "
    "more than WAITING_DAYS days for a decision.",
    example=lambda: {
        "user_id": 0,
        "days": 7,
        "roles": [
            {
                "title": "Data analyst apprentice",
                "count": 4,
                "link": "https://apprenticeships.example.gov.uk/staff/roles/4/candidates",
            }
        ],
    },
)
def waiting_digest(context: dict) -> dict:
    user = db.session.get(User, context["user_id"])
    return {
        "name": user.name if user else "there",
        "days": context["days"],
        "roles": context["roles"],
        "total": sum(role["count"] for role in context["roles"]),
    }

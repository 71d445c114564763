"""The emails this package itself sends. Other packages register theirs beside their code."""

from __future__ import annotations

from tracker.notifications.rendering import email_template


@email_template(
    "test_email",
    description="Sent by staff to check that email delivery works.",
    example=lambda: {"requested_by": "hr.admin@example.gov.uk"},
)
def test_email(context: dict) -> dict:
    return {"requested_by": context["requested_by"]}

"""The email HR's nudge sends: a reminder to book an assessment or interview slot."""

from __future__ import annotations

from tracker.applications.models import Application
from tracker.extensions import db
from tracker.formatting import public_url
from tracker.notifications.rendering import email_template

_EXAMPLE = {
    "name": "Alex",
    "kind": "interview",
    "role_title": "Data analyst apprentice",
    "reference": "K7QM-4X2P",
    "booking_link": "https://apprenticeships.example.gov.uk/applications/1/booking",
    "dashboard": "https://apprenticeships.example.gov.uk/applications",
}


@email_template(
    "reminder_to_book",
    description="Reminds an invited applicant (once per stage, sent by HR) to book a slot.",
    example=lambda: {"application_id": 0, "kind": "interview"},
)
def reminder_to_book(context: dict) -> dict:
    if context["application_id"] == 0:
        return dict(_EXAMPLE)
    application = db.session.get(Application, context["application_id"])
    if application is None:
        # Never fill a real email with example text; a KeyError fails the email for good.
        raise KeyError(f"application {context['application_id']} no longer exists")
    return {
        "name": (application.full_name or "").split(" ")[0] or "there",
        # The stage they were invited to when HR pressed the button, not whatever it is now.
        "kind": context["kind"],
        "role_title": application.role.title,
        "reference": application.reference or "",
        # The same link as the invitation and the applicant's dashboard.
        "booking_link": public_url("scheduling.book", application_id=application.id),
        "dashboard": public_url("applications.dashboard"),
    }

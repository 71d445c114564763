"""Emails about bookings. Built from the booking's id when sent."""

from __future__ import annotations

from tracker.extensions import db
from tracker.notifications.rendering import email_template
from tracker.scheduling.models import Booking
from tracker.templating import long_datetime, public_url

_EXAMPLE = {
    "name": "Alex",
    "kind": "interview",
    "role_title": "Data analyst apprentice",
    "when": "3 February 2027 at 10:00am",
    "minutes": 45,
    "place": "Committee room 2, Town Hall, Town Hall Square",
    "calendar_link": "https://apprenticeships.example.gov.uk/applications/1/booking.ics",
    "booking_link": "https://apprenticeships.example.gov.uk/applications/1/booking",
}


def _about(context: dict) -> dict:
    if context["booking_id"] == 0:
        return dict(_EXAMPLE)
    booking = db.session.get(Booking, context["booking_id"])
    if booking is None:
        raise KeyError(f"booking {context['booking_id']} no longer exists")
    application = booking.application
    return {
        "name": (application.full_name or "").split(" ")[0] or "there",
        "kind": booking.kind.value,
        "role_title": application.role.title,
        "when": long_datetime(booking.slot.starts_at),
        "minutes": booking.slot.minutes,
        "place": booking.slot.place,
        "calendar_link": public_url("scheduling.calendar", application_id=application.id),
        "booking_link": public_url("scheduling.book", application_id=application.id),
    }


for _name, _description in (
    ("booking_confirmed", "Confirms the time an applicant booked, with a calendar file link."),
    ("booking_cancelled", "Confirms that an applicant cancelled their booking."),
    ("booking_reminder", "Reminds an applicant, the day before, of their booked time."),
):
    email_template(_name, description=_description, example=lambda: {"booking_id": 0})(_about)

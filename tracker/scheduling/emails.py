"""Emails about bookings, and the panel's invitations. Built from ids when sent."""

from __future__ import annotations

from flask import current_app

from tracker.extensions import db
from tracker.formatting import long_datetime, public_url
from tracker.notifications.backends import attachments_supported
from tracker.notifications.rendering import email_template
from tracker.scheduling.models import Booking, Slot

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


_PANEL_EXAMPLE = {
    "name": "Priya",
    "kind": "assessment",
    "role_title": "Data analyst apprentice",
    "when": "3 February 2027 at 10:00am",
    "minutes": 45,
    "place": "Committee room 2, Town Hall, Town Hall Square",
    "slot_link": "https://apprenticeships.example.gov.uk/staff/slots/1",
    "calendar_link": "https://apprenticeships.example.gov.uk/staff/slots/1/invitation.ics",
}


@email_template(
    "panel_invitation",
    description="Invites a member of an assessment or interview panel to one slot, with a "
    "calendar invitation attached (or a link to it with GOV.UK Notify).",
    example=lambda: {"slot_id": 0, "user_id": 0},
)
def panel_invitation(context: dict) -> dict:
    attached = {"attached": attachments_supported(current_app.config)}
    if context["slot_id"] == 0:
        # The example (a confirmation page's preview overrides what it knows already).
        return _PANEL_EXAMPLE | attached
    slot = db.session.get(Slot, context["slot_id"])
    if slot is None:
        raise KeyError(f"slot {context['slot_id']} no longer exists")
    member = next((m for m in slot.panel if m.id == context["user_id"]), None)
    return attached | {
        "name": (member.name if member else "").split(" ")[0] or "there",
        "kind": slot.kind.value,
        "role_title": slot.role.title,
        "when": long_datetime(slot.starts_at),
        "minutes": slot.minutes,
        "place": slot.place,
        "slot_link": public_url("scheduling.slot", slot_id=slot.id),
        "calendar_link": public_url("scheduling.invitation", slot_id=slot.id),
    }

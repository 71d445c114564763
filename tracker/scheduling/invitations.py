"""The panel's calendar invitations: one per slot for each person on its panel, emailed
through the outbox with the calendar file attached (SMTP), or a link to it (Notify).

The file is built from the slot alone (its id is the event's UID, its creation time the
DTSTAMP, every panel member an ATTENDEE), so the copy downloaded from the link is the one
that was emailed, and a later update or cancellation can name the same event.
"""

from __future__ import annotations

from email.utils import parseaddr
from urllib.parse import urlsplit

from flask import current_app

from tracker.formatting import public_url
from tracker.notifications.services import queue_email
from tracker.scheduling import ics
from tracker.scheduling.models import Slot

CONTENT_TYPE = "text/calendar; method=REQUEST"
FILENAME = "invitation.ics"


def event_uid(slot: Slot) -> str:
    host = urlsplit(current_app.config["PUBLIC_BASE_URL"]).hostname or "localhost"
    return f"slot-{slot.id}@{host}"


def invitation_file(slot: Slot) -> str:
    """The METHOD:REQUEST calendar for SLOT, organised by the service's from-address."""
    name, address = parseaddr(current_app.config["MAIL_FROM"])
    return ics.calendar_file(
        uid=event_uid(slot),
        starts_at=slot.starts_at,
        minutes=slot.minutes,
        summary=f"{slot.kind.label}: {slot.role.title}",
        location=slot.place,
        description=(
            f"You are on the panel for this {slot.kind.value} for the {slot.role.title} role. "
            f"Who has booked, and the adjustments they asked for: "
            f"{public_url('scheduling.slot', slot_id=slot.id)}"
        ),
        stamp=slot.created_at,
        organizer=(name or address, address),
        attendees=[(member.name, member.email) for member in slot.panel],
    )


def invite_panel(*, actor_label: str, slot: Slot) -> None:
    """Queue each panel member's invitation to SLOT, once per person (the idempotency key)."""
    content = invitation_file(slot)
    for member in slot.panel:
        queue_email(
            actor=actor_label,
            to=member.email,
            template="panel_invitation",
            context={"slot_id": slot.id, "user_id": member.id},
            attachments=[{"filename": FILENAME, "content_type": CONTENT_TYPE, "content": content}],
            idempotency_key=f"panel-invitation:{slot.id}:{member.id}",
        )

"""iCalendar (RFC 5545) files: one for a booked slot, so the applicant can add it to their
phone's calendar (METHOD:PUBLISH), and the panel's invitations (METHOD:REQUEST, RFC 5546),
which mail clients offer to accept. Pure: no Flask, no database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


def _escape(text: str) -> str:
    # RFC 5545 3.3.11: backslash, semicolon, comma and newlines are escaped in TEXT values.
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> list[str]:
    """Lines longer than 75 octets are folded: continuation lines start with a space."""
    out, current = [], ""
    for char in line:
        if len((current + char).encode()) > 75:
            out.append(current)
            current = " " + char
        else:
            current += char
    out.append(current)
    return out


def _param(text: str) -> str:
    # RFC 5545 3.2: a parameter value with ; : or , is quoted, and cannot hold a quote.
    cleaned = " ".join(text.replace('"', "'").split())
    return f'"{cleaned}"' if any(c in cleaned for c in ";:,") else cleaned


def _person(role: str, name: str, email: str, extra: str = "") -> str:
    return f"{role};CN={_param(name)}{extra}:mailto:{email}"


def _utc(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar_file(
    *,
    uid: str,
    starts_at: datetime,
    minutes: int,
    summary: str,
    location: str,
    description: str,
    stamp: datetime,
    organizer: tuple[str, str] | None = None,
    attendees: list[tuple[str, str]] = (),
    sequence: int = 0,
) -> str:
    """One event. With an ``organizer`` (name, email) it is an invitation (METHOD:REQUEST) to
    the ``attendees`` (name, email); without, a plain event to add (METHOD:PUBLISH). The same
    ``uid`` with a higher ``sequence`` later updates or cancels the same event."""
    people = []
    if organizer is not None:
        people.append(_person("ORGANIZER", *organizer))
        people.extend(
            _person(
                "ATTENDEE", name, email, ";ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE"
            )
            for name, email in attendees
        )
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Apprenticeship Tracker//EN",
        "CALSCALE:GREGORIAN",
        f"METHOD:{'REQUEST' if organizer is not None else 'PUBLISH'}",
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{_utc(stamp)}",
        f"SEQUENCE:{sequence}",
        f"DTSTART:{_utc(starts_at)}",
        f"DTEND:{_utc(starts_at + timedelta(minutes=minutes))}",
        f"SUMMARY:{_escape(summary)}",
        f"LOCATION:{_escape(location)}",
        f"DESCRIPTION:{_escape(description)}",
        *people,
        *(["STATUS:CONFIRMED"] if organizer is not None else []),
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        "TRIGGER:-PT1H",
        f"DESCRIPTION:{_escape(summary)}",
        "END:VALARM",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(part for line in lines for part in _fold(line)) + "\r\n"

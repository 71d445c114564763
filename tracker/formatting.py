"""Dates and links as people read them, for pages, emails and services alike.

Pure apart from reading the app's URL map and configuration: no template registration here
(that is tracker.templating's), so any domain may import it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask import current_app, has_request_context, url_for
from werkzeug.routing import BuildError

from tracker.clock import UK


def long_date(value: date) -> str:
    """GOV.UK style: 18 June 2026."""
    return f"{value.day} {value:%B %Y}"


def long_datetime(value: datetime) -> str:
    """A stored UTC time as UK time, GOV.UK style: 18 June 2026 at 2:05pm."""
    local = value.astimezone(UK) if value.tzinfo else value.replace(tzinfo=UTC).astimezone(UK)
    hour = local.hour % 12 or 12
    return f"{long_date(local.date())} at {hour}:{local:%M}{'am' if local.hour < 12 else 'pm'}"


def apply_url(role) -> str | None:
    """Where 'Apply for this role' leads, once the applicant journey is installed."""
    if "applications.start" not in current_app.view_functions:
        return None
    try:
        return url_for("applications.start", slug=role.slug)
    except BuildError:
        return None


def public_url(endpoint: str, **values) -> str:
    """An absolute link on the service's public address, for emails and other channels.

    Works in a request and in a worker (which has no request to take a host from).
    """
    if has_request_context():
        path = url_for(endpoint, **values)
    else:
        path = current_app.url_map.bind("localhost").build(endpoint, values)
    return current_app.config["PUBLIC_BASE_URL"] + path

"""Template filters and globals shared by every page."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask import Flask, current_app, has_request_context, url_for
from werkzeug.routing import BuildError

from tracker.clock import UK
from tracker.clock import today as uk_today


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


def init_templating(app: Flask) -> None:
    from tracker.accounts.permissions import Permission, can
    from tracker.applications.forms import HEARD_ABOUT
    from tracker.notifications.models import EmailStatus

    app.add_template_filter(long_date)
    app.add_template_filter(long_datetime)
    app.add_template_global(apply_url)
    app.add_template_global(uk_today, "uk_today")
    app.add_template_global(can)
    app.add_template_global(Permission, "Permission")
    app.add_template_global(EmailStatus, "EmailStatus")
    app.add_template_global(HEARD_ABOUT, "heard_about_labels")

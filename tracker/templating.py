"""Template filters and globals shared by every page."""

from __future__ import annotations

from datetime import date

from flask import Flask, current_app, url_for
from werkzeug.routing import BuildError


def long_date(value: date) -> str:
    """GOV.UK style: 18 June 2026."""
    return f"{value.day} {value:%B %Y}"


def apply_url(role) -> str | None:
    """Where 'Apply for this role' leads, once the applicant journey is installed."""
    if "applications.start" not in current_app.view_functions:
        return None
    try:
        return url_for("applications.start", slug=role.slug)
    except BuildError:
        return None


def init_templating(app: Flask) -> None:
    app.add_template_filter(long_date)
    app.add_template_global(apply_url)

"""Template filters and globals shared by every page (the formatting itself is in
tracker.formatting, which services and emails use too)."""

from __future__ import annotations

from flask import Flask

from tracker.clock import today as uk_today
from tracker.formatting import apply_url, long_date, long_datetime


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

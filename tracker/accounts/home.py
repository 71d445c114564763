"""Each member of staff's landing page, from their permissions: the one place that decides
where they go after signing in, and where the header's service name leads."""

from __future__ import annotations

from flask import current_app, url_for
from flask_login import current_user

from tracker.accounts.permissions import Permission, can

# A user's landing page: the first of these whose permission they hold. HR and managers
# start from the work queue; a partner or a mentor from their own list.
HOMES: tuple[tuple[Permission, str], ...] = (
    (Permission.VIEW_ROLES, "staff.dashboard"),
    (Permission.MANAGE_USERS, "staff.dashboard"),
    (Permission.GIVE_PARTNER_FEEDBACK, "partners.portal"),
    (Permission.MENTOR_APPRENTICES, "mentoring.mentees"),
)


def home_for(user) -> str:
    """The endpoint of this user's landing page."""
    for permission, endpoint in HOMES:
        if can(user, permission) and endpoint in current_app.view_functions:
            return endpoint
    return "staff.dashboard"


def home_url(user=None) -> str:
    return url_for(home_for(user if user is not None else current_user))

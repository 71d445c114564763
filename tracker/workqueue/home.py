"""What the staff home shows of the work queue. The home page is staff.dashboard; it asks
``home_context`` here, so one view does not depend on another."""

from __future__ import annotations

from flask import current_app

from tracker.accounts.models import StaffRole, User
from tracker.mentoring import queries as mentoring_queries
from tracker.workqueue import lines, manager_queries, partner_mentor_queries
from tracker.workqueue.queries import Settings


def home_context(user: User) -> dict:
    """One count per line, the week's interviews with their times, a partner's shares soonest
    due first, and how many mentees a mentor has."""
    settings = Settings.from_config(current_app.config)
    counts = lines.home(user, settings)
    shown = {c.line.key: c.count for c in counts}
    return {
        "queue": counts,
        "upcoming": (
            lines.first_rows(manager_queries.interviews_this_week(user, settings))
            if shown.get("interviews_this_week")
            else []
        ),
        "upcoming_more": max(0, shown.get("interviews_this_week", 0) - lines.PREVIEW_ROWS),
        "shares_due": (
            lines.first_rows(partner_mentor_queries.partner_feedback_due(user, settings))
            if shown.get("partner_feedback_due")
            else []
        ),
        "mentee_count": (
            mentoring_queries.mentee_count(user) if user.has_role(StaffRole.MENTOR) else 0
        ),
    }

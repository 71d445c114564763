"""The applicant's ranking of their applications in a campaign: 1 is their first choice.

Only applications still in the running are ranked. One that is withdrawn, unsuccessful or
whose offer was declined sinks below the live ones, and a deleted draft leaves no gap, so
staff reading "Choice 1" know it is the applicant's first choice among the roles still open
to them. Every change that takes an application out of the running closes the ranks up here:
pipeline.move for moves into UNRANKED, and drafts.py for deletion.
"""

from __future__ import annotations

from sqlalchemy import select

from tracker.applications.models import Application
from tracker.applications.states import STAFF_LABELS, UNRANKED
from tracker.catalogue.models import Role
from tracker.extensions import db


def ranked_order(applications: list[Application]) -> list[Application]:
    """Live applications in the applicant's order, then the others (in their current order:
    one that has just left the running comes before those that left earlier)."""
    return sorted(applications, key=lambda a: (a.status in UNRANKED, a.preference, a.id))


def close_up(*, applicant_id: int, campaign_id: int) -> None:
    """Number the applicant's applications in the campaign 1, 2, 3... in ranked order.

    Only the preference changes: not the version (the movers' check for a change of state)
    nor updated_at, so staff looking at another of the applicant's applications can still
    move it.
    """
    applications = db.session.scalars(
        select(Application)
        .join(Role)
        .where(Application.applicant_id == applicant_id, Role.campaign_id == campaign_id)
    ).all()
    for position, application in enumerate(ranked_order(list(applications)), start=1):
        if application.preference != position:
            application.preference = position
    db.session.flush()


def rank_label(application: Application) -> str:
    """What staff read about the applicant's preference for this application."""
    if application.status in UNRANKED:
        return f"Not ranked: {STAFF_LABELS[application.status].lower()}"
    return f"Choice {application.preference}"

"""Read-only questions the reports ask: a few queries of compact rows for the pure modules.

Only what anonymisation keeps is read: each application's role, status, submitted_at,
timeline moves, heard_about, needs_hr_check and eligibility finding codes (the equality
report's own queries are in equality_queries.py). Never a name, a contact detail, a date of
birth or any other personal field. The applicant's id is read only to count each person once.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tracker.applications.models import Application, TimelineEntry
from tracker.applications.states import Status
from tracker.catalogue.models import Campaign, Role, Track
from tracker.catalogue.queries import current_campaign
from tracker.extensions import db
from tracker.reports import funnel, sources

# The tables' own columns: many thousands of plain rows, without the ORM's work per row.
_application = Application.__table__.c
_timeline = TimelineEntry.__table__.c


def campaigns() -> list[Campaign]:
    return list(
        db.session.scalars(select(Campaign).order_by(Campaign.opens_on.desc(), Campaign.id.desc()))
    )


def find_campaign(slug: str | None, today: date) -> Campaign | None:
    """The campaign asked for by its slug, else the one applicants see today."""
    if slug is None:
        return current_campaign(today)
    return db.session.scalar(select(Campaign).where(Campaign.slug == slug))


def _submitted(campaign_id: int):
    """The campaign's submitted applications (drafts belong to applicants)."""
    roles = Role.__table__.c
    return (
        _application.role_id.in_(select(roles.id).where(roles.campaign_id == campaign_id)),
        _application.status != Status.DRAFT,
    )


def roles(campaign_id: int) -> list[funnel.RoleInfo]:
    rows = db.session.execute(
        select(Role.id, Role.title, Role.level, Role.position, Track.id, Track.name, Track.position)
        .join(Track, Role.track_id == Track.id)
        .where(Role.campaign_id == campaign_id)
    )
    return [funnel.RoleInfo(*row) for row in rows]


def applications(campaign_id: int) -> list[funnel.ApplicationRow]:
    rows = db.session.execute(
        select(
            _application.id, _application.role_id, _application.status, _application.submitted_at
        ).where(*_submitted(campaign_id))
    )
    return list(map(funnel.ApplicationRow._make, rows))


def moves(campaign_id: int) -> list[funnel.Move]:
    rows = db.session.execute(
        select(
            _timeline.application_id,
            _timeline.from_status,
            _timeline.to_status,
            _timeline.occurred_at,
        )
        .join(Application.__table__, _timeline.application_id == _application.id)
        .where(*_submitted(campaign_id))
        .order_by(_timeline.application_id, _timeline.occurred_at, _timeline.id)
    )
    return list(map(funnel.Move._make, rows))


def funnel_report(campaign: Campaign, grouping: str) -> funnel.FunnelReport:
    return funnel.build(grouping, roles(campaign.id), applications(campaign.id), moves(campaign.id))


def heard_about(campaign_id: int) -> list[str | None]:
    """One answer per applicant: the latest they gave in the campaign."""
    latest: dict[int, str | None] = {}
    rows = db.session.execute(
        select(Application.applicant_id, Application.heard_about)
        .where(*_submitted(campaign_id))
        .order_by(Application.submitted_at, Application.id)
    )
    for applicant_id, answer in rows:
        if answer is not None or applicant_id not in latest:
            latest[applicant_id] = answer
    return list(latest.values())


def eligibility_flags(campaign_id: int) -> sources.Flags:
    """The findings come as stored (one JSON list per application, which works on SQLite
    too) and are cut to their code and severity at once: a message goes no further."""
    rows = db.session.execute(
        select(Application.needs_hr_check, Application.eligibility_findings).where(
            *_submitted(campaign_id)
        )
    )
    return sources.eligibility_flags(rows.tuples())

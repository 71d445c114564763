"""Read-only questions for the reports that explain: the funnel over a period, why
applications ended, how long offers and hires took, and what became of each source.

As queries.py, only what anonymisation keeps is read: role, status, submitted_at, the
timeline's statuses, times and reason codes, withdrawal_reason and heard_about. Never the
timeline's feedback or override reason, nor the applicant's withdrawal details (free text),
nor any personal field. The applicant's id is read only to count each person once.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from tracker.applications.models import Application, TimelineEntry
from tracker.applications.states import Status
from tracker.catalogue.models import Campaign, Role
from tracker.extensions import db
from tracker.reports import comparison, conversion, funnel, queries, reasons, timing

_application = Application.__table__.c
_timeline = TimelineEntry.__table__.c


def _submitted(campaign_id: int):
    """The campaign's submitted applications, as queries.py counts them."""
    roles = Role.__table__.c
    return (
        _application.role_id.in_(select(roles.id).where(roles.campaign_id == campaign_id)),
        _application.status != Status.DRAFT,
    )


def period_funnel(campaign: Campaign, period: comparison.Period) -> funnel.Funnel:
    rows = comparison.within(period, queries.applications(campaign.id))
    report = funnel.build(
        funnel.DEFAULT_GROUPING, queries.roles(campaign.id), rows, queries.moves(campaign.id)
    )
    return report.overall


def compare(
    campaign: Campaign, previous: Campaign | None, period: comparison.Period
) -> comparison.Comparison:
    this = comparison.Side(period, period_funnel(campaign, period))
    if previous is None:
        return comparison.Comparison(this=this, previous=None)
    before = period.same_days_in(previous.name, previous.opens_on)
    return comparison.Comparison(
        this=this, previous=comparison.Side(before, period_funnel(previous, before))
    )


def endings(campaign_id: int) -> list[reasons.Ending]:
    """Every unsuccessful or withdrawn application: the stage it left and its reasons."""
    ended = (Status.UNSUCCESSFUL, Status.WITHDRAWN)
    rows = db.session.execute(
        select(
            _application.id,
            _application.status,
            _application.submitted_at,
            _application.withdrawal_reason,
        ).where(*_submitted(campaign_id), _application.status.in_(ended))
    ).all()
    moves: dict[int, list[funnel.Move]] = defaultdict(list)
    given: dict[int, list[str]] = {}
    entries = db.session.execute(
        select(
            _timeline.application_id,
            _timeline.from_status,
            _timeline.to_status,
            _timeline.occurred_at,
            _timeline.reasons,
        )
        .join(Application.__table__, _timeline.application_id == _application.id)
        .where(*_submitted(campaign_id), _application.status.in_(ended))
        .order_by(_timeline.application_id, _timeline.occurred_at, _timeline.id)
    )
    for application_id, from_status, to_status, occurred_at, codes in entries:
        move = funnel.Move(application_id, from_status, to_status, occurred_at)
        moves[application_id].append(move)
        if to_status is Status.UNSUCCESSFUL:
            given[application_id] = [str(code) for code in codes or ()]
    found = []
    for application_id, status, submitted_at, withdrawal_reason in rows:
        journey = funnel.journey(status, submitted_at, moves[application_id])
        codes = given.get(application_id, []) if status is Status.UNSUCCESSFUL else []
        if status is Status.WITHDRAWN and withdrawal_reason:
            codes = [withdrawal_reason]
        found.append(reasons.Ending(status, journey.left_from, tuple(codes)))
    return found


def timing_report(campaign: Campaign, grouping: str) -> timing.TimingReport:
    return timing.build(
        grouping,
        queries.roles(campaign.id),
        queries.applications(campaign.id),
        queries.moves(campaign.id),
    )


def source_people(campaign_id: int) -> list[conversion.Person]:
    rows = db.session.execute(
        select(
            _application.applicant_id,
            _application.heard_about,
            _application.id,
            _application.role_id,
            _application.status,
            _application.submitted_at,
        )
        .where(*_submitted(campaign_id))
        .order_by(_application.submitted_at, _application.id)
    )
    applications = (
        (applicant_id, heard_about, funnel.ApplicationRow(*rest))
        for applicant_id, heard_about, *rest in rows
    )
    return conversion.people(applications, queries.moves(campaign_id))

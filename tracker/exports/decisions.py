"""The cells of the columns that say what decisions rest on: scores, feedback, times, reasons
and offers. Each takes the application and its extras (see extras.py) and reads nothing else.

Pure: no database and no request, like the registry in columns.py that names them.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from tracker.applications.forms import HEARD_ABOUT, WITHDRAWAL_REASONS
from tracker.applications.states import REJECTION_REASONS, STAFF_LABELS, Status
from tracker.clock import UK, today
from tracker.exports.extras import Extra

if TYPE_CHECKING:
    from tracker.applications.models import Application

_WITHDRAWAL = dict(WITHDRAWAL_REASONS)
# Joins several labels in one cell: labels contain commas, never a semicolon.
JOIN = "; "
TAKE_FORWARD = "Take forward"
NOT_FORWARD = "Consider not taking forward"
OFFER_STATUS = {
    Status.OFFER: "Made",
    Status.PRE_EMPLOYMENT_CHECKS: "Accepted",
    Status.HIRED: "Accepted",
    Status.OFFER_DECLINED: "Declined",
}
CONDITIONS_OUTSTANDING = "Conditions outstanding"


def average_score(application: Application, extra: Extra) -> Decimal | None:
    return application.score_average


def reviewers(application: Application, extra: Extra) -> int:
    return application.score_count or 0


def criterion_average(key: str):
    def value(application: Application, extra: Extra) -> Decimal | None:
        return extra.criteria.get(key)

    return value


def recommendation(application: Application, extra: Extra) -> str | None:
    """The scorecards' suggested outcome, as the candidate's page shows it: take forward when
    every essential criterion averages 3 ("demonstrated") or more over the submitted
    scorecards. Reviewers give scores, not a recommendation of their own."""
    if extra.meets_essentials is None:
        return None
    return TAKE_FORWARD if extra.meets_essentials else NOT_FORWARD


def partner_feedback(application: Application, extra: Extra) -> str | None:
    parts = [f"{org}: {label or 'no feedback yet'}" for org, label in extra.partners]
    return JOIN.join(parts) or None


def _uk(at: datetime | None) -> datetime | None:
    """A UK wall-clock time without a zone: what a spreadsheet shows and sorts as a time."""
    return at.astimezone(UK).replace(tzinfo=None) if at is not None else None


def assessment_at(application: Application, extra: Extra) -> datetime | None:
    return _uk(extra.assessment_at)


def interview_at(application: Application, extra: Extra) -> datetime | None:
    return _uk(extra.interview_at)


def source(application: Application, extra: Extra) -> str | None:
    code = application.heard_about
    return HEARD_ABOUT.get(code, code) if code else None


def days_in_stage(application: Application, extra: Extra) -> int | None:
    at = application.status_changed_at or application.submitted_at
    if not isinstance(at, datetime):
        return None
    return (today() - at.astimezone(UK).date()).days


def rejection_reasons(application: Application, extra: Extra) -> str | None:
    if application.status is not Status.UNSUCCESSFUL:
        return None
    return JOIN.join(REJECTION_REASONS.get(c, c) for c in extra.rejection_reasons) or None


def withdrawal_reason(application: Application, extra: Extra) -> str | None:
    if application.status is not Status.WITHDRAWN:
        return None
    code = application.withdrawal_reason
    return _WITHDRAWAL.get(code, code) if code else None


def offer_date(application: Application, extra: Extra):
    at = extra.offer_made_at
    return at.astimezone(UK).date() if at is not None else None


def offer_status(application: Application, extra: Extra) -> str | None:
    """Made, Accepted, Declined or Conditions outstanding (accepted, checks not all met);
    for an offer overtaken by a withdrawal or an unsuccessful check, the stage's name."""
    if extra.offer_made_at is None:
        return None
    if application.status is Status.PRE_EMPLOYMENT_CHECKS and extra.outstanding:
        return CONDITIONS_OUTSTANDING
    return OFFER_STATUS.get(application.status) or STAFF_LABELS[application.status]


def conditions_outstanding(application: Application, extra: Extra) -> str | None:
    if application.status not in (Status.OFFER, Status.PRE_EMPLOYMENT_CHECKS):
        return None  # no live offer: nothing is waited for
    return JOIN.join(extra.outstanding) or None

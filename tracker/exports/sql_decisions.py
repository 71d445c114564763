"""The decision columns (decisions.py) as PostgreSQL expressions: scores, feedback, times,
reasons and offers, each a correlated subquery found by index per row, or a LATERAL look-up
joined once (Scope.scores). Each gives what its Python function gives for the same rows.

Pure: builds expressions, runs nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import (
    Date,
    Integer,
    Text,
    and_,
    case,
    cast,
    exists,
    func,
    literal,
    null,
    or_,
    select,
)
from sqlalchemy.sql.elements import ColumnElement

from tracker.accounts.models import PartnerOrganisation
from tracker.applications.forms import HEARD_ABOUT, WITHDRAWAL_REASONS
from tracker.applications.models import IN_STAGE_SINCE, Application, TimelineEntry
from tracker.applications.states import REJECTION_REASONS, STAFF_LABELS, Status
from tracker.exports import decisions
from tracker.exports.sql_parts import (
    DAY,
    NUMBER,
    TEXT,
    TIME,
    Scope,
    SqlColumn,
    clean,
    joined_text,
    labelled,
    safe,
    submitted_scores,
    uk_day,
    uk_time,
)
from tracker.offers.models import ConditionKind, Offer, OfferCondition
from tracker.partners.models import PartnerFeedback, Recommendation, Share, SharedCandidate
from tracker.scheduling.models import Booking, Slot, SlotKind
from tracker.screening.models import Score
from tracker.screening.scorecards import MEETS


def _meets_essentials(scope: Scope) -> ColumnElement:
    """extras._scores' meets_essentials: None with no scores, else whether every essential
    criterion (as it was scored: its saved place) averages 3 or more."""
    per_criterion = (
        submitted_scores(Score.essential, func.avg(Score.score).label("average"))
        .group_by(Score.position, Score.essential)
        .correlate(Application)
        .subquery()
    )
    below = or_(per_criterion.c.essential.is_(False), per_criterion.c.average >= MEETS)
    return select(func.bool_and(below)).scalar_subquery()


def criterion_average(key: str) -> Callable[[Scope], ColumnElement]:
    def value(scope: Scope) -> ColumnElement:
        # A place none of the export's roles has (essential_7 of a template): empty.
        return scope.scores.c[key] if key in scope.scores.c else null()

    return value


def _recommendation(meets: ColumnElement) -> ColumnElement:
    # CASE meets WHEN ...: the subquery runs once.
    return case({True: decisions.TAKE_FORWARD, False: decisions.NOT_FORWARD}, value=meets)


def _partner_feedback(finish: Callable[[ColumnElement], ColumnElement]) -> ColumnElement:
    """Each partner and its recommendation, joined; ``finish`` makes the joined text a cell
    inside the subquery."""
    label = labelled(
        PartnerFeedback.recommendation,
        {r: r.label for r in Recommendation},
        otherwise=literal("no feedback yet", Text),
    )
    part = PartnerOrganisation.name + literal(": ", Text) + label
    return (
        select(finish(joined_text(part, (PartnerOrganisation.name, Share.id))))
        .select_from(SharedCandidate)
        .join(Share, Share.id == SharedCandidate.share_id)
        .join(PartnerOrganisation, PartnerOrganisation.id == Share.organisation_id)
        .outerjoin(PartnerFeedback, PartnerFeedback.shared_candidate_id == SharedCandidate.id)
        .where(
            SharedCandidate.application_id == Application.id, SharedCandidate.unshared_at.is_(None)
        )
        .scalar_subquery()
    )


def _booked(kind: SlotKind) -> Callable[[Scope], ColumnElement]:
    def value(scope: Scope) -> ColumnElement:
        return (
            select(uk_time(Slot.starts_at))
            .select_from(Booking)
            .join(Slot, Slot.id == Booking.slot_id)
            .where(
                Booking.application_id == Application.id,
                Booking.kind == kind,
                Booking.cancelled_at.is_(None),
                Slot.cancelled_at.is_(None),
            )
            .order_by(Booking.id.desc())
            .limit(1)
            .scalar_subquery()
        )

    return value


def _rejection_reasons(finish: Callable[[ColumnElement], ColumnElement]) -> ColumnElement:
    latest = (
        select(TimelineEntry.reasons)
        .where(
            TimelineEntry.application_id == Application.id,
            TimelineEntry.to_status == Status.UNSUCCESSFUL,
        )
        .order_by(TimelineEntry.occurred_at.desc(), TimelineEntry.id.desc())
        .limit(1)
        .correlate(Application)
        .scalar_subquery()
    )
    reasons = func.json_array_elements_text(latest).table_valued(
        "value", with_ordinality="ordinality"
    )
    labels = labelled(reasons.c.value, REJECTION_REASONS, otherwise=reasons.c.value)
    joined = select(finish(clean(joined_text(labels, (reasons.c.ordinality,)))))
    return case(
        (Application.status == Status.UNSUCCESSFUL, joined.select_from(reasons).scalar_subquery())
    )


def _withdrawal_reason(scope: Scope) -> ColumnElement:
    code = Application.withdrawal_reason
    label = labelled(code, dict(WITHDRAWAL_REASONS), otherwise=clean(code))
    return case((Application.status == Status.WITHDRAWN, label))


def _offer_made_at():
    return select(Offer.made_at).where(Offer.application_id == Application.id).scalar_subquery()


def _outstanding():
    label = labelled(OfferCondition.kind, {k: k.label for k in ConditionKind})
    return (
        select(joined_text(label, (OfferCondition.id,)))
        .select_from(Offer)
        .join(OfferCondition, OfferCondition.offer_id == Offer.id)
        .where(Offer.application_id == Application.id, OfferCondition.met_at.is_(None))
        .scalar_subquery()
    )


def _offer_status(scope: Scope) -> ColumnElement:
    statuses = {**STAFF_LABELS, **decisions.OFFER_STATUS}
    outstanding = exists(
        select(OfferCondition.id)
        .select_from(Offer)
        .join(OfferCondition, OfferCondition.offer_id == Offer.id)
        .where(Offer.application_id == Application.id, OfferCondition.met_at.is_(None))
    )
    return case(
        (_offer_made_at().is_(None), null()),
        (
            and_(Application.status == Status.PRE_EMPLOYMENT_CHECKS, outstanding),
            decisions.CONDITIONS_OUTSTANDING,
        ),
        else_=labelled(Application.status, statuses),
    )


def _conditions_outstanding(scope: Scope) -> ColumnElement:
    live = Application.status.in_((Status.OFFER, Status.PRE_EMPLOYMENT_CHECKS))
    return case((live, _outstanding()))


def _days_in_stage(scope: Scope) -> ColumnElement:
    at = IN_STAGE_SINCE
    return cast(literal(scope.today, Date) - uk_day(at), Integer)


def _source(scope: Scope) -> ColumnElement:
    code = Application.heard_about
    return case(
        (func.coalesce(code, "") == "", null()),
        else_=labelled(code, HEARD_ABOUT, otherwise=clean(code)),
    )


DECISIONS: dict[str, SqlColumn] = {
    "score_average": SqlColumn(NUMBER, lambda scope: Application.score_average),
    "reviewers": SqlColumn(NUMBER, lambda scope: func.coalesce(Application.score_count, 0)),
    "recommendation": SqlColumn(
        TEXT,
        lambda scope: _recommendation(_meets_essentials(scope)),
        labels=True,
    ),
    "partner_feedback": SqlColumn(
        TEXT,
        lambda scope: _partner_feedback(clean),
        csv=lambda scope: _partner_feedback(lambda text: safe(clean(text))),
    ),
    "assessment_at": SqlColumn(TIME, _booked(SlotKind.ASSESSMENT)),
    "interview_at": SqlColumn(TIME, _booked(SlotKind.INTERVIEW)),
    "source": SqlColumn(TEXT, _source),
    "days_in_stage": SqlColumn(NUMBER, _days_in_stage),
    "rejection_reasons": SqlColumn(
        TEXT,
        lambda scope: _rejection_reasons(lambda text: text),
        csv=lambda scope: _rejection_reasons(safe),
    ),
    "withdrawal_reason": SqlColumn(TEXT, _withdrawal_reason),
    "offer_date": SqlColumn(DAY, lambda scope: uk_day(_offer_made_at())),
    "offer_status": SqlColumn(TEXT, _offer_status, labels=True),
    "conditions_outstanding": SqlColumn(TEXT, _conditions_outstanding, labels=True),
}

"""What a shortlist's decision columns read from beyond the application's own row.

Scores per criterion, partner feedback, bookings, the move that made an application
unsuccessful and the offer are loaded for one batch of applications at a time, with one IN
query each, and dropped with the batch: however many rows an export has, it holds one batch's
extras, and it makes the same few queries per batch whatever columns are chosen.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select

from tracker.accounts.models import PartnerOrganisation
from tracker.applications.models import Application, TimelineEntry
from tracker.applications.states import Status
from tracker.catalogue.models import Criterion, CriterionKind, Role
from tracker.extensions import db
from tracker.offers.models import Offer, OfferCondition
from tracker.partners.models import PartnerFeedback, Share, SharedCandidate
from tracker.scheduling.models import Booking, Slot, SlotKind
from tracker.screening.models import Score, Scorecard
from tracker.screening.scorecards import MEETS

_HUNDREDTH = Decimal("0.01")


def criterion_key(criterion: Criterion) -> str:
    """A criterion's column key: its kind and its place among the role's criteria of that
    kind, counted from 1 ("essential_1"). Roles differ in their criteria, so the key names a
    place, and the header or the Criteria sheet names the words."""
    return criterion_key_of(criterion.kind, criterion.position)


def criterion_key_of(kind: CriterionKind, position: int) -> str:
    return f"{kind.value}_{position + 1}"


def criterion_label(key: str) -> str:
    kind, number = key.split("_")
    return f"{CriterionKind(kind).value.capitalize()} {number}"


@dataclass
class Extra:
    """One application's decision facts. Empty (all None) when there is nothing to say."""

    # Criterion key -> average of the submitted scorecards' scores, to two places.
    criteria: dict[str, Decimal] = field(default_factory=dict)
    # Whether every essential criterion averages 3 or more; None with no scorecards.
    meets_essentials: bool | None = None
    partners: list[tuple[str, str | None]] = field(default_factory=list)
    assessment_at: datetime | None = None
    interview_at: datetime | None = None
    rejection_reasons: list[str] = field(default_factory=list)
    offer_made_at: datetime | None = None
    # Labels of the offer's conditions not yet met, in the offer's order.
    outstanding: list[str] = field(default_factory=list)


NOTHING = Extra()


def _round(value) -> Decimal:
    return Decimal(value).quantize(_HUNDREDTH, rounding=ROUND_HALF_UP)


def load(applications: list[Application], roles: Iterable[Role]) -> dict[int, Extra]:
    """The extras of these applications (one batch), keyed by application id.

    ``roles`` are the export's roles with their criteria loaded: they map a score's criterion
    id to its key without another query.
    """
    ids = [a.id for a in applications]
    extras = {i: Extra() for i in ids}
    if not ids:
        return extras
    keys = {c.id: (criterion_key(c), c.kind) for r in roles for c in r.criteria}
    _scores(ids, keys, extras)
    _partners(ids, extras)
    _bookings(ids, extras)
    unsuccessful = [a.id for a in applications if a.status is Status.UNSUCCESSFUL]
    _reasons(unsuccessful, extras)
    _offers(ids, extras)
    return extras


def _scores(ids: list[int], keys: dict, extras: dict[int, Extra]) -> None:
    """Averages per criterion of the submitted scorecards, worked out here.

    Two index look-ups (the batch's scorecards, then their scores) rather than one join: the
    planner would hash-join the whole score table for each batch, a cost that grows with
    every campaign's scores, where these stay one batch's worth."""
    cards = dict(
        db.session.execute(
            select(Scorecard.id, Scorecard.application_id).where(
                Scorecard.application_id.in_(ids), Scorecard.submitted_at.is_not(None)
            )
        )
        .tuples()
        .all()
    )
    if not cards:
        return
    totals: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    rows = db.session.execute(
        select(Score.scorecard_id, Score.criterion_id, Score.score).where(
            Score.scorecard_id.in_(list(cards)), Score.criterion_id.is_not(None)
        )
    )
    for scorecard_id, criterion_id, score in rows:
        total = totals[cards[scorecard_id], criterion_id]
        total[0] += score
        total[1] += 1
    scored: set[int] = set()
    below: set[int] = set()
    for (application_id, criterion_id), (total, count) in totals.items():
        if criterion_id not in keys:
            continue  # a criterion of a role this export does not hold
        key, kind = keys[criterion_id]
        average = Decimal(total) / count
        extras[application_id].criteria[key] = _round(average)
        scored.add(application_id)
        if kind is CriterionKind.ESSENTIAL and average < MEETS:
            below.add(application_id)
    for application_id in scored:
        extras[application_id].meets_essentials = application_id not in below


def _partners(ids: list[int], extras: dict[int, Extra]) -> None:
    rows = db.session.execute(
        select(SharedCandidate.application_id, PartnerOrganisation.name, PartnerFeedback)
        .join(Share, Share.id == SharedCandidate.share_id)
        .join(PartnerOrganisation, PartnerOrganisation.id == Share.organisation_id)
        .outerjoin(PartnerFeedback, PartnerFeedback.shared_candidate_id == SharedCandidate.id)
        .where(SharedCandidate.application_id.in_(ids), SharedCandidate.unshared_at.is_(None))
        .order_by(SharedCandidate.application_id, PartnerOrganisation.name, Share.id)
    )
    for application_id, organisation, feedback in rows:
        label = feedback.recommendation.label if feedback is not None else None
        extras[application_id].partners.append((organisation, label))


def _bookings(ids: list[int], extras: dict[int, Extra]) -> None:
    rows = db.session.execute(
        select(Booking.application_id, Booking.kind, Slot.starts_at)
        .join(Slot, Slot.id == Booking.slot_id)
        .where(Booking.application_id.in_(ids), Booking.cancelled_at.is_(None))
    )
    for application_id, kind, starts_at in rows:
        if kind is SlotKind.ASSESSMENT:
            extras[application_id].assessment_at = starts_at
        else:
            extras[application_id].interview_at = starts_at


def _reasons(ids: list[int], extras: dict[int, Extra]) -> None:
    """The reasons on the move that made each application unsuccessful (the latest such)."""
    if not ids:
        return
    rows = db.session.execute(
        select(TimelineEntry.application_id, TimelineEntry.reasons)
        .where(
            TimelineEntry.application_id.in_(ids),
            TimelineEntry.to_status == Status.UNSUCCESSFUL,
        )
        .order_by(TimelineEntry.application_id, TimelineEntry.occurred_at, TimelineEntry.id)
    )
    for application_id, reasons in rows:
        extras[application_id].rejection_reasons = list(reasons or [])


def _offers(ids: list[int], extras: dict[int, Extra]) -> None:
    outstanding: dict[int, list] = defaultdict(list)
    rows = db.session.execute(
        select(Offer.application_id, Offer.made_at, OfferCondition.kind)
        .outerjoin(
            OfferCondition,
            (OfferCondition.offer_id == Offer.id) & OfferCondition.met_at.is_(None),
        )
        .where(Offer.application_id.in_(ids))
        .order_by(Offer.application_id, OfferCondition.id)
    )
    for application_id, made_at, kind in rows:
        extras[application_id].offer_made_at = made_at
        if kind is not None:
            outstanding[application_id].append(kind.label)
    for application_id, labels in outstanding.items():
        extras[application_id].outstanding = labels

"""What a shortlist's decision columns read from beyond the application's own row.

Scores per criterion, partner feedback, bookings, the move that made an application
unsuccessful and the offer are loaded for one batch of applications at a time, with one IN
query each, and dropped with the batch: however many rows an export has, it holds one batch's
extras. Only what the chosen columns need is loaded (``Column.needs``): the default columns
read the application's own row and cost no query here at all.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select

from tracker.accounts.models import PartnerOrganisation, User
from tracker.accounts.permissions import Permission, can
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

# What a column may need loaded per batch (Column.needs). "criteria": the roles' criteria,
# loaded once per export (for criterion columns' keys, headers and the Criteria sheet).
SCORES = "scores"
SEEN = "seen"  # whether the user may see the batch's scores (see _hide_unscored)
PARTNERS = "partners"
BOOKINGS = "bookings"
REASONS = "reasons"
OFFERS = "offers"
CRITERIA = "criteria"


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
    # Scores are hidden from a reviewer until they submit their own scorecard.
    scores_hidden: bool = False


NOTHING = Extra()


def _round(value) -> Decimal:
    return Decimal(value).quantize(_HUNDREDTH, rounding=ROUND_HALF_UP)


def load(
    applications: Sequence[Application],
    roles: Iterable[Role],
    *,
    user: User,
    needs: frozenset[str] | set[str],
) -> dict[int, Extra]:
    """The extras of these applications (one batch), keyed by application id: only what
    ``needs`` (the chosen columns' needs) asks for, one IN query each.

    ``roles`` are the export's roles, with their criteria loaded when criterion columns are
    chosen: they map a score's criterion id to its key without another query.
    """
    ids = [a.id for a in applications]
    extras = {i: Extra() for i in ids}
    if not ids or not needs:
        return extras
    if SEEN in needs:
        _hide_unscored(ids, user, extras)
    if SCORES in needs:
        held = roles if CRITERIA in needs else ()
        keys = {c.id: criterion_key(c) for r in held for c in r.criteria}
        _scores(ids, keys, extras)
    if PARTNERS in needs:
        _partners(ids, extras)
    if BOOKINGS in needs:
        _bookings(ids, extras)
    if REASONS in needs:
        _reasons([a.id for a in applications if a.status is Status.UNSUCCESSFUL], extras)
    if OFFERS in needs:
        _offers(ids, extras)
    return extras


def _hide_unscored(ids: list[int], user: User, extras: dict[int, Extra]) -> None:
    """As on the candidate list: without SEE_SCORES_UNSCORED, a reviewer sees a candidate's
    scores only once they have submitted their own scorecard for them."""
    if can(user, Permission.SEE_SCORES_UNSCORED):
        return
    scored = set(
        db.session.scalars(
            select(Scorecard.application_id).where(
                Scorecard.application_id.in_(ids),
                Scorecard.reviewer_id == user.id,
                Scorecard.submitted_at.is_not(None),
            )
        )
    )
    for application_id in ids:
        extras[application_id].scores_hidden = application_id not in scored


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
    # Per criterion column (the catalogue's key) and, for the recommendation, per criterion
    # as it was scored (its saved place and whether it was essential), as the candidate's
    # page summarises it.
    totals: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    scored: dict[tuple[int, int, bool], list[int]] = defaultdict(lambda: [0, 0])
    rows = db.session.execute(
        select(
            Score.scorecard_id, Score.criterion_id, Score.position, Score.essential, Score.score
        ).where(Score.scorecard_id.in_(list(cards)))
    )
    for scorecard_id, criterion_id, position, essential, score in rows:
        application_id = cards[scorecard_id]
        for tally in (
            totals[application_id, criterion_id],
            scored[application_id, position, essential],
        ):
            tally[0] += score
            tally[1] += 1
    for (application_id, criterion_id), (total, count) in totals.items():
        if criterion_id in keys:  # else a criterion of a role this export does not hold
            extras[application_id].criteria[keys[criterion_id]] = _round(Decimal(total) / count)
    below: set[int] = set()
    for (application_id, _, essential), (total, count) in scored.items():
        extras[application_id].meets_essentials = True
        if essential and Decimal(total) / count < MEETS:
            below.add(application_id)
    for application_id in below:
        extras[application_id].meets_essentials = False


def _partners(ids: list[int], extras: dict[int, Extra]) -> None:
    rows = db.session.execute(
        select(
            SharedCandidate.application_id,
            PartnerOrganisation.name,
            PartnerFeedback.recommendation,
        )
        .join(Share, Share.id == SharedCandidate.share_id)
        .join(PartnerOrganisation, PartnerOrganisation.id == Share.organisation_id)
        .outerjoin(PartnerFeedback, PartnerFeedback.shared_candidate_id == SharedCandidate.id)
        .where(SharedCandidate.application_id.in_(ids), SharedCandidate.unshared_at.is_(None))
        .order_by(SharedCandidate.application_id, PartnerOrganisation.name, Share.id)
    )
    for application_id, organisation, recommendation in rows:
        label = recommendation.label if recommendation is not None else None
        extras[application_id].partners.append((organisation, label))


def _bookings(ids: list[int], extras: dict[int, Extra]) -> None:
    rows = db.session.execute(
        select(Booking.application_id, Booking.kind, Slot.starts_at)
        .join(Slot, Slot.id == Booking.slot_id)
        .where(
            Booking.application_id.in_(ids),
            Booking.cancelled_at.is_(None),
            Slot.cancelled_at.is_(None),
        )
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

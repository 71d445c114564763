"""Making an offer with its conditions, the applicant's answer to it, and meeting its
conditions. When the last condition is met for an apprentice who has accepted, they are
hired. Verbs flush and never commit."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tracker.accounts.models import User
from tracker.accounts.permissions import Permission, can
from tracker.applicants.models import Applicant
from tracker.applicants.services import applicant_label
from tracker.applications import pipeline, states
from tracker.applications.errors import ApplicationError
from tracker.applications.models import Application
from tracker.applications.states import Event, Status
from tracker.audit.services import record_event
from tracker.clock import utcnow
from tracker.extensions import db
from tracker.offers.models import ConditionKind, Offer, OfferCondition
from tracker.refusals import Refused


class OfferError(Refused):
    """Something that cannot be done to an offer, with a message for staff."""


def offer_for(application: Application) -> Offer | None:
    return db.session.scalar(select(Offer).where(Offer.application_id == application.id))


def record_offer(*, actor: User, application: Application, starts_on: date | None) -> Offer:
    """Write down the offer being made: its start date and the conditions to meet."""
    if starts_on is None:
        raise OfferError("Enter the start date for the offer")
    if starts_on <= utcnow().date():
        raise OfferError("The start date must be in the future")
    offer = Offer(
        application_id=application.id,
        starts_on=starts_on,
        made_at=utcnow(),
        made_by=actor.email,
        conditions=[OfferCondition(kind=kind) for kind in ConditionKind],
    )
    db.session.add(offer)
    db.session.flush()
    return offer


def respond_to_offer(
    *,
    applicant: Applicant,
    application: Application,
    accept: bool,
    mentor_contact_consent: bool | None = None,
) -> None:
    """The applicant accepts or declines the offer made to them. Accepting also answers
    whether their mentor may have their email address and phone number.

    :raise ApplicationError: when there is no open offer (or it changed meanwhile), or when
        accepting without answering the question about their mentor.
    """
    event = Event.ACCEPT_OFFER if accept else Event.DECLINE_OFFER
    if not states.can(application.status, event):
        raise ApplicationError("There is no offer to answer on this application")
    if accept and mentor_contact_consent is None:
        raise ApplicationError(
            "Select yes if we can give your mentor your email address and phone number"
        )
    try:
        pipeline.move(application, event, actor_label=applicant_label(applicant))
    except pipeline.Conflict as error:
        raise ApplicationError("This application changed meanwhile. Try again") from error
    offer = offer_for(application)
    if accept and offer is not None:
        offer.mentor_contact_consent = mentor_contact_consent
        offer.consent_recorded_at = utcnow()
        record_event(
            actor=None,
            actor_label=applicant_label(applicant),
            action="offer.mentor_contact_consent",
            object_type="application",
            object_id=application.id,
            details={"consent": mentor_contact_consent},
        )
        db.session.flush()


def meet_condition(
    *, actor: User, application: Application, kind: ConditionKind, note: str | None
) -> bool:
    """Mark one condition met; return True when that hires the apprentice.

    :raise OfferError: when there is no accepted offer, or the condition is met already.
    """
    if not can(actor, Permission.MOVE_CANDIDATES):
        raise OfferError("You do not have permission to record offer conditions")
    if application.status is not Status.PRE_EMPLOYMENT_CHECKS:
        raise OfferError("Conditions are recorded once the candidate has accepted the offer")
    offer = offer_for(application)
    condition = next((c for c in offer.conditions if c.kind is kind), None) if offer else None
    if offer is None or condition is None:
        raise OfferError("This offer has no such condition")
    if condition.met_at is not None:
        raise OfferError("That condition is already met")
    condition.met_at = utcnow()
    condition.met_by = actor.email
    condition.note = note or None
    record_event(
        actor=actor,
        action="offer.condition_met",
        object_type="application",
        object_id=application.id,
        details={"condition": kind.value},
    )
    db.session.flush()
    if not offer.all_met:
        return False
    try:
        pipeline.move(application, Event.CONFIRM_HIRED, actor_user=actor, actor_label=actor.email)
    except (pipeline.Conflict, ValueError) as error:
        raise OfferError(str(error)) from error
    return True

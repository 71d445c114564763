"""A candidate's offer and its conditions (see tracker.data_subject for what each function is
for). Retention keeps them for the reports but blanks what staff wrote about the candidate
when a condition was met; erasure deletes them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update

from tracker.data_subject import Subject, plain, row
from tracker.extensions import db
from tracker.offers.models import Offer, OfferCondition

# A condition's note is free text about the candidate ("references from their college").
PERSONAL_COLUMNS = {"offer_condition": ("note",)}


def export_application(application_id: int) -> dict:
    offer = db.session.scalar(select(Offer).where(Offer.application_id == application_id))
    return {
        "offer": (
            row(offer, leave_out=("made_by",))
            | {
                "conditions": [
                    {"condition": c.kind.label, "met_at": plain(c.met_at), "note": c.note}
                    for c in offer.conditions
                ]
            }
            if offer
            else None
        )
    }


def anonymise_applications(application_ids: list[int], *, now: datetime) -> None:
    offers = select(Offer.id).where(Offer.application_id.in_(application_ids))
    db.session.execute(
        update(OfferCondition)
        .where(OfferCondition.offer_id.in_(offers.scalar_subquery()))
        .values(note=None)
        .execution_options(synchronize_session=False)
    )


def erase(subject: Subject) -> None:
    # Its conditions go with it (ON DELETE CASCADE).
    db.session.execute(delete(Offer).where(Offer.application_id.in_(subject.application_ids)))

"""A candidate's offer and its conditions (see tracker.data_subject for what each function is
for). Retention keeps them for the reports; erasure deletes them."""

from __future__ import annotations

from sqlalchemy import delete, select

from tracker.data_subject import Subject, plain, row
from tracker.extensions import db
from tracker.offers.models import Offer

PERSONAL_COLUMNS: dict[str, tuple[str, ...]] = {}


def export_application(application_id: int) -> dict:
    offer = db.session.scalar(select(Offer).where(Offer.application_id == application_id))
    return {
        "offer": (
            row(offer, leave_out=("made_by",))
            | {
                "conditions": [
                    {"condition": c.kind.label, "met_at": plain(c.met_at)} for c in offer.conditions
                ]
            }
            if offer
            else None
        )
    }


def erase(subject: Subject) -> None:
    # Its conditions go with it (ON DELETE CASCADE).
    db.session.execute(delete(Offer).where(Offer.application_id.in_(subject.application_ids)))

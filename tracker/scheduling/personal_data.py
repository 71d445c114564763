"""A candidate's assessment and interview bookings (see tracker.data_subject for what each
function is for). Retention keeps them, as they say nothing of the person but when they came;
erasure deletes them, first giving a live booking's place back to its slot.
"""

from __future__ import annotations

from sqlalchemy import delete, func, select, update

from tracker.data_subject import Subject, plain
from tracker.extensions import db
from tracker.scheduling.models import Booking, Slot

PERSONAL_COLUMNS: dict[str, tuple[str, ...]] = {}


def export_application(application_id: int) -> dict:
    return {
        "bookings": [
            {
                "kind": b.kind.value,
                "starts_at": plain(b.slot.starts_at),
                "place": b.slot.place,
                "booked_at": plain(b.booked_at),
                "cancelled_at": plain(b.cancelled_at),
            }
            for b in db.session.scalars(
                select(Booking).where(Booking.application_id == application_id)
            )
        ]
    }


def _live(application_ids):
    return select(Booking).where(
        Booking.application_id.in_(application_ids), Booking.cancelled_at.is_(None)
    )


def erase(subject: Subject) -> None:
    ids = subject.application_ids
    for booking in list(db.session.scalars(_live(ids))):
        db.session.execute(
            update(Slot)
            .where(Slot.id == booking.slot_id, Slot.booked > 0)
            .values(booked=Slot.booked - 1)
        )
    db.session.execute(delete(Booking).where(Booking.application_id.in_(ids)))


def erasure_counts(subject: Subject) -> dict[str, int]:
    live = _live(subject.application_ids).with_only_columns(Booking.id).subquery()
    return {"bookings": db.session.scalar(select(func.count()).select_from(live)) or 0}

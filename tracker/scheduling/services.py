"""Bookings: candidates at assessment or interview book, rebook or cancel (staff create the
slots: slots.py). Taking a place is one conditional UPDATE on the slot's count, and the
database refuses a count above capacity, so a slot is never overbooked however many people
book its last place at once. Verbs flush and never commit."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from tracker.applicants.models import Applicant
from tracker.applicants.services import applicant_label
from tracker.applications.models import Application
from tracker.audit.services import record_event
from tracker.clock import UK, utcnow
from tracker.extensions import db, rows_matched
from tracker.notifications.services import queue_email
from tracker.refusals import Refused
from tracker.scheduling.models import Booking, Slot
from tracker.scheduling.queries import KIND_FOR_STATUS, live_booking


class SchedulingError(Refused):
    """Something that cannot be booked or created, with a message for the person asking and,
    where one form field is at fault, that field's name."""


def _release(booking: Booking, now: datetime) -> None:
    booking.cancelled_at = now
    db.session.execute(
        update(Slot)
        .where(Slot.id == booking.slot_id, Slot.booked > 0)
        .values(booked=Slot.booked - 1)
    )


def book(*, applicant: Applicant, application: Application, slot_id: int) -> Booking:
    """Book (or move the booking to) a slot.

    :raise SchedulingError: when the slot is not one the candidate may choose, or is full.
    """
    now = utcnow()
    kind = KIND_FOR_STATUS.get(application.status)
    if kind is None:
        raise SchedulingError("There is nothing to book for this application now")
    slot = db.session.get(Slot, slot_id)
    if (
        slot is None
        or slot.role_id != application.role_id
        or slot.kind is not kind
        or slot.cancelled_at is not None
        or slot.starts_at <= now
    ):
        raise SchedulingError("Choose one of the times listed")
    current = live_booking(application, kind)
    if current is not None and current.slot_id == slot.id:
        return current
    # Take the place first: if the slot is full, nothing else changes.
    taken = rows_matched(
        update(Slot)
        .where(Slot.id == slot.id, Slot.booked < Slot.capacity, Slot.cancelled_at.is_(None))
        .values(booked=Slot.booked + 1)
        .execution_options(synchronize_session=False)
    )
    if taken != 1:
        raise SchedulingError("Sorry, that time has just been taken. Choose another")
    if current is not None:
        _release(current, now)
    booking = Booking(slot_id=slot.id, application_id=application.id, kind=kind, booked_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(booking)
    except IntegrityError as error:
        # The same candidate booking in two tabs at once: one booking stands.
        raise SchedulingError("You have already booked a time. Check your applications") from error
    db.session.refresh(slot)
    queue_email(
        actor=applicant_label(applicant),
        to=applicant.email,
        template="booking_confirmed",
        context={"booking_id": booking.id},
        idempotency_key=f"booking-confirmed:{booking.id}",
    )
    record_event(
        actor=None,
        actor_label=applicant_label(applicant),
        action="booking.made",
        object_type="application",
        object_id=application.id,
        details={"slot": slot.id, "replaces": current.slot_id if current else None},
    )
    return booking


def cancel(*, applicant: Applicant, application: Application) -> None:
    booking = live_booking(application)
    if booking is None:
        raise SchedulingError("You have no booking to cancel")
    _release(booking, utcnow())
    queue_email(
        actor=applicant_label(applicant),
        to=applicant.email,
        template="booking_cancelled",
        context={"booking_id": booking.id},
        idempotency_key=f"booking-cancelled:{booking.id}",
    )
    record_event(
        actor=None,
        actor_label=applicant_label(applicant),
        action="booking.cancelled",
        object_type="application",
        object_id=application.id,
        details={"slot": booking.slot_id},
    )
    db.session.flush()


def remind_tomorrow(*, today: date) -> int:
    """Remind each candidate booked into a slot tomorrow (UK date), once."""
    start = datetime.combine(today + timedelta(days=1), datetime.min.time(), tzinfo=UK)
    end = start + timedelta(days=1)
    bookings = db.session.scalars(
        select(Booking)
        .join(Slot)
        .where(
            Booking.cancelled_at.is_(None),
            Booking.reminded_at.is_(None),
            Slot.cancelled_at.is_(None),
            Slot.starts_at >= start,
            Slot.starts_at < end,
        )
    ).all()
    for booking in bookings:
        queue_email(
            actor="booking reminder",
            to=booking.application.applicant.email,
            template="booking_reminder",
            context={"booking_id": booking.id},
            idempotency_key=f"booking-reminder:{booking.id}",
        )
        booking.reminded_at = utcnow()
    db.session.flush()
    return len(bookings)

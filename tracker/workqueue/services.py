"""Nudges from the work queue. A nudge is an email, never a decision: nothing here moves or
rejects a candidate. Services flush and never commit; the request commits, then the outbox
sends."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from tracker.accounts.models import User
from tracker.accounts.permissions import Permission, can
from tracker.applications.models import Application
from tracker.audit.services import record_event
from tracker.clock import utcnow
from tracker.extensions import db
from tracker.notifications.services import queue_email
from tracker.refusals import Refused
from tracker.scheduling.models import Booking, SlotKind
from tracker.workqueue.models import BookingReminder
from tracker.workqueue.queries import INVITED

REMINDER_TEMPLATE = "reminder_to_book"


class NudgeError(Refused):
    """The nudge cannot be sent at all; nothing was changed."""


@dataclass
class RemindResult:
    sent: list[Application] = field(default_factory=list)
    # (application, why it was not reminded): already reminded in this stage, or booked since.
    skipped: list[tuple[Application, str]] = field(default_factory=list)


def remind_to_book(*, actor: User, applications: list[Application]) -> RemindResult:
    """Email each invited candidate once per stage to book their slot. One who was already
    reminded in this stage, or has booked, is skipped with the reason."""
    if not can(actor, Permission.REMIND_CANDIDATES):
        raise NudgeError("Only HR can remind candidates to book")
    if not applications:
        raise NudgeError("Select at least one candidate to remind")
    result = RemindResult()
    ids = [a.id for a in applications]
    already = _reminded_in_this_stage(ids)
    booked = _live_bookings(ids)
    now = utcnow()
    for application in applications:
        kind = INVITED.get(application.status)
        if kind is None:
            result.skipped.append((application, "is not waiting to book a slot"))
            continue
        if application.id in already:
            result.skipped.append((application, "was already reminded in this stage"))
            continue
        if (application.id, kind) in booked:
            result.skipped.append((application, "has booked since"))
            continue
        if not _record_reminder(actor=actor, application=application, at=now):
            result.skipped.append((application, "was already reminded in this stage"))
            continue
        _send_reminder(actor=actor, application=application, kind=kind)
        result.sent.append(application)
    db.session.flush()
    return result


def _reminded_in_this_stage(application_ids: list[int]) -> dict[int, datetime]:
    """When each of these candidates was reminded to book in the stage they are in now."""
    return dict(
        db.session.execute(
            select(BookingReminder.application_id, BookingReminder.sent_at)
            .where(BookingReminder.application_id.in_(application_ids))
            # Only this stage's reminder counts: a candidate reminded to book an assessment
            # may be reminded again to book their interview.
            .join(Application, Application.id == BookingReminder.application_id)
            .where(BookingReminder.status == Application.status)
        )
        .tuples()
        .all()
    )


def _live_bookings(application_ids: list[int]) -> set[tuple[int, SlotKind]]:
    """(application id, kind of slot) for each booking of these candidates not cancelled."""
    return set(
        db.session.execute(
            select(Booking.application_id, Booking.kind).where(
                Booking.application_id.in_(application_ids),
                Booking.cancelled_at.is_(None),
            )
        )
        .tuples()
        .all()
    )


def _record_reminder(*, actor: User, application: Application, at: datetime) -> bool:
    """Note this stage's reminder; False if someone else has just sent it."""
    try:
        # The unique key holds if two HR officers press at once: the second is skipped.
        with db.session.begin_nested():
            db.session.add(
                BookingReminder(
                    application_id=application.id,
                    status=application.status,
                    sent_at=at,
                    sent_by_id=actor.id,
                    sent_by=actor.email,
                )
            )
    except IntegrityError:
        return False
    return True


def _send_reminder(*, actor: User, application: Application, kind: SlotKind) -> None:
    queue_email(
        actor=actor.email,
        to=application.applicant.email,
        template=REMINDER_TEMPLATE,
        context={"application_id": application.id, "kind": kind.value},
        idempotency_key=f"{REMINDER_TEMPLATE}:{application.id}:{application.status.value}",
    )
    record_event(
        actor=actor,
        action="application.reminded_to_book",
        object_type="application",
        object_id=application.id,
        details={"stage": application.status.value},
    )


def mark_partner_feedback_seen(*, actor: User, at) -> None:
    """The user opened the list of new partner feedback: what came before ``at`` is seen."""
    actor.partner_feedback_seen_at = at
    db.session.flush()

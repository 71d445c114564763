"""Staff moving candidates through the pipeline, one at a time or many at once.

Each verb takes the acting member of staff, who has already found the applications through
their scoped query; it checks the rules the pipeline module cannot (reasons, the Disability
Confident guarantee), then moves through tracker.applications.pipeline. It flushes and never
commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from tracker.accounts.models import StaffRole, User, UserRole
from tracker.accounts.permissions import Permission, can
from tracker.applications import pipeline
from tracker.applications.models import Application
from tracker.applications.states import (
    BULK_EVENTS,
    REJECTION_REASONS,
    STAFF_EVENTS,
    Event,
    IllegalTransition,
    needs_guarantee_override,
    next_status,
)
from tracker.catalogue.models import Role
from tracker.clock import utcnow
from tracker.extensions import db
from tracker.formatting import public_url
from tracker.notifications.services import queue_email
from tracker.offers import services as offers
from tracker.refusals import Refused
from tracker.screening import scorecards
from tracker.screening.models import CandidateNote


class MoveError(Refused):
    """A move that cannot be made, with a message for the member of staff."""


def can_move(user: User) -> bool:
    return can(user, Permission.MOVE_CANDIDATES)


def is_guaranteed(application: Application) -> bool:
    """Protected by the Disability Confident guarantee.

    The guarantee covers a candidate who opted in and meets the essential criteria. Until
    submitted scorecards say otherwise, a candidate who opted in is treated as meeting them:
    the safe side of a legal duty.
    """
    if not application.disability_confident:
        return False
    return scorecards.summarise(application).meets_essentials is not False


def _check(
    application: Application,
    event: Event,
    *,
    reasons: list[str],
    feedback: str | None,
    override_reason: str | None,
) -> None:
    if event not in STAFF_EVENTS:
        raise MoveError("Staff cannot make that change", field="event")
    _check_reasons(event, reasons, feedback)
    guaranteed = is_guaranteed(application)
    if (
        needs_guarantee_override(application.status, event, guaranteed=guaranteed)
        and not (override_reason or "").strip()
    ):
        raise MoveError(
            "This candidate is guaranteed an interview under the Disability Confident scheme. "
            "Give a reason to override the guarantee",
            field="override_reason",
        )


def _check_reasons(event: Event, reasons: list[str], feedback: str | None) -> None:
    """What an unsuccessful decision needs, whoever it is for: the same for one or many."""
    if event is not Event.REJECT:
        return
    if not reasons:
        raise MoveError("Select at least one reason", field="reasons")
    if set(reasons) - set(REJECTION_REASONS):
        raise MoveError("Select reasons from the list", field="reasons")
    if "other" in reasons and not (feedback or "").strip():
        raise MoveError("Explain the other reason in the feedback", field="feedback")


def check_move(
    *,
    actor: User,
    application: Application,
    event: Event,
    expected_version: int,
    reasons: list[str] | None = None,
    feedback: str | None = None,
    override_reason: str | None = None,
) -> None:
    """Whether ``move_candidate`` would make this move now, changing nothing: what the page
    that asks to confirm it checks first, so a mistake is shown before the question.

    :raise MoveError: as ``move_candidate`` would.
    """
    if not can(actor, Permission.MOVE_CANDIDATES):
        raise MoveError("You do not have permission to move candidates")
    _check(
        application,
        event,
        reasons=list(reasons or []),
        feedback=feedback,
        override_reason=override_reason,
    )
    if application.version != expected_version:
        raise MoveError(
            "Someone else changed this application while you were looking at it. "
            "Check its status and try again",
            field="event",
        )
    try:
        next_status(application.status, event)
    except IllegalTransition as error:
        raise MoveError(str(error), field="event") from error


def move_candidate(
    *,
    actor: User,
    application: Application,
    event: Event,
    expected_version: int,
    reasons: list[str] | None = None,
    feedback: str | None = None,
    override_reason: str | None = None,
    starts_on: date | None = None,
) -> None:
    """Move one candidate. Making an offer records it, with its start date and conditions.

    :raise MoveError: for a move the rules forbid, or one someone else got to first.
    """
    # The same checks the confirmation page made; pipeline.move's versioned update still
    # refuses a move someone else made in between.
    reasons = list(reasons or [])
    check_move(
        actor=actor,
        application=application,
        event=event,
        expected_version=expected_version,
        reasons=reasons,
        feedback=feedback,
        override_reason=override_reason,
    )
    try:
        pipeline.move(
            application,
            event,
            actor_user=actor,
            actor_label=actor.email,
            expected_version=expected_version,
            reasons=reasons,
            feedback=feedback,
            override_reason=override_reason if event is Event.REJECT else None,
        )
    except (IllegalTransition, pipeline.Conflict) as error:
        raise MoveError(str(error), field="event") from error
    if event is Event.MAKE_OFFER:
        try:
            offers.record_offer(actor=actor, application=application, starts_on=starts_on)
        except offers.OfferError as error:
            raise MoveError(str(error), field=error.field or "starts_on") from error


def add_note(*, actor: User, application: Application, text: str) -> CandidateNote:
    if not can_move(actor):
        raise MoveError("You do not have permission to add notes")
    note = CandidateNote(
        application_id=application.id,
        author_id=actor.id,
        author_label=actor.name,
        created_at=utcnow(),
        text=text,
    )
    db.session.add(note)
    db.session.flush()
    return note


@dataclass
class BulkResult:
    moved: list[Application] = field(default_factory=list)
    skipped: list[tuple[Application, str]] = field(default_factory=list)


def check_bulk_move(*, event: Event, reasons: list[str] | None, feedback: str | None) -> None:
    """What a move of many needs, before any candidate is looked at.

    :raise MoveError: for an event not made in bulk, or an unsuccessful decision without its
        reasons.
    """
    if event not in BULK_EVENTS:
        raise MoveError("Make offers one candidate at a time, with a start date", field="event")
    _check_reasons(event, list(reasons or []), feedback)


def plan_bulk_move(
    *,
    applications: list[Application],
    event: Event,
    reasons: list[str] | None = None,
    feedback: str | None = None,
) -> BulkResult:
    """Which of these ``move_candidates`` would move and which it would skip, and why,
    changing nothing: what the confirmation page shows before anyone is emailed."""
    result = BulkResult()
    for application in applications:
        try:
            next_status(application.status, event)
            _check(
                application,
                event,
                reasons=list(reasons or []),
                feedback=feedback,
                override_reason=None,
            )
        except (IllegalTransition, MoveError) as error:
            result.skipped.append((application, str(error)))
        else:
            result.moved.append(application)
    return result


def move_candidates(
    *,
    actor: User,
    applications: list[Application],
    event: Event,
    reasons: list[str] | None = None,
    feedback: str | None = None,
    versions: dict[int, int] | None = None,
) -> BulkResult:
    """Move many candidates the same way. One that cannot be moved is skipped, with the
    reason, and does not stop the rest. A guaranteed candidate is always skipped: an
    override needs its own reason, given one candidate at a time. ``versions`` are the
    versions the person confirming saw: a candidate changed since is skipped, not moved.

    :raise MoveError: when the move cannot be made for anyone (see ``check_bulk_move``).
    """
    if not can(actor, Permission.MOVE_CANDIDATES):
        raise MoveError("You do not have permission to move candidates")
    check_bulk_move(event=event, reasons=reasons, feedback=feedback)
    versions = versions or {}
    result = BulkResult()
    # In id order: two bulk moves over the same candidates then lock their rows in the same
    # order, so one waits for the other instead of the two deadlocking.
    for application in sorted(applications, key=lambda a: a.id):
        try:
            with db.session.begin_nested():
                move_candidate(
                    actor=actor,
                    application=application,
                    event=event,
                    expected_version=versions.get(application.id, application.version),
                    reasons=reasons,
                    feedback=feedback,
                )
        except MoveError as error:
            result.skipped.append((application, str(error)))
        else:
            result.moved.append(application)
    return result


def send_waiting_digests(*, today: date, days: int) -> int:
    """Email each hiring manager a list of their roles' candidates waiting more than ``days``
    days for a decision. A nudge, never a decision: nothing is rejected automatically.
    Safe to run twice a day: one digest per manager per day (an idempotency key)."""
    from tracker.screening import queries

    managers = db.session.scalars(
        select(User)
        .join(UserRole)
        .where(UserRole.role == StaffRole.HIRING_MANAGER, User.is_active.is_(True))
    ).all()
    sent = 0
    for manager in managers:
        waiting = queries.waiting_counts(manager, days)
        if not waiting:
            continue
        roles = db.session.scalars(select(Role).where(Role.id.in_(waiting))).all()
        queue_email(
            actor="waiting digest",
            to=manager.email,
            template="waiting_digest",
            context={
                "user_id": manager.id,
                "days": days,
                "roles": [
                    {
                        "title": role.title,
                        "count": waiting[role.id],
                        "link": public_url("screening.candidates", role_id=role.id, sort="waiting"),
                    }
                    for role in sorted(roles, key=lambda r: r.position)
                ],
            },
            idempotency_key=f"waiting-digest:{manager.id}:{today.isoformat()}",
        )
        sent += 1
    return sent

"""Staff moving candidates through the pipeline, one at a time or many at once.

Each verb takes the acting member of staff, who has already found the applications through
their scoped query; it checks the rules the pipeline module cannot (reasons, the Disability
Confident guarantee), then moves through tracker.applications.pipeline. It flushes and never
commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tracker.accounts.models import User
from tracker.accounts.permissions import Permission, can
from tracker.applications import pipeline
from tracker.applications.models import Application
from tracker.applications.states import (
    REJECTION_REASONS,
    STAFF_EVENTS,
    Event,
    IllegalTransition,
    needs_guarantee_override,
)
from tracker.extensions import db


class MoveError(ValueError):
    """A move that cannot be made, with a message for the member of staff."""


def can_move(user: User) -> bool:
    return can(user, Permission.MOVE_CANDIDATES)


def is_guaranteed(application: Application) -> bool:
    """Protected by the Disability Confident guarantee.

    The guarantee covers a candidate who opted in and meets the essential criteria. Until
    the scores say otherwise, every candidate who opted in is treated as meeting them: the
    safe side of a legal duty.
    """
    return bool(application.disability_confident)


def _check(
    application: Application,
    event: Event,
    *,
    reasons: list[str],
    feedback: str | None,
    override_reason: str | None,
) -> None:
    if event not in STAFF_EVENTS:
        raise MoveError("Staff cannot make that change")
    if event is Event.REJECT:
        if not reasons:
            raise MoveError("Select at least one reason")
        unknown = set(reasons) - set(REJECTION_REASONS)
        if unknown:
            raise MoveError("Select reasons from the list")
        if "other" in reasons and not (feedback or "").strip():
            raise MoveError("Explain the other reason in the feedback")
    guaranteed = is_guaranteed(application)
    if (
        needs_guarantee_override(application.status, event, guaranteed=guaranteed)
        and not (override_reason or "").strip()
    ):
        raise MoveError(
            "This candidate is guaranteed an interview under the Disability Confident scheme. "
            "Give a reason to override the guarantee"
        )


def move_candidate(
    *,
    actor: User,
    application: Application,
    event: Event,
    expected_version: int,
    reasons: list[str] | None = None,
    feedback: str | None = None,
    override_reason: str | None = None,
) -> None:
    """Move one candidate.

    :raise MoveError: for a move the rules forbid, or one someone else got to first.
    """
    if not can(actor, Permission.MOVE_CANDIDATES):
        raise MoveError("You do not have permission to move candidates")
    reasons = list(reasons or [])
    _check(application, event, reasons=reasons, feedback=feedback, override_reason=override_reason)
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
        raise MoveError(str(error)) from error


@dataclass
class BulkResult:
    moved: list[Application] = field(default_factory=list)
    skipped: list[tuple[Application, str]] = field(default_factory=list)


def move_candidates(
    *,
    actor: User,
    applications: list[Application],
    event: Event,
    reasons: list[str] | None = None,
    feedback: str | None = None,
) -> BulkResult:
    """Move many candidates the same way. One that cannot be moved is skipped, with the
    reason, and does not stop the rest. A guaranteed candidate is always skipped: an
    override needs its own reason, given one candidate at a time."""
    if not can(actor, Permission.MOVE_CANDIDATES):
        raise MoveError("You do not have permission to move candidates")
    result = BulkResult()
    for application in applications:
        try:
            with db.session.begin_nested():
                move_candidate(
                    actor=actor,
                    application=application,
                    event=event,
                    expected_version=application.version,
                    reasons=reasons,
                    feedback=feedback,
                )
        except MoveError as error:
            result.skipped.append((application, str(error)))
        else:
            result.moved.append(application)
    return result

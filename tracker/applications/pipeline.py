"""Moving an application along the pipeline: the one place a status changes.

Every move is a conditional UPDATE on the status and version the mover saw, so of two people
moving one application at once exactly one succeeds; then a timeline row, an audit event and,
where the pipeline says so, one email to the applicant (through the outbox, after commit).
A move out of the running closes up the applicant's ranking (ranking.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update

from tracker.applications import ranking
from tracker.applications.models import Application, TimelineEntry
from tracker.applications.states import TRANSITIONS, UNRANKED, Event, Status, next_status
from tracker.audit.services import record_event
from tracker.clock import utcnow
from tracker.extensions import db, rows_matched
from tracker.notifications.services import queue_email
from tracker.refusals import Refused


class Conflict(Refused):
    """Someone else moved the application first; the mover should look again."""


def move(
    application: Application,
    event: Event,
    *,
    actor_user=None,
    actor_label: str,
    expected_version: int | None = None,
    reasons: list[str] | None = None,
    feedback: str | None = None,
    override_reason: str | None = None,
    values: dict | None = None,
) -> TimelineEntry:
    """Make ``event`` happen to ``application``, or raise.

    :raise IllegalTransition: when the event cannot happen in the application's state.
    :raise Conflict: when the application changed since the mover saw ``expected_version``.
    """
    current = application.status
    target = next_status(current, event)
    now = utcnow()
    _update(application, target, expected_version=expected_version, now=now, values=values)
    entry = TimelineEntry(
        application_id=application.id,
        occurred_at=now,
        event=event.value,
        from_status=current,
        to_status=target,
        actor_user_id=getattr(actor_user, "id", None),
        actor_label=actor_label,
        reasons=list(reasons or []),
        feedback=feedback or None,
        override_reason=override_reason or None,
    )
    db.session.add(entry)
    db.session.flush()
    if target in UNRANKED:
        # Out of the running: the applicant's other applications move up a choice.
        ranking.close_up(
            applicant_id=application.applicant_id, campaign_id=application.role.campaign_id
        )
    _email(application, event, entry, actor_label=actor_label)
    record_event(
        actor=actor_user,
        actor_label=None if actor_user else actor_label,
        action=f"application.{event.value}",
        object_type="application",
        object_id=application.id,
        details={
            "reference": application.reference,
            "from": current.value,
            "to": target.value,
            "reasons": list(reasons or []),
        },
    )
    return entry


def _update(
    application: Application,
    target: Status,
    *,
    expected_version: int | None,
    now: datetime,
    values: dict | None,
) -> None:
    """The one conditional UPDATE: to ``target``, only from the status and version the mover
    saw; then the application as the database now holds it.

    :raise Conflict: when someone else moved it first.
    """
    version = application.version if expected_version is None else expected_version
    moved = rows_matched(
        update(Application)
        .where(
            Application.id == application.id,
            Application.status == application.status,
            Application.version == version,
        )
        .values(
            status=target,
            version=Application.version + 1,
            status_changed_at=now,
            updated_at=now,
            **(values or {}),
        )
        .execution_options(synchronize_session=False)
    )
    if moved != 1:
        raise Conflict(
            "Someone else changed this application while you were looking at it. "
            "Check its status and try again"
        )
    db.session.refresh(application)


def _email(application: Application, event: Event, entry: TimelineEntry, *, actor_label: str):
    """The move's one email to the applicant, where the pipeline sends one."""
    template = TRANSITIONS[event].email
    if template is not None:
        queue_email(
            actor=actor_label,
            to=application.applicant.email,
            template=template,
            context={"application_id": application.id, "timeline_entry_id": entry.id},
            # One email per move: the key names the move, so a retried request sends none.
            idempotency_key=f"{event.value}:{application.id}:{application.version}",
        )

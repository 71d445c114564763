"""Sharing candidates with a partner organisation, and the feedback it gives.

HR shares; a partner user of that organisation gives one feedback per shared candidate,
editable until HR locks the share; HR can take a candidate back out of a share or end it.
Changes to one share are serialised on the share's row, so "all feedback is in" is noticed
exactly once however many partner users save at the same moment. Verbs flush and never commit.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from tracker.accounts.models import PartnerOrganisation, User
from tracker.accounts.permissions import Permission, can
from tracker.applications.models import Application
from tracker.applications.states import ACTIVE
from tracker.audit.services import record_event
from tracker.clock import today, utcnow
from tracker.extensions import db
from tracker.notifications.services import queue_email
from tracker.partners import fields as shareable
from tracker.partners.models import (
    FeedbackScore,
    PartnerFeedback,
    Recommendation,
    Share,
    ShareCriterion,
    SharedCandidate,
)
from tracker.partners.queries import counted_progress, partner_users, progress, visible_in_share
from tracker.refusals import Refused

MAX_CRITERIA = 8
MAX_DUE_DAYS = 365


class SharingError(Refused):
    """Something that cannot be shared or saved, with a message for the person asking."""


def _lock(share: Share) -> Share:
    """Take the share's row lock for the rest of the transaction, and see it afresh."""
    return db.session.scalars(
        select(Share)
        .where(Share.id == share.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def share_candidates(
    *,
    actor: User,
    organisation: PartnerOrganisation,
    applications: list[Application],
    purpose: str,
    due_on: date,
    criteria: list[str],
    fields: list[str],
) -> Share:
    """Share the applications with the organisation and tell each of its partner users once."""
    if not can(actor, Permission.SHARE_CANDIDATES):
        raise SharingError("You do not have permission to share candidates")
    _check_shareable(applications)
    criteria = _clean_criteria(criteria)
    _check_due_on(due_on)
    recipients = partner_users(organisation.id)
    if not recipients:
        raise SharingError(
            f"Nobody at {organisation.name} can sign in yet. Invite someone from "
            f"{organisation.name} before sharing candidates with them.",
            field="organisation",
        )
    share = Share(
        organisation_id=organisation.id,
        purpose=" ".join(purpose.split()),
        due_on=due_on,
        fields=shareable.clean(fields),
        created_by_id=actor.id,
        created_by=actor.email,
        created_at=utcnow(),
        criteria=[ShareCriterion(position=n, text=c) for n, c in enumerate(criteria, start=1)],
        candidates=[
            SharedCandidate(application_id=a.id) for a in sorted(applications, key=lambda a: a.id)
        ],
    )
    db.session.add(share)
    db.session.flush()
    record_event(
        actor=actor,
        action="partners.shared",
        object_type="partner_share",
        object_id=share.id,
        details={
            "organisation": organisation.name,
            "candidates": len(applications),
            "fields": share.fields,
        },
    )
    for user in recipients:
        queue_email(
            actor=actor.email,
            to=user.email,
            template="candidates_shared",
            context={"share_id": share.id, "user_id": user.id},
            idempotency_key=f"candidates_shared:{share.id}:{user.id}",
        )
    return share


def _check_shareable(applications: list[Application]) -> None:
    """:raise SharingError: for no candidates, or any no longer in the running."""
    if not applications:
        raise SharingError("Select at least one candidate to share", field="application_ids")
    not_active = [a.reference for a in applications if a.status not in ACTIVE]
    if not_active:
        raise SharingError(
            "Only candidates still in the running can be shared: "
            + ", ".join(sorted(r or "a draft" for r in not_active)),
            field="application_ids",
        )


def _clean_criteria(criteria: list[str]) -> list[str]:
    """The criteria as stored: blank lines dropped, spaces tidied.

    :raise SharingError: for none, too many, one too long, or two the same.
    """
    criteria = [" ".join(c.split()) for c in criteria if c.strip()]
    if not criteria:
        raise SharingError(
            "Enter at least one criterion for the partner to give feedback on", field="criteria"
        )
    if len(criteria) > MAX_CRITERIA:
        raise SharingError(
            f"Enter no more than {MAX_CRITERIA} criteria, one on each line", field="criteria"
        )
    if any(len(c) > 200 for c in criteria):
        raise SharingError("Each criterion must be 200 characters or fewer", field="criteria")
    if len({c.casefold() for c in criteria}) != len(criteria):
        raise SharingError("Each criterion must be different", field="criteria")
    return criteria


def _check_due_on(due_on: date) -> None:
    """:raise SharingError: for a date in the past, or more than a year ahead."""
    if due_on < today():
        raise SharingError("The due date must be today or in the future", field="due_on")
    if due_on > today() + timedelta(days=MAX_DUE_DAYS):
        raise SharingError("The due date must be within a year", field="due_on")


def give_feedback(
    *,
    actor: User,
    shared_candidate: SharedCandidate,
    recommendation: Recommendation,
    comments: str | None,
    scores: dict[int, int],
) -> PartnerFeedback:
    """Save the organisation's feedback on one candidate, first time or again."""
    share = _lock(shared_candidate.share)
    if not can(actor, Permission.GIVE_PARTNER_FEEDBACK) or (
        actor.partner_organisation_id != share.organisation_id
    ):
        raise SharingError("You cannot give feedback on this candidate")
    if not share.is_live or shared_candidate.unshared_at is not None:
        raise SharingError("This candidate is no longer shared with your organisation")
    if share.is_locked:
        raise SharingError("HR has locked the feedback for these candidates: it cannot change")
    wanted = {c.id for c in share.criteria}
    if set(scores) != wanted:
        raise SharingError("Score every criterion")
    if any(score not in (1, 2, 3, 4) for score in scores.values()):
        raise SharingError("Scores must be from 1 to 4")
    now = utcnow()
    feedback = shared_candidate.feedback
    first_time = feedback is None
    if feedback is None:
        feedback = PartnerFeedback(shared_candidate_id=shared_candidate.id, submitted_at=now)
    feedback.recommendation = recommendation
    feedback.comments = comments or None
    feedback.author_id = actor.id
    feedback.author = actor.name
    feedback.updated_at = now
    by_criterion = {s.criterion_id: s for s in feedback.scores}
    for criterion_id, score in scores.items():
        if criterion_id in by_criterion:
            by_criterion[criterion_id].score = score
        else:
            feedback.scores.append(FeedbackScore(criterion_id=criterion_id, score=score))
    try:
        with db.session.begin_nested():
            db.session.add(feedback)
    except IntegrityError as error:  # pragma: no cover - the share's row lock prevents it
        raise SharingError("Someone else has just saved feedback: reload the page") from error
    if first_time:
        db.session.refresh(shared_candidate, ["feedback"])
    record_event(
        actor=actor,
        action="partners.feedback_given" if first_time else "partners.feedback_changed",
        object_type="application",
        object_id=shared_candidate.application_id,
        details={"share": share.id, "recommendation": recommendation.value},
    )
    _tell_hr_when_complete(share)
    return feedback


def _tell_hr_when_complete(share: Share) -> None:
    """Once every candidate still shared has feedback, tell the person who shared them, once."""
    db.session.flush()
    if share.completed_at is not None or not counted_progress(share.id).complete:
        return
    share.completed_at = utcnow()
    creator = db.session.get(User, share.created_by_id) if share.created_by_id else None
    if creator is None or not creator.is_active:
        return
    queue_email(
        actor="system",
        to=creator.email,
        template="share_feedback_complete",
        context={"share_id": share.id},
        idempotency_key=f"share_feedback_complete:{share.id}",
    )


def _require_hr(actor: User) -> None:
    if not can(actor, Permission.SHARE_CANDIDATES):
        raise SharingError("You do not have permission to change shares")


def unshare_candidate(*, actor: User, shared_candidate: SharedCandidate) -> None:
    """Take one candidate back: the partner can no longer see them. Feedback is kept.

    :raise SharingError: when the candidate was already taken back or the share has ended
        (the page HR confirmed on was out of date).
    """
    _require_hr(actor)
    share = _lock(shared_candidate.share)
    db.session.refresh(shared_candidate, ["unshared_at", "unshared_by"])
    if shared_candidate.unshared_at is not None:
        raise SharingError(
            f"{shared_candidate.application.reference} was already taken back from this share "
            f"by {shared_candidate.unshared_by}"
        )
    if not share.is_live:
        raise SharingError("This share has ended: the partner can see none of its candidates")
    shared_candidate.unshared_at = utcnow()
    shared_candidate.unshared_by = actor.email
    record_event(
        actor=actor,
        action="partners.unshared",
        object_type="application",
        object_id=shared_candidate.application_id,
        details={"share": share.id},
    )
    if share.is_live:
        _tell_hr_when_complete(share)


def lock_feedback(*, actor: User, share: Share) -> None:
    """Stop the partner changing feedback. :raise SharingError: once the share has ended."""
    _require_hr(actor)
    share = _lock(share)
    if not share.is_live:
        raise SharingError("This share has ended: there is no feedback left to lock")
    if share.locked_at is None:
        share.locked_at = utcnow()
        share.locked_by = actor.email
        record_event(
            actor=actor, action="partners.locked", object_type="partner_share", object_id=share.id
        )


def unlock_feedback(*, actor: User, share: Share) -> None:
    _require_hr(actor)
    share = _lock(share)
    if not share.is_live:
        raise SharingError("This share has ended: share the candidates again instead")
    if share.locked_at is not None:
        share.locked_at = None
        share.locked_by = None
        record_event(
            actor=actor,
            action="partners.unlocked",
            object_type="partner_share",
            object_id=share.id,
        )


def end_share(*, actor: User, share: Share) -> None:
    """Stop sharing: the partner sees none of these candidates from now on.

    :raise SharingError: when it has ended already (someone else ended it meanwhile).
    """
    _require_hr(actor)
    share = _lock(share)
    if share.ended_at is not None:
        raise SharingError(f"This share has already ended: {share.ended_by} ended it")
    share.ended_at = utcnow()
    share.ended_by = actor.email
    record_event(
        actor=actor, action="partners.ended", object_type="partner_share", object_id=share.id
    )


def remind_partners(*, on: date, days_before: int) -> int:
    """Remind partner users of shares due within ``days_before`` days that still miss
    feedback: once per share. Returns how many shares were reminded."""
    due = db.session.scalars(
        select(Share)
        .where(
            Share.ended_at.is_(None),
            Share.locked_at.is_(None),
            Share.completed_at.is_(None),
            Share.reminder_sent_at.is_(None),
            Share.due_on >= on,
            Share.due_on <= on + timedelta(days=days_before),
        )
        .order_by(Share.id)
        .with_for_update(skip_locked=True)
    ).all()
    reminded = 0
    for share in due:
        if progress(share).complete or not visible_in_share(share):
            continue
        share.reminder_sent_at = utcnow()
        for user in partner_users(share.organisation_id):
            queue_email(
                actor="system",
                to=user.email,
                template="share_feedback_reminder",
                context={"share_id": share.id, "user_id": user.id},
                idempotency_key=f"share_feedback_reminder:{share.id}:{user.id}",
            )
        reminded += 1
    return reminded

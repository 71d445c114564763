"""Mentors' profiles, assigning them to hired apprentices, and the mentoring log.

Taking a mentor's place is one conditional UPDATE on their count, and the database refuses a
count above capacity, so a mentor is never given more apprentices than they offered to take,
however many people assign their last place at once. Verbs flush and never commit.
"""

from __future__ import annotations

from datetime import date
from types import EllipsisType

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from tracker import clock
from tracker.accounts.models import StaffRole, User
from tracker.accounts.permissions import Permission, can
from tracker.applications.models import Application
from tracker.applications.states import Status
from tracker.audit.services import record_event
from tracker.catalogue.models import Track
from tracker.clock import utcnow
from tracker.extensions import db, rows_matched
from tracker.mentoring.models import LogKind, MentorAssignment, MentoringLogEntry, MentorProfile
from tracker.notifications.services import queue_email
from tracker.refusals import Refused

CAPACITY_RANGE = range(1, 21)

# What a mentor may record about each kind of entry: stored value to the words shown.
LOG_STATUSES: dict[LogKind, dict[str, str]] = {
    LogKind.CHECK_IN: {"held": "Held", "missed": "Missed", "rescheduled": "Rescheduled"},
    LogKind.PROJECT: {
        "not_started": "Not started",
        "in_progress": "In progress",
        "complete": "Complete",
    },
}


class MentoringError(Refused):
    """Something that cannot be done, with a message for the person asking and, where one
    answer is to blame, the name of the form field it belongs to."""


def is_mentor(user: User) -> bool:
    """An active user holding the mentor role: the only people HR can give apprentices."""
    return user.is_active and user.has_role(StaffRole.MENTOR)


def live_assignment(application: Application) -> MentorAssignment | None:
    return db.session.scalar(
        select(MentorAssignment).where(
            MentorAssignment.application_id == application.id,
            MentorAssignment.ended_at.is_(None),
        )
    )


def save_profile(
    *, actor: User, user: User, about: str, track_ids: list[int], capacity: int
) -> MentorProfile:
    """Set up or change a mentor's profile. Capacity never drops below the apprentices the
    mentor has now: checked in the same UPDATE, so an assignment made meanwhile counts.

    :raise MentoringError: for someone who is not a mentor, or values the rules refuse.
    """
    if not can(actor, Permission.MANAGE_MENTORS):
        raise MentoringError("You do not have permission to manage mentors")
    if not is_mentor(user):
        raise MentoringError(f"{user.name} is not an active mentor")
    if capacity not in CAPACITY_RANGE:
        raise MentoringError("Capacity must be between 1 and 20", field="capacity")
    tracks = _chosen_tracks(track_ids)
    profile = db.session.scalar(select(MentorProfile).where(MentorProfile.user_id == user.id))
    if profile is None:
        profile = _new_profile(user=user, about=about, capacity=capacity, tracks=tracks)
        action = "mentor.profile_created"
    else:
        _change_profile(profile, user=user, about=about, capacity=capacity, tracks=tracks)
        action = "mentor.profile_changed"
    db.session.flush()
    record_event(
        actor=actor,
        action=action,
        object_type="staff_user",
        object_id=user.id,
        details={"capacity": capacity, "tracks": [t.id for t in tracks]},
    )
    return profile


def _chosen_tracks(track_ids: list[int]) -> list[Track]:
    """The tracks a profile names, in the catalogue's order.

    :raise MentoringError: for none, or an id that is not a track.
    """
    wanted = set(track_ids)
    tracks = list(
        db.session.scalars(select(Track).where(Track.id.in_(wanted)).order_by(Track.position))
    )
    if not wanted:
        raise MentoringError("Select at least one track", field="tracks")
    if len(tracks) != len(wanted):
        raise MentoringError("Select tracks from the list", field="tracks")
    return tracks


def _new_profile(*, user: User, about: str, capacity: int, tracks: list[Track]) -> MentorProfile:
    now = utcnow()
    profile = MentorProfile(
        user_id=user.id,
        about=about,
        capacity=capacity,
        assigned=0,
        created_at=now,
        updated_at=now,
        tracks=tracks,
    )
    try:
        with db.session.begin_nested():
            db.session.add(profile)
    except IntegrityError as error:
        # Two people setting up the same mentor at once: one profile stands.
        raise MentoringError(
            f"Someone else has just set up {user.name}'s profile. Check it and try again"
        ) from error
    return profile


def _change_profile(
    profile: MentorProfile, *, user: User, about: str, capacity: int, tracks: list[Track]
) -> None:
    changed = rows_matched(
        update(MentorProfile)
        .where(MentorProfile.id == profile.id, MentorProfile.assigned <= capacity)
        .values(about=about, capacity=capacity, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(profile)
    if changed != 1:
        raise MentoringError(
            f"Capacity must be {profile.assigned} or more, as {user.name} mentors "
            f"{profile.assigned} apprentice{'s' if profile.assigned != 1 else ''} now",
            field="capacity",
        )
    profile.tracks = tracks


def _end(assignment: MentorAssignment, *, actor: User, reason: str) -> None:
    """End a live assignment and free the mentor's place.

    :raise MentoringError: when someone else ended it first.
    """
    ended = rows_matched(
        update(MentorAssignment)
        .where(MentorAssignment.id == assignment.id, MentorAssignment.ended_at.is_(None))
        .values(ended_at=utcnow(), ended_by=actor.email, end_reason=reason)
        .execution_options(synchronize_session=False)
    )
    if ended != 1:
        raise MentoringError(
            "Someone else has just changed this apprentice's mentor. Check and try again"
        )
    db.session.execute(
        update(MentorProfile)
        .where(MentorProfile.id == assignment.mentor_id, MentorProfile.assigned > 0)
        .values(assigned=MentorProfile.assigned - 1)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(assignment)


def assign_mentor(
    *,
    actor: User,
    application: Application,
    mentor_id: int,
    reason: str | None = None,
    seen_assignment_id: int | EllipsisType | None = ...,
) -> MentorAssignment:
    """Give a hired apprentice a mentor (``mentor_id`` is a MentorProfile's id). Changing
    mentor needs a reason; the old assignment ends and stays in the history. The mentor and
    the apprentice are emailed once each.

    ``seen_assignment_id`` is the live assignment the person was looking at (None: they saw
    no mentor). When it is given and is no longer the live one, nothing changes: someone
    else got there first.

    :raise MentoringError: when the mentor is full, not a mentor, already this apprentice's,
        or when someone else changed the apprentice's mentor meanwhile.
    """
    if not can(actor, Permission.MANAGE_MENTORS):
        raise MentoringError("You do not have permission to assign mentors")
    if application.status is not Status.HIRED:
        raise MentoringError("Mentors are assigned once an apprentice is hired")
    profile = db.session.get(MentorProfile, mentor_id)
    if profile is None or not is_mentor(profile.user):
        raise MentoringError("Choose one of the mentors listed")
    # A hired apprentice's application was submitted, so it has a reference.
    name = application.full_name or application.reference or ""
    current = live_assignment(application)
    _check_still_current(current, seen_assignment_id, name=name)
    if current is not None and current.mentor_id == profile.id:
        raise MentoringError(f"{profile.user.name} is already {name}'s mentor")
    reason = (reason or "").strip()
    if current is not None and not reason:
        raise MentoringError("Enter why you are changing mentor", field="reason")
    _take_place(profile)
    if current is not None:
        _end(current, actor=actor, reason=reason)
    assignment = _add_assignment(actor=actor, application=application, profile=profile, name=name)
    db.session.refresh(profile)
    record_event(
        actor=actor,
        action="mentor.assigned",
        object_type="application",
        object_id=application.id,
        details={
            "assignment": assignment.id,
            "mentor": profile.user_id,
            "replaces": current.id if current else None,
        },
    )
    _announce(actor=actor, application=application, profile=profile, assignment=assignment)
    return assignment


def _check_still_current(
    current: MentorAssignment | None, seen_assignment_id: int | EllipsisType | None, *, name: str
) -> None:
    """:raise MentoringError: when the person saw another assignment than the live one."""
    if seen_assignment_id is not ... and seen_assignment_id != (current.id if current else None):
        raise MentoringError(
            f"Someone else has just given {name} a mentor. Check and try again"
            if seen_assignment_id is None
            else f"Someone else has just changed {name}'s mentor. Check and try again"
        )


def _take_place(profile: MentorProfile) -> None:
    """Take one of the mentor's places, first: if the mentor is full, nothing else changes."""
    taken = rows_matched(
        update(MentorProfile)
        .where(MentorProfile.id == profile.id, MentorProfile.assigned < MentorProfile.capacity)
        .values(assigned=MentorProfile.assigned + 1)
        .execution_options(synchronize_session=False)
    )
    if taken != 1:
        raise MentoringError(f"{profile.user.name} has no free places left. Choose another mentor.")


def _add_assignment(
    *, actor: User, application: Application, profile: MentorProfile, name: str
) -> MentorAssignment:
    assignment = MentorAssignment(
        application_id=application.id,
        mentor_id=profile.id,
        assigned_at=utcnow(),
        assigned_by=actor.email,
    )
    try:
        with db.session.begin_nested():
            db.session.add(assignment)
    except IntegrityError as error:
        # Two people giving the same apprentice a mentor at once: one assignment stands.
        raise MentoringError(
            f"Someone else has just given {name} a mentor. Check and try again"
        ) from error
    return assignment


def _announce(
    *, actor: User, application: Application, profile: MentorProfile, assignment: MentorAssignment
) -> None:
    """Email the mentor and the apprentice, once each."""
    queue_email(
        actor=actor.email,
        to=profile.user.email,
        template="mentor_introduction",
        context={"assignment_id": assignment.id},
        idempotency_key=f"mentor-introduction:{assignment.id}",
    )
    queue_email(
        actor=actor.email,
        to=application.applicant.email,
        template="mentor_assigned",
        context={"assignment_id": assignment.id, "application_id": application.id},
        idempotency_key=f"mentor-assigned:{assignment.id}",
    )


def add_log_entry(
    *,
    actor: User,
    application: Application,
    kind: LogKind,
    occurred_on: date,
    title: str | None,
    note: str,
    status: str,
) -> MentoringLogEntry:
    """Record a check-in or a portfolio project for the actor's own mentee.

    :raise MentoringError: when the actor is not the apprentice's mentor now, or the entry
        breaks the rules (a status for another kind, a project without a title, a check-in
        in the future).
    """
    current = live_assignment(application)
    if (
        not can(actor, Permission.MENTOR_APPRENTICES)
        or current is None
        or current.mentor.user_id != actor.id
    ):
        raise MentoringError("Only the apprentice's mentor can add to their log")
    if status not in LOG_STATUSES[kind]:
        raise MentoringError("Select a status from the list", field="status")
    title = (title or "").strip() or None
    if kind is LogKind.PROJECT and title is None:
        raise MentoringError("Enter a title for the project", field="title")
    if kind is LogKind.CHECK_IN and occurred_on > clock.today():
        raise MentoringError(
            "The date of a check-in must be today or in the past", field="occurred_on"
        )
    if not note.strip():
        raise MentoringError("Enter a note", field="note")
    entry = MentoringLogEntry(
        application_id=application.id,
        author_id=actor.id,
        author=actor.name,
        kind=kind,
        occurred_on=occurred_on,
        title=title,
        note=note,
        status=status,
        created_at=utcnow(),
    )
    db.session.add(entry)
    db.session.flush()
    record_event(
        actor=actor,
        action="mentoring.log_entry_added",
        object_type="application",
        object_id=application.id,
        details={"entry": entry.id, "kind": kind.value},
    )
    return entry

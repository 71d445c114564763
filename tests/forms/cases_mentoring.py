"""Mentoring forms with a mistake in each (tests/forms/harness.py): HR's mentor profiles and
assignments, and a mentor's log."""

from __future__ import annotations

from sqlalchemy import select

from tests.factories import RoleFactory, TrackFactory, UserFactory
from tests.forms.harness import InvalidPost
from tests.mentoring.factories import MentorProfileFactory, assigned, hired
from tracker import clock
from tracker.accounts.models import StaffRole
from tracker.extensions import db
from tracker.mentoring.models import MentorAssignment, MentoringLogEntry, MentorProfile


def _hr():
    return UserFactory(roles=[StaffRole.ADMIN])


def _mentor_user():
    return UserFactory(roles=[StaffRole.MENTOR])


def _mentor_to_set_up(hr):
    track = TrackFactory()
    mentor = UserFactory(roles=[StaffRole.MENTOR])
    return {"url": f"/staff/mentors/{mentor.id}", "mentor": mentor.id, "track": track.id}


def _profiles(arranged):
    return db.session.scalars(
        select(MentorProfile.capacity).where(MentorProfile.user_id == arranged["mentor"])
    ).all()


def _apprentice_with_a_mentor(hr):
    track = TrackFactory()
    apprentice = hired(RoleFactory(track=track))
    current = assigned(apprentice, MentorProfileFactory(tracks=[track]))
    other = MentorProfileFactory(tracks=[track])
    return {
        "url": f"/staff/apprentices/{apprentice.id}/mentor",
        "apprentice": apprentice.id,
        "current": current.id,
        "other": other.id,
    }


def _assignments(arranged):
    return db.session.execute(
        select(MentorAssignment.mentor_id, MentorAssignment.ended_at)
        .where(MentorAssignment.application_id == arranged["apprentice"])
        .order_by(MentorAssignment.id)
    ).all()


def _my_mentee(mentor_user):
    profile = MentorProfileFactory(user=mentor_user)
    apprentice = hired(RoleFactory())
    assigned(apprentice, profile)
    return {"url": f"/staff/mentees/{apprentice.id}", "apprentice": apprentice.id}


def _log(arranged):
    return db.session.scalars(
        select(MentoringLogEntry.id).where(
            MentoringLogEntry.application_id == arranged["apprentice"]
        )
    ).all()


_today = clock.today

CASES = [
    InvalidPost(
        name="mentor-profile-with-no-capacity",
        endpoint="mentoring.profile",
        user=_hr,
        arrange=_mentor_to_set_up,
        data=lambda arranged: {
            "about": "Senior developer, ICT",
            "tracks": [str(arranged["track"])],
            "capacity": "0",
        },
        field="capacity",
        message="Capacity must be between 1 and 20",
        state=_profiles,
    ),
    InvalidPost(
        name="change-mentor-without-a-reason",
        endpoint="mentoring.assign",
        user=_hr,
        arrange=_apprentice_with_a_mentor,
        data=lambda arranged: {
            "mentor": str(arranged["other"]),
            "current": str(arranged["current"]),
            "reason": "  ",
        },
        field="reason",
        message="Enter why you are changing mentor",
        state=_assignments,
    ),
    InvalidPost(
        name="mentoring-check-in-without-a-note",
        endpoint="mentoring.mentee",
        user=_mentor_user,
        arrange=_my_mentee,
        data=lambda arranged: {
            "kind": "check_in",
            "status": "held",
            "occurred_on": [str(_today().day), str(_today().month), str(_today().year)],
            "note": "",
        },
        field="note",
        message="Enter a note",
        state=_log,
    ),
]

EXEMPT: dict[str, str] = {}

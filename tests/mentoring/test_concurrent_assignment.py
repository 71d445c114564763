"""Reliability: a mentor is never given more apprentices than they can take, and an
apprentice never has two mentors. HR staff assign at the same moment, each in their own
transaction: one wins, the other is told."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from tests.factories import RoleFactory, UserFactory
from tests.mentoring.factories import MentorProfileFactory, hired

# A committed database of this module's own (tests/notifications/conftest.py).
from tests.notifications.conftest import (  # noqa: F401
    mail_app,
    mail_env,
    outbox_database_url,
    redis_server,
    smtp_server,
)
from tracker.accounts.models import StaffRole, User
from tracker.applications.models import Application
from tracker.extensions import db
from tracker.mentoring import services
from tracker.mentoring.models import MentorAssignment, MentorProfile


def _race(mail_app, attempts: list[tuple[int, int, int]]) -> list[str]:  # noqa: F811
    """Run (hr_id, application_id, mentor_id) assignments at once; return their outcomes."""
    barrier = threading.Barrier(len(attempts))
    outcomes: list[str] = []

    def attempt(hr_id: int, application_id: int, mentor_id: int) -> None:
        with mail_app.app_context():
            actor = db.session.get(User, hr_id)
            application = db.session.get(Application, application_id)
            barrier.wait()
            try:
                # As from the page, which showed no mentor yet.
                services.assign_mentor(
                    actor=actor,
                    application=application,
                    mentor_id=mentor_id,
                    seen_assignment_id=None,
                )
                db.session.commit()
                outcomes.append("assigned")
            except services.MentoringError as error:
                db.session.rollback()
                outcomes.append(str(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=attempt, args=args) for args in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def _live(mail_app, column, value) -> int:  # noqa: F811
    with mail_app.app_context():
        count = db.session.scalar(
            select(func.count())
            .select_from(MentorAssignment)
            .where(column == value, MentorAssignment.ended_at.is_(None))
        )
        db.session.remove()
        return count


@pytest.mark.slow  # threads
def test_two_assignments_of_a_mentors_last_place_one_wins(mail_app):  # noqa: F811
    with mail_app.app_context():
        role = RoleFactory(criteria=[])
        mentor = MentorProfileFactory(
            user=UserFactory(roles=[StaffRole.MENTOR], name="Last Place"),
            tracks=[role.track],
            capacity=2,
            assigned=1,  # one place left
        )
        hr = [UserFactory(roles=[StaffRole.ADMIN]).id for _ in range(2)]
        apprentices = [hired(role).id for _ in range(2)]
        db.session.commit()
        mentor_id = mentor.id
        db.session.remove()

    outcomes = _race(
        mail_app, [(hr[0], apprentices[0], mentor_id), (hr[1], apprentices[1], mentor_id)]
    )

    assert sorted(outcomes) == sorted(
        ["assigned", "Last Place has no free places left. Choose another mentor."]
    )
    with mail_app.app_context():
        assert db.session.get(MentorProfile, mentor_id).assigned == 2
        db.session.remove()
    assert _live(mail_app, MentorAssignment.mentor_id, mentor_id) == 1


def test_two_mentors_given_to_one_apprentice_at_once_one_wins(mail_app):  # noqa: F811
    with mail_app.app_context():
        role = RoleFactory(criteria=[])
        mentors = [MentorProfileFactory(tracks=[role.track]).id for _ in range(2)]
        hr = [UserFactory(roles=[StaffRole.ADMIN]).id for _ in range(2)]
        application = hired(role, full_name="Popular Apprentice")
        db.session.commit()
        application_id = application.id
        db.session.remove()

    outcomes = _race(
        mail_app, [(hr[0], application_id, mentors[0]), (hr[1], application_id, mentors[1])]
    )

    assert sorted(outcomes) == sorted(
        [
            "assigned",
            "Someone else has just given Popular Apprentice a mentor. Check and try again",
        ]
    )
    assert _live(mail_app, MentorAssignment.application_id, application_id) == 1
    with mail_app.app_context():
        # The loser's place was given back with the rest of its transaction.
        places = db.session.scalars(
            select(MentorProfile.assigned).where(MentorProfile.id.in_(mentors))
        ).all()
        assert sorted(places) == [0, 1]
        db.session.remove()

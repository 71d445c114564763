"""Factories for mentoring: mentors' profiles, hired apprentices with their offer, and
assignments. They flush into the test's rolled-back session, like tests/factories.py."""

from __future__ import annotations

from datetime import timedelta

import factory
from factory.alchemy import SQLAlchemyModelFactory

from tests.factories import ApplicationFactory, UserFactory
from tracker import clock
from tracker.accounts.models import StaffRole
from tracker.extensions import db
from tracker.mentoring.models import MentorAssignment, MentorProfile
from tracker.offers.models import Offer


class _Base(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"


class MentorProfileFactory(_Base):
    """A mentor (a user with the mentor role) and their profile: three places, none taken.
    Pass tracks=[...] for their tracks of expertise."""

    class Meta:
        model = MentorProfile

    user = factory.SubFactory(UserFactory, roles=[StaffRole.MENTOR])
    about = "Senior developer, ICT, Example Borough Council"
    capacity = 3
    assigned = 0
    created_at = factory.LazyFunction(clock.utcnow)
    updated_at = factory.LazyFunction(clock.utcnow)

    @factory.post_generation
    def tracks(profile, create, extracted, **kwargs):
        profile.tracks = list(extracted or [])
        if create:
            db.session.flush()


def hired(role, *, consent: bool | None = True, starts_in_days: int = 30, **values):
    """A hired apprentice for ``role``, with the accepted offer and their consent answer."""
    application = ApplicationFactory(role=role, hired=True, **values)
    now = clock.utcnow()
    db.session.add(
        Offer(
            application_id=application.id,
            starts_on=clock.today() + timedelta(days=starts_in_days),
            made_at=now,
            made_by="hr@example.gov.uk",
            mentor_contact_consent=consent,
            consent_recorded_at=now if consent is not None else None,
        )
    )
    db.session.flush()
    return application


def assigned(application, profile, *, ended: bool = False) -> MentorAssignment:
    """An assignment made directly (not through the service), counting the mentor's place."""
    now = clock.utcnow()
    assignment = MentorAssignment(
        application_id=application.id,
        mentor_id=profile.id,
        assigned_at=now - timedelta(days=10),
        assigned_by="hr@example.gov.uk",
        ended_at=now if ended else None,
        ended_by="hr@example.gov.uk" if ended else None,
        end_reason="Moved teams" if ended else None,
    )
    db.session.add(assignment)
    if not ended:
        profile.assigned += 1
    db.session.flush()
    return assignment

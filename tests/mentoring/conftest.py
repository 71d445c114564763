"""Fixtures for mentoring: HR, a track and role, mentors and hired apprentices."""

from __future__ import annotations

import pytest

from tests.factories import RoleFactory, TrackFactory, UserFactory
from tests.mentoring.factories import MentorProfileFactory, hired
from tracker.accounts.models import StaffRole


@pytest.fixture
def track():
    return TrackFactory(name="Data analysis")


@pytest.fixture
def role(track):
    return RoleFactory(track=track, title="Data analyst apprentice")


@pytest.fixture
def mentor(track):
    """A mentor who knows the role's track, with three free places."""
    return MentorProfileFactory(
        user=UserFactory(roles=[StaffRole.MENTOR], name="Morgan Lee"), tracks=[track]
    )


@pytest.fixture
def apprentice(role):
    """A hired apprentice who agreed their mentor may have their contact details."""
    return hired(role, consent=True, full_name="Alex Example", phone="07911 123456")

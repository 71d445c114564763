"""Fixtures for screening: a role, a hiring manager who looks after it, and candidates."""

from __future__ import annotations

import pytest

from tests.factories import ApplicationFactory, RoleFactory, UserFactory
from tracker.accounts.models import StaffRole
from tracker.applications.states import Status


@pytest.fixture
def role():
    return RoleFactory(criteria=["You enjoy solving problems", "You work well with others"])


@pytest.fixture
def manager(role):
    return UserFactory(roles=[StaffRole.HIRING_MANAGER], tracks=[role.track])


@pytest.fixture
def candidate(role):
    def make(status: Status = Status.SUBMITTED, **values):
        return ApplicationFactory(role=role, submitted=True, status=status, **values)

    return make

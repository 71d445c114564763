"""Fixtures for HR's reports: HR, a campaign with roles in two tracks and two levels, and
candidates for them."""

from __future__ import annotations

import pytest

from tests.factories import (
    ApplicationFactory,
    CampaignFactory,
    RoleFactory,
    TrackFactory,
)
from tracker.applications.states import Status
from tracker.clock import utcnow


@pytest.fixture
def campaign():
    return CampaignFactory(slug="intake-2026", name="Apprentice intake 2026")


@pytest.fixture
def tracks():
    return [TrackFactory(name="Data analysis"), TrackFactory(name="ICT support")]


@pytest.fixture
def roles(campaign, tracks):
    data, support = tracks
    return [
        RoleFactory(campaign=campaign, track=data, title="Data technician apprentice", level=3),
        RoleFactory(campaign=campaign, track=data, title="Data analyst apprentice", level=4),
        RoleFactory(campaign=campaign, track=support, title="IT service desk apprentice", level=3),
    ]


@pytest.fixture
def candidate(roles):
    """A submitted application (for the first role unless told), with no timeline.

    Not the root conftest's, on purpose: the reports time each move, and their tests write
    the history they count at chosen days (or none, as for imported applications), which the
    pipeline's moves, all dated now, would change. The status is set directly."""

    def make(status: Status = Status.SUBMITTED, role=None, **values):
        if status is Status.WITHDRAWN:
            values = {"withdrawn_at": utcnow(), "withdrawal_reason": "personal"} | values
        return ApplicationFactory(role=role or roles[0], submitted=True, status=status, **values)

    return make

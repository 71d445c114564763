"""Fixtures for employer partners: HR, an organisation with partner users, and shares."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.factories import (
    PartnerOrganisationFactory,
    UserFactory,
)
from tracker import clock
from tracker.accounts.models import StaffRole
from tracker.applications.states import Status
from tracker.partners import fields
from tracker.partners import services as partners


@pytest.fixture
def organisation():
    return PartnerOrganisationFactory(name="Hackney Tech Co-operative")


@pytest.fixture
def partner_user(organisation):
    return partner_in(organisation)


def partner_in(organisation, **values):
    return UserFactory(roles=[StaffRole.PARTNER], partner_organisation=organisation, **values)


@pytest.fixture
def candidate(candidate):
    """The root conftest's, but at assessment unless told: partners meet candidates there."""

    def make(status: Status = Status.ASSESSMENT, **values):
        return candidate(status, **values)

    return make


@pytest.fixture
def share_with(hr):
    """Share applications with an organisation through the service, as HR."""

    def share(organisation, applications, **overrides):
        values = {
            "purpose": "Assessment day, 12 January",
            "due_on": clock.today() + timedelta(days=10),
            "criteria": ["Problem solving", "Working with others"],
            "fields": list(fields.DEFAULT),
        } | overrides
        return partners.share_candidates(
            actor=hr, organisation=organisation, applications=list(applications), **values
        )

    return share

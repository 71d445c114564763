"""Every (state, event) pair: allowed moves happen and record who made them; the rest are
refused with a message and change nothing."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import func, select

from tests.factories import ApplicationFactory, UserFactory
from tracker.accounts.models import StaffRole
from tracker.applications import pipeline
from tracker.applications.models import TimelineEntry
from tracker.applications.states import (
    TRANSITIONS,
    Actor,
    Event,
    IllegalTransition,
    Status,
    events_from,
)
from tracker.clock import utcnow
from tracker.extensions import db
from tracker.notifications.models import Email

PAIRS = list(itertools.product(Status, Event))


def _application_in(status: Status):
    if status is Status.DRAFT:
        return ApplicationFactory(complete=True)
    if status is Status.WITHDRAWN:
        return ApplicationFactory(
            submitted=True, stage=status, withdrawn_at=utcnow(), withdrawal_reason="personal"
        )
    return ApplicationFactory(submitted=True, stage=status)


# What the database requires of the states the applicant's own moves lead to.
VALUES = {
    Event.SUBMIT: lambda: {"reference": "ABCD-EFGH", "submitted_at": utcnow()},
    Event.WITHDRAW: lambda: {"withdrawn_at": utcnow(), "withdrawal_reason": "personal"},
}


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize(("status", "event"), PAIRS, ids=[f"{s.value}-{e.value}" for s, e in PAIRS])
def test_each_state_and_event(status, event):
    application = _application_in(status)
    actor = UserFactory(roles=[StaffRole.ADMIN])
    transition = TRANSITIONS[event]
    emails_before, timeline_before = _count(Email), _count(TimelineEntry)

    if status in transition.sources:
        entry = pipeline.move(
            application,
            event,
            actor_user=actor,
            actor_label=actor.email,
            reasons=["other"],
            values=VALUES.get(event, dict)(),
        )
        assert application.status is transition.target
        assert (entry.from_status, entry.to_status) == (status, transition.target)
        assert (entry.actor_user_id, entry.actor_label) == (actor.id, actor.email)
        assert _count(Email) == emails_before + (1 if transition.email else 0)
    else:
        version = application.version
        with pytest.raises(IllegalTransition) as refused:
            pipeline.move(application, event, actor_user=actor, actor_label=actor.email)
        assert "You cannot" in str(refused.value)
        db.session.refresh(application)
        assert (application.status, application.version) == (status, version)
        assert _count(TimelineEntry) == timeline_before  # the moves that led here, no more
        assert _count(Email) == emails_before


def test_terminal_states_have_no_way_out():
    from tracker.applications.states import TERMINAL

    for status in TERMINAL:
        assert events_from(status, Actor.STAFF) == []
        assert events_from(status, Actor.APPLICANT) == []


def test_every_move_that_emails_has_a_registered_template():
    from tracker.notifications.rendering import REGISTRY

    for transition in TRANSITIONS.values():
        assert transition.email is None or transition.email in REGISTRY


def test_a_stale_version_is_a_conflict():
    application = _application_in(Status.SUBMITTED)
    with pytest.raises(pipeline.Conflict):
        pipeline.move(
            application,
            Event.START_SIFT,
            actor_label="someone",
            expected_version=application.version - 1,
        )
    assert application.status is Status.SUBMITTED

"""Random sequences of moves, by staff and applicant alike, keep the pipeline's invariants:
a terminal application never moves, every move has a timeline row, and each move that
should email sends exactly one."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import func, select

from tests.factories import ApplicationFactory, UserFactory
from tracker.accounts.models import StaffRole
from tracker.applications import pipeline
from tracker.applications.models import TimelineEntry
from tracker.applications.states import TERMINAL, TRANSITIONS, Event, IllegalTransition
from tracker.clock import utcnow
from tracker.extensions import db
from tracker.notifications.models import Email

VALUES = {
    Event.SUBMIT: lambda: {"reference": None, "submitted_at": utcnow()},
    Event.WITHDRAW: lambda: {"withdrawn_at": utcnow(), "withdrawal_reason": "personal"},
}


class Pipeline(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.actor = UserFactory(roles=[StaffRole.ADMIN])
        self.application = ApplicationFactory(complete=True)
        self.moves = 0
        self.emails = 0

    def _count(self, model, column) -> int:
        return db.session.scalar(
            select(func.count()).select_from(model).where(column == self.application.id)
        )

    @rule(event=st.sampled_from(list(Event)))
    def make(self, event):
        before = self.application.status
        values = VALUES.get(event, dict)()
        if event is Event.SUBMIT:
            values["reference"] = f"T{self.application.id:04d}-{self.moves:03d}"
        try:
            pipeline.move(
                self.application,
                event,
                actor_user=self.actor,
                actor_label=self.actor.email,
                values=values,
            )
        except IllegalTransition:
            assert before not in TRANSITIONS[event].sources
            assert self.application.status is before
            return
        assert before not in TERMINAL, "a terminal application moved"
        self.moves += 1
        self.emails += TRANSITIONS[event].email is not None

    @invariant()
    def every_move_is_on_the_timeline(self):
        assert self._count(TimelineEntry, TimelineEntry.application_id) == self.moves

    @invariant()
    def one_email_per_move_that_sends_one(self):
        sent = db.session.scalar(
            select(func.count())
            .select_from(Email)
            .where(Email.context["application_id"].as_integer() == self.application.id)
        )
        assert sent == self.emails


@pytest.mark.slow  # generated moves
def test_random_moves_keep_the_invariants():
    run_state_machine_as_test(
        Pipeline,
        settings=settings(
            max_examples=40,
            stateful_step_count=15,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )

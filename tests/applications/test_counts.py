"""The stage counts staff read (tracker/applications/counts.py) never drift from the rows:
random sequences of everything that changes what is counted (submitting, moving one and
many, withdrawing, flags set and cleared, anonymising, erasing an applicant, deleting a
draft, a role's applications moved by the catalogue, folding the tally) leave every group's
count equal to COUNT(*) of its applications; and the repair command puts a broken tally
right."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import func, select, update

from tests.factories import ApplicationFactory, RoleFactory, UserFactory
from tracker.accounts.models import StaffRole
from tracker.applications import counts, drafts, pipeline, submission
from tracker.applications.count_models import ApplicationCount
from tracker.applications.errors import ApplicationError
from tracker.applications.models import Application
from tracker.applications.states import ACTIVE, STAFF_EVENTS, Event, IllegalTransition, Status
from tracker.catalogue.models import Role
from tracker.clock import utcnow
from tracker.extensions import db
from tracker.privacy import services as privacy
from tracker.screening import services as screening

REASONS = {Event.REJECT: ["other"]}
DAYS = 7  # WAITING_DAYS


def _real_counts() -> dict[tuple[int, Status], int]:
    rows = db.session.execute(
        select(Application.role_id, Application.status, func.count())
        .where(Application.status != Status.DRAFT)
        .group_by(Application.role_id, Application.status)
    )
    return {(role, status): n for role, status, n in rows}


class Counted(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.hr = UserFactory(roles=[StaffRole.ADMIN])
        first = RoleFactory(criteria=[])
        self.role_ids = [first.id, RoleFactory(criteria=[], campaign=first.campaign).id]
        self.ids: list[int] = []

    def _role(self, index: int) -> Role:
        return db.session.get_one(Role, self.role_ids[index])

    def _pick(self, data, *, status=None) -> Application | None:
        found = list(
            db.session.scalars(
                select(Application).where(
                    Application.id.in_(self.ids),
                    *([Application.status.in_(status)] if status else []),
                )
            )
        )
        return data.draw(st.sampled_from(found)) if found else None

    @rule(role=st.integers(0, 1), flagged=st.booleans(), adjustments=st.booleans())
    def submit(self, role, flagged, adjustments):
        draft = ApplicationFactory(complete=True, role=self._role(role))
        draft.needs_adjustments = adjustments
        pipeline.move(
            draft,
            Event.SUBMIT,
            actor_label="applicant",
            values={
                "reference": f"C{draft.id:06d}",
                "submitted_at": utcnow(),
                "needs_hr_check": flagged,
            },
        )
        self.ids.append(draft.id)

    @rule(role=st.integers(0, 1))
    def start_a_draft(self, role):
        self.ids.append(ApplicationFactory(complete=True, role=self._role(role)).id)

    @rule(data=st.data(), event=st.sampled_from(STAFF_EVENTS))
    def move(self, data, event):
        application = self._pick(data, status=list(ACTIVE))
        if application is None:
            return
        with contextlib.suppress(IllegalTransition):
            pipeline.move(
                application, event, actor_user=self.hr, actor_label="HR", reasons=REASONS.get(event)
            )

    @rule(data=st.data(), event=st.sampled_from([Event.START_SIFT, Event.REJECT]))
    def move_many(self, data, event):
        chosen = [
            a
            for a in db.session.scalars(select(Application).where(Application.id.in_(self.ids)))
            if data.draw(st.booleans())
        ]
        screening.move_candidates(
            actor=self.hr,
            applications=chosen,
            event=event,
            reasons=REASONS.get(event),
            feedback="Another reason, explained here." if event is Event.REJECT else None,
            # Some seen at an older version: skipped, their savepoint rolled back.
            versions={a.id: a.version - 1 for a in chosen if data.draw(st.booleans())},
        )

    @rule(data=st.data())
    def withdraw(self, data):
        application = self._pick(data, status=list(ACTIVE))
        if application is not None:
            submission.withdraw_application(
                applicant=application.applicant,
                application=application,
                reason="personal",
                details=None,
            )

    @rule(data=st.data(), flag=st.sampled_from(["needs_hr_check", "disability_confident"]))
    def flip_a_flag(self, data, flag):
        application = self._pick(data)
        if application is not None:
            setattr(application, flag, not getattr(application, flag))
            db.session.flush()

    @rule(data=st.data())
    def anonymise(self, data):
        application = self._pick(data, status=[Status.UNSUCCESSFUL, Status.WITHDRAWN])
        if application is not None:
            privacy.anonymise_application(application, now=utcnow())
            db.session.flush()

    @rule(data=st.data())
    def erase_the_applicant(self, data):
        application = self._pick(data)
        if application is None:
            return
        try:
            privacy.erase_applicant(actor=self.hr, applicant=application.applicant)
        except privacy.PrivacyError:
            return
        db.session.expire_all()
        self.ids.remove(application.id)

    @rule(data=st.data())
    def delete_a_draft(self, data):
        application = self._pick(data, status=[Status.DRAFT])
        if application is not None:
            try:
                drafts.delete_draft(applicant=application.applicant, application=application)
            except ApplicationError:
                return
            self.ids.remove(application.id)

    @rule()
    def move_roles_applications(self):
        """A role's applications moved to the other role wholesale (raw SQL, as a data fix
        or a catalogue merge would): the triggers count it all the same."""
        db.session.execute(
            update(Application)
            .where(Application.id.in_(self.ids), Application.role_id == self.role_ids[1])
            .values(role_id=self.role_ids[0])
            .execution_options(synchronize_session=False)
        )
        db.session.expire_all()

    @rule()
    def fold(self):
        counts.fold(DAYS)

    @invariant()
    def every_count_is_the_rows(self):
        assert counts.drift(DAYS) == []
        shown, _ = counts.by_role_and_stage(self.hr)
        assert shown == _real_counts()


@pytest.mark.slow  # generated sequences
def test_random_changes_never_make_the_counts_drift():
    run_state_machine_as_test(
        Counted,
        settings=settings(
            max_examples=12,
            stateful_step_count=15,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )


def test_the_counts_follow_a_submission_and_a_move(candidate, role):
    hr = UserFactory(roles=[StaffRole.ADMIN])
    application = candidate(Status.SUBMITTED, needs_hr_check=True)

    assert counts.by_role_and_stage(hr, role_id=role.id)[0] == {(role.id, Status.SUBMITTED): 1}
    pipeline.move(application, Event.START_SIFT, actor_user=hr, actor_label="HR")
    counts.fold(DAYS)

    assert counts.by_role_and_stage(hr, role_id=role.id)[0] == {(role.id, Status.SIFT): 1}
    assert counts.sums(hr, {"flagged": counts.FLAGS["hr_check"].is_(True)}) == {"flagged": 1}
    assert db.session.scalar(select(func.count()).select_from(ApplicationCount)) == 1


def test_recount_repairs_a_broken_tally(app, candidate, role):
    candidate(Status.SIFT)
    candidate(Status.SUBMITTED)
    db.session.execute(update(ApplicationCount).values(delta=ApplicationCount.delta + 5))
    runner = app.test_cli_runner()

    checked = runner.invoke(args=["applications", "recount", "--check"])
    assert checked.exit_code == 1 and "2 group(s) wrong" in checked.output
    assert len(counts.drift(DAYS)) == 2

    repaired = runner.invoke(args=["applications", "recount"])
    assert repaired.exit_code == 0, repaired.output
    assert counts.drift(DAYS) == []
    assert runner.invoke(args=["applications", "recount", "--check"]).exit_code == 0

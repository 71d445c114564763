"""Screening forms with a mistake in each (tests/forms/harness.py): moves one at a time and
in bulk (and their confirmations), notes, offer conditions, reveals, scores, saved views."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from tests.factories import ApplicationFactory, RoleFactory, UserFactory
from tests.forms.harness import InvalidPost
from tracker import clock
from tracker.accounts.models import ManagerScope, StaffRole
from tracker.applications import pipeline
from tracker.applications.models import Application, TimelineEntry
from tracker.applications.states import Event, Status
from tracker.audit.models import AuditEvent
from tracker.catalogue.models import Criterion, CriterionKind
from tracker.extensions import db
from tracker.notifications.models import Email
from tracker.offers.models import ConditionKind
from tracker.screening import services
from tracker.screening.models import CandidateNote, IdentityReveal, SavedView, Scorecard


def _manager():
    return UserFactory(roles=[StaffRole.HIRING_MANAGER])


def _hr():
    return UserFactory(roles=[StaffRole.ADMIN])


def _candidate(user, status=Status.SIFT, criteria=("You enjoy solving problems",)) -> dict:
    role = RoleFactory(criteria=list(criteria))
    if user.has_role(StaffRole.HIRING_MANAGER):
        user.scopes.append(ManagerScope(track_id=role.track_id))
    application = ApplicationFactory(role=role, submitted=True, stage=status)
    db.session.flush()
    return {"application": application.id, "role": role.id, "version": application.version}


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _moves(arranged) -> tuple:
    """The candidate's status and version, their timeline, and every email and audit event."""
    application = db.session.get(Application, arranged["application"])
    db.session.refresh(application)
    return (
        application.status,
        application.version,
        _count(TimelineEntry),
        _count(Email),
        _audited("application."),
    )


def _audited(prefix: str) -> int:
    """Audit events about applications (signing in is audited too, and is not the form's)."""
    return db.session.scalar(select(func.count()).where(AuditEvent.action.startswith(prefix)))


def _at(path: str):
    def arrange(user, **kwargs):
        arranged = _candidate(user, **kwargs)
        arranged["url"] = path.format(**arranged)
        return arranged

    return arrange


def _offered(user) -> dict:
    arranged = _candidate(user, Status.INTERVIEW)
    application = db.session.get(Application, arranged["application"])
    services.move_candidate(
        actor=user,
        application=application,
        event=Event.MAKE_OFFER,
        expected_version=application.version,
        starts_on=clock.today() + timedelta(days=60),
    )
    pipeline.move(application, Event.ACCEPT_OFFER, actor_label="applicant")
    arranged["url"] = f"/staff/applications/{application.id}/conditions/references"
    return arranged


# The scorecard's fields are named by criterion id: this one's is fixed, so the case can name
# the field (the test's transaction is rolled back, so the id is free again after).
CRITERION_ID = 990_001


def _scored(user) -> dict:
    arranged = _at("/staff/applications/{application}/scorecard")(user, criteria=())
    application = db.session.get(Application, arranged["application"])
    application.role.criteria.append(
        Criterion(id=CRITERION_ID, kind=CriterionKind.ESSENTIAL, position=0, text="You plan")
    )
    db.session.flush()
    return arranged


CASES = [
    InvalidPost(
        name="screening-move-unsuccessful-without-a-reason",
        endpoint="screening.move",
        user=_manager,
        arrange=_at("/staff/applications/{application}/move"),
        data=lambda a: {"event": "reject", "version": str(a["version"])},
        field="reasons",
        message="Select at least one reason",
        state=_moves,
    ),
    InvalidPost(
        name="screening-confirm-unsuccessful-after-someone-else-moved-them",
        endpoint="screening.make_unsuccessful",
        user=_manager,
        arrange=_at("/staff/applications/{application}/unsuccessful"),
        data=lambda a: {
            "event": "reject",
            "reasons": ["stronger_candidates"],
            "version": str(a["version"] + 1),
        },
        field="event",
        message="Someone else changed this application",
        state=_moves,
    ),
    InvalidPost(
        name="screening-bulk-unsuccessful-without-a-reason",
        endpoint="screening.candidates",
        user=_manager,
        arrange=_at("/staff/roles/{role}/candidates"),
        data=lambda a: {"event": "reject", "application_ids": [str(a["application"])]},
        field="reasons",
        message="Select at least one reason",
        state=_moves,
    ),
    InvalidPost(
        name="screening-bulk-move-with-no-candidate-chosen",
        endpoint="screening.candidates",
        user=_manager,
        arrange=_at("/staff/roles/{role}/candidates"),
        data=lambda a: {"event": "invite_to_assessment"},
        field="application_ids",
        message="Select at least one candidate",
        state=_moves,
    ),
    InvalidPost(
        name="screening-confirm-bulk-unsuccessful-without-a-reason",
        endpoint="screening.bulk_move",
        user=_manager,
        arrange=_at("/staff/roles/{role}/candidates/move"),
        data=lambda a: {"event": "reject", "chosen": [f"{a['application']}:{a['version']}"]},
        field="reasons",
        message="Select at least one reason",
        state=_moves,
    ),
    InvalidPost(
        name="screening-confirm-bulk-move-with-a-tampered-list",
        endpoint="screening.bulk_move",
        user=_manager,
        arrange=_at("/staff/roles/{role}/candidates/move"),
        data=lambda a: {"event": "invite_to_assessment", "chosen": ["x:1"]},
        field="scope",
        message="Select the candidates again",
        state=_moves,
    ),
    InvalidPost(
        name="screening-empty-note",
        endpoint="screening.add_note",
        user=_manager,
        arrange=_at("/staff/applications/{application}/notes"),
        data=lambda a: {"text": "  "},
        field="text",
        message="Enter a note",
        state=lambda a: _count(CandidateNote),
    ),
    InvalidPost(
        name="screening-condition-note-too-long",
        endpoint="screening.meet_condition",
        user=_manager,
        arrange=_offered,
        data=lambda a: {"note": "x" * 501},
        field=f"note-{ConditionKind.REFERENCES.value}",
        message="500 characters or fewer",
        state=_moves,
    ),
    InvalidPost(
        name="screening-reveal-without-a-reason",
        endpoint="screening.reveal_identity",
        user=_hr,
        arrange=_at("/staff/applications/{application}/reveal"),
        data=lambda a: {"reason": ""},
        field="reason",
        message="Enter why you need the candidate's name and contact details",
        state=lambda a: (_count(IdentityReveal), _audited("application.")),
    ),
    InvalidPost(
        name="screening-scorecard-with-a-criterion-unscored",
        endpoint="screening.score",
        user=_manager,
        arrange=_scored,
        data=lambda a: {f"evidence_{CRITERION_ID}": "Good answer"},
        field=f"score_{CRITERION_ID}",
        message="Score criterion 1",
        state=lambda a: _count(Scorecard),
    ),
    InvalidPost(
        name="screening-saved-view-without-a-name",
        endpoint="screening.save_view",
        user=_manager,
        arrange=_at("/staff/roles/{role}/saved-views?status=sift"),
        data=lambda a: {"name": ""},
        field="name",
        message="Enter a name for this view",
        state=lambda a: _count(SavedView),
    ),
]

EXEMPT: dict[str, str] = {
    "screening.delete_view": "a Delete button with nothing to fill in; another user's view "
    "is not found (404)",
}

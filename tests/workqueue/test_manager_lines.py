"""A hiring manager's queue: each count equals an independent count of the candidates seeded
to match, and the list shows exactly those references (in scope, right stage, in the window)."""

from __future__ import annotations

from datetime import timedelta

from tests.factories import PartnerOrganisationFactory, SlotFactory
from tracker import clock
from tracker.applications.states import Status
from tracker.extensions import db
from tracker.partners.models import (
    PartnerFeedback,
    Recommendation,
    Share,
    ShareCriterion,
    SharedCandidate,
)
from tracker.scheduling.models import Booking, SlotKind
from tracker.screening.models import Scorecard


def _scorecard(application, user, *, submitted_at=None, submitted=True):
    db.session.add(
        Scorecard(
            application_id=application.id,
            reviewer_id=user.id,
            reviewer_label=user.email,
            submitted_at=(submitted_at or clock.utcnow()) if submitted else None,
        )
    )
    db.session.flush()


def test_awaiting_my_score(client, sign_in, manager, candidate, other_role, line, hr):
    sift, interview = candidate(Status.SIFT), candidate(Status.INTERVIEW)
    drafted = candidate(Status.ASSESSMENT)
    _scorecard(drafted, manager, submitted=False)  # a draft is not a score
    others = candidate(Status.SIFT)
    _scorecard(others, hr)  # someone else's score is not mine
    mine = candidate(Status.SIFT)
    _scorecard(mine, manager)
    candidate(Status.SUBMITTED)  # not yet in a scoring stage
    candidate(Status.OFFER)
    candidate(Status.SIFT, role=other_role)  # out of scope
    sign_in(manager)

    line("awaiting_my_score", {a.reference for a in (sift, interview, drafted, others)})


def test_awaiting_my_score_offers_review_next_per_role_and_stage(
    client, sign_in, manager, candidate, role
):
    candidate(Status.SIFT), candidate(Status.SIFT), candidate(Status.INTERVIEW)
    sign_in(manager)

    page = client.get("/staff/queue/awaiting_my_score").get_data(as_text=True)

    assert f'data-review-group="{role.id}-sift"' in page
    assert f'data-review-group="{role.id}-interview"' in page
    assert "Review next" in page


def test_awaiting_decision(client, sign_in, manager, candidate, other_role, line):
    now = clock.utcnow()
    scored = candidate(Status.SIFT, days_in_stage=3)
    _scorecard(scored, manager, submitted_at=now - timedelta(days=1))
    moved_since = candidate(Status.ASSESSMENT, days_in_stage=1)
    _scorecard(moved_since, manager, submitted_at=now - timedelta(days=2))
    candidate(Status.SIFT)  # not scored by me
    outside = candidate(Status.SIFT, role=other_role, days_in_stage=3)
    _scorecard(outside, manager, submitted_at=now - timedelta(days=1))
    sign_in(manager)

    line("awaiting_decision", {scored.reference})


def _booking(application, *, days: float, kind=SlotKind.INTERVIEW, cancelled=False):
    slot = SlotFactory(
        role=application.role, kind=kind, starts_at=clock.utcnow() + timedelta(days=days)
    )
    db.session.add(
        Booking(
            slot_id=slot.id,
            application_id=application.id,
            kind=kind,
            booked_at=clock.utcnow(),
            cancelled_at=clock.utcnow() if cancelled else None,
        )
    )
    db.session.flush()


def test_interviews_this_week_with_their_times(
    client, sign_in, manager, candidate, other_role, line
):
    soon, edge = candidate(Status.INTERVIEW), candidate(Status.INTERVIEW)
    _booking(soon, days=2)
    _booking(edge, days=6.9)
    later = candidate(Status.INTERVIEW)
    _booking(later, days=7.1)
    past = candidate(Status.INTERVIEW)
    _booking(past, days=-0.1)
    cancelled = candidate(Status.INTERVIEW)
    _booking(cancelled, days=1, cancelled=True)
    assessment = candidate(Status.ASSESSMENT)
    _booking(assessment, days=1, kind=SlotKind.ASSESSMENT)
    outside = candidate(Status.INTERVIEW, role=other_role)
    _booking(outside, days=1)
    sign_in(manager)

    line("interviews_this_week", {soon.reference, edge.reference})
    home = client.get("/staff/").get_data(as_text=True)
    assert "data-upcoming" in home and soon.reference in home


def _feedback(application, *, at):
    share = Share(
        organisation_id=PartnerOrganisationFactory().id,
        purpose="Assessment day",
        due_on=clock.today(),
        fields=[],
        created_by="hr@example.gov.uk",
        created_at=at,
        criteria=[ShareCriterion(position=1, text="Problem solving")],
        candidates=[SharedCandidate(application_id=application.id)],
    )
    db.session.add(share)
    db.session.flush()
    feedback = PartnerFeedback(
        shared_candidate_id=share.candidates[0].id,
        recommendation=Recommendation.RECOMMEND,
        author="partner@example.com",
        submitted_at=at,
        updated_at=at,
    )
    db.session.add(feedback)
    db.session.flush()
    return feedback


def test_partner_feedback_new_since_last_looked(
    client, sign_in, manager, candidate, other_role, line
):
    now = clock.utcnow()
    first = candidate(Status.ASSESSMENT)
    _feedback(first, at=now - timedelta(hours=2))
    _feedback(candidate(Status.ASSESSMENT, role=other_role), at=now)  # out of scope
    sign_in(manager)

    line("partner_feedback_new", {first.reference})  # opening the list marks it seen
    assert manager.partner_feedback_seen_at is not None
    line("partner_feedback_new", set())

    second = candidate(Status.INTERVIEW)
    later = _feedback(second, at=clock.utcnow() + timedelta(minutes=1))
    assert later.updated_at > manager.partner_feedback_seen_at
    line("partner_feedback_new", {second.reference})

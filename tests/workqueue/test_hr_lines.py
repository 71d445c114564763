"""HR's queue: each count equals an independent count of the candidates seeded to match, and
the list shows exactly those references (right stage, edges of the time windows)."""

from __future__ import annotations

from datetime import timedelta

from tests.factories import PartnerOrganisationFactory, SlotFactory, UserFactory
from tests.mentoring.factories import MentorProfileFactory, assigned, hired
from tracker import clock
from tracker.accounts.models import StaffRole
from tracker.applications.states import Status
from tracker.extensions import db
from tracker.mentoring.models import LogKind, MentoringLogEntry
from tracker.notifications.models import Email, EmailStatus
from tracker.offers.models import ConditionKind, Offer, OfferCondition
from tracker.partners.models import (
    PartnerFeedback,
    Recommendation,
    Share,
    ShareCriterion,
    SharedCandidate,
)
from tracker.scheduling.models import Booking, SlotKind
from tracker.workqueue.models import BookingReminder


def test_new_applications(client, sign_in, hr, candidate, other_role, line):
    new = {candidate().reference, candidate(role=other_role).reference}  # HR sees every role
    candidate(Status.SIFT)
    sign_in(hr)

    line("new_applications", new)


def test_eligibility_check(client, sign_in, hr, candidate, line):
    flagged = candidate(Status.SIFT, needs_hr_check=True)
    candidate(Status.UNSUCCESSFUL, needs_hr_check=True)  # no longer active
    candidate(Status.SIFT)
    sign_in(hr)

    line("eligibility_check", {flagged.reference})


def test_waiting_long(client, sign_in, hr, candidate, app, line):
    days = app.config["WAITING_DAYS"]
    long = candidate(Status.ASSESSMENT, days_in_stage=days + 0.1)
    candidate(Status.ASSESSMENT, days_in_stage=days - 0.1)  # inside the window
    candidate(Status.OFFER, days_in_stage=days + 3)  # not awaiting a decision
    sign_in(hr)

    line("waiting_long", {long.reference})


def _book(application, kind, *, cancelled=False):
    slot = SlotFactory(role=application.role, kind=kind)
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


def test_invited_not_booked_shows_who_was_reminded(client, sign_in, hr, candidate, line):
    assessment, interview = candidate(Status.ASSESSMENT), candidate(Status.INTERVIEW)
    cancelled = candidate(Status.INTERVIEW)
    _book(cancelled, SlotKind.INTERVIEW, cancelled=True)
    # Booked an assessment earlier, now invited to interview: not booked for this stage.
    moved_on = candidate(Status.INTERVIEW)
    _book(moved_on, SlotKind.ASSESSMENT)
    booked = candidate(Status.ASSESSMENT)
    _book(booked, SlotKind.ASSESSMENT)
    candidate(Status.SIFT)
    db.session.add(
        BookingReminder(
            application_id=interview.id,
            status=Status.INTERVIEW,
            sent_at=clock.utcnow(),
            sent_by=hr.email,
        )
    )
    db.session.flush()
    sign_in(hr)

    line("invited_not_booked", {a.reference for a in (assessment, interview, cancelled, moved_on)})
    page = client.get("/staff/queue/invited_not_booked").get_data(as_text=True)
    assert page.count("data-reminded>Reminded ") == 1 and page.count("Not reminded") == 3


def _offer(application, *, days_ago: float, conditions=()):
    offer = Offer(
        application_id=application.id,
        starts_on=clock.today() + timedelta(days=30),
        made_at=clock.utcnow() - timedelta(days=days_ago),
        made_by="hr@example.gov.uk",
        conditions=[
            OfferCondition(kind=kind, met_at=clock.utcnow() if met else None)
            for kind, met in conditions
        ],
    )
    db.session.add(offer)
    db.session.flush()


def test_offers_unanswered(client, sign_in, hr, candidate, app, line):
    days = app.config["OFFER_RESPONSE_DAYS"]
    old = candidate(Status.OFFER)
    _offer(old, days_ago=days + 0.1)
    _offer(candidate(Status.OFFER), days_ago=days - 0.1)
    _offer(candidate(Status.PRE_EMPLOYMENT_CHECKS), days_ago=days + 3)  # answered
    sign_in(hr)

    line("offers_unanswered", {old.reference})


def test_conditions_outstanding(client, sign_in, hr, candidate, line):
    outstanding = candidate(Status.PRE_EMPLOYMENT_CHECKS)
    _offer(
        outstanding,
        days_ago=1,
        conditions=[(ConditionKind.REFERENCES, True), (ConditionKind.RIGHT_TO_WORK, False)],
    )
    _offer(
        candidate(Status.PRE_EMPLOYMENT_CHECKS),
        days_ago=1,
        conditions=[(ConditionKind.REFERENCES, True)],
    )
    sign_in(hr)

    line("conditions_outstanding", {outstanding.reference})


def _share(applications, *, due_in: int, ended=False, feedback_for=(), unshared=()):
    share = Share(
        organisation_id=PartnerOrganisationFactory().id,
        purpose="Assessment day",
        due_on=clock.today() + timedelta(days=due_in),
        fields=[],
        created_by="hr@example.gov.uk",
        created_at=clock.utcnow(),
        ended_at=clock.utcnow() if ended else None,
        criteria=[ShareCriterion(position=1, text="Problem solving")],
        candidates=[
            SharedCandidate(
                application_id=a.id, unshared_at=clock.utcnow() if a in unshared else None
            )
            for a in applications
        ],
    )
    db.session.add(share)
    db.session.flush()
    for shared in share.candidates:
        if shared.application in feedback_for:
            db.session.add(
                PartnerFeedback(
                    shared_candidate_id=shared.id,
                    recommendation=Recommendation.RECOMMEND,
                    author="p@example.com",
                    submitted_at=clock.utcnow(),
                    updated_at=clock.utcnow(),
                )
            )
    db.session.flush()
    return share


def test_partner_feedback_overdue(client, sign_in, hr, candidate, line):
    overdue, given, unshared = (candidate(Status.ASSESSMENT) for _ in range(3))
    withdrawn = candidate(Status.WITHDRAWN, withdrawn_at=clock.utcnow(), withdrawal_reason="x")
    _share(
        [overdue, given, unshared, withdrawn], due_in=-1, feedback_for=[given], unshared=[unshared]
    )
    _share([candidate(Status.ASSESSMENT)], due_in=0)  # due today: not yet overdue
    _share([candidate(Status.ASSESSMENT)], due_in=-3, ended=True)
    sign_in(hr)

    line("partner_feedback_overdue", {overdue.reference})


def test_without_mentor(client, sign_in, hr, role, line):
    alone = hired(role)
    mentor = MentorProfileFactory(tracks=[role.track])
    assigned(hired(role), mentor)
    ended = hired(role)
    assigned(ended, mentor, ended=True)
    sign_in(hr)

    line("without_mentor", {alone.reference, ended.reference})


def test_emails_failed_links_to_the_emails_page(client, sign_in, hr):
    for n, status in enumerate((EmailStatus.FAILED, EmailStatus.FAILED, EmailStatus.PENDING)):
        db.session.add(
            Email(
                idempotency_key=f"queue-{n}",
                recipient="x@example.com",
                template="test_email",
                context={"requested_by": "x"},
                queued_by="test",
                status=status,
                attempts=1,
                next_attempt_at=clock.utcnow(),
                last_error="refused" if status is EmailStatus.FAILED else None,
                failed_at=clock.utcnow() if status is EmailStatus.FAILED else None,
            )
        )
    db.session.flush()
    sign_in(hr)

    from tests.workqueue.conftest import home_count

    assert home_count(client, "emails_failed") == 2
    assert 'href="/admin/emails"' in client.get("/staff/").get_data(as_text=True)
    assert client.get("/staff/queue/emails_failed").location.endswith("/admin/emails")


def test_partner_feedback_due_soonest_first(client, sign_in, candidate):
    a, b, c = (candidate(Status.ASSESSMENT) for _ in range(3))
    later = _share([a], due_in=5)
    sooner = _share([b], due_in=2)
    _share([c], due_in=1, feedback_for=[c])  # all given
    organisation = PartnerOrganisationFactory()
    for share in (later, sooner):
        share.organisation_id = organisation.id
    db.session.flush()
    partner = UserFactory(roles=[StaffRole.PARTNER], partner_organisation=organisation)
    sign_in(partner)

    from tests.workqueue.conftest import home_count

    assert home_count(client, "partner_feedback_due") == 2
    page = client.get("/staff/queue/partner_feedback_due").get_data(as_text=True)
    assert page.index(f'data-share="{sooner.id}"') < page.index(f'data-share="{later.id}"')


def test_check_ins_due(client, sign_in, role, app):
    days = app.config["CHECK_IN_DAYS"]
    profile = MentorProfileFactory(tracks=[role.track])
    never, stale, recent = hired(role), hired(role), hired(role)
    for application in (never, stale, recent):
        assigned(application, profile)
    assigned(hired(role), MentorProfileFactory(tracks=[role.track]))  # someone else's
    for application, ago in ((stale, days + 1), (recent, days)):
        db.session.add(
            MentoringLogEntry(
                application_id=application.id,
                author="m@example.com",
                kind=LogKind.CHECK_IN,
                occurred_on=clock.today() - timedelta(days=ago),
                note="Fine",
                status="on_track",
                created_at=clock.utcnow(),
            )
        )
    db.session.flush()
    sign_in(profile.user)

    from tests.workqueue.conftest import home_count, listed

    assert home_count(client, "check_ins_due") == 2
    assert listed(client, "check_ins_due") == {never.reference, stale.reference}

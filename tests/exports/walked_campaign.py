"""A campaign walked through the real pipeline for the decision-column tests: scorecards,
moves with reasons, bookings, partner feedback, offers and their conditions, withdrawals."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import text

from tests.factories import (
    ApplicationFactory,
    CampaignFactory,
    PartnerOrganisationFactory,
    RoleFactory,
    SlotFactory,
    UserFactory,
)
from tracker import clock
from tracker.accounts.models import StaffRole
from tracker.applications.forms import HEARD_ABOUT, WITHDRAWAL_REASONS
from tracker.applications.states import REJECTION_REASONS, Event, Status
from tracker.applications.submission import withdraw_application
from tracker.catalogue.models import Criterion, CriterionKind
from tracker.exports.columns import COLUMNS
from tracker.extensions import db
from tracker.offers.models import ConditionKind
from tracker.offers.services import meet_condition, respond_to_offer
from tracker.partners import fields as partner_fields
from tracker.partners import services as partners
from tracker.partners.models import Recommendation, SharedCandidate
from tracker.scheduling.models import SlotKind
from tracker.scheduling.services import book
from tracker.screening.scorecards import criteria_for, submit_scorecard
from tracker.screening.services import move_candidate

CRITERIA = ["essential_1", "essential_2", "essential_3", "desirable_1"]
EVERY = [*COLUMNS, *CRITERIA]
PATHS = [
    "new",
    "sift",
    "rejected",
    "assessment",
    "interview",
    "offer",
    "accepted",
    "hired",
    "declined",
    "withdrawn",
]


def _move(hr, application, event, **more):
    move_candidate(
        actor=hr,
        application=application,
        event=event,
        expected_version=application.version,
        **more,
    )
    db.session.flush()


def _score(reviewers, application, rng):
    for reviewer in reviewers[: rng.randint(1, len(reviewers))]:
        submit_scorecard(
            actor=reviewer,
            application=application,
            scores={c.id: (rng.randint(1, 4), "") for _, c in criteria_for(application)},
        )


def _walk(path, application, *, hr, reviewers, slots, rng):
    """Take one application along ``path`` with the services staff and applicants use."""
    if path == "new":
        return
    _move(hr, application, Event.START_SIFT)
    if rng.random() < 0.8:
        _score(reviewers, application, rng)
    if path == "sift":
        return
    if path == "rejected":
        reasons = rng.sample(sorted(REJECTION_REASONS), rng.randint(1, 2))
        feedback = "See the notes" if "other" in reasons else None
        _move(hr, application, Event.REJECT, reasons=reasons, feedback=feedback)
        return
    if path == "withdrawn":
        withdraw_application(
            applicant=application.applicant,
            application=application,
            reason=rng.choice(WITHDRAWAL_REASONS)[0],
            details='=HYPERLINK("http://evil.example")',
        )
        return
    if path == "assessment" or rng.random() < 0.5:
        _move(hr, application, Event.INVITE_TO_ASSESSMENT)
        book(applicant=application.applicant, application=application, slot_id=slots[0].id)
        if path == "assessment":
            return
    _move(hr, application, Event.INVITE_TO_INTERVIEW)
    book(applicant=application.applicant, application=application, slot_id=slots[1].id)
    if path == "interview":
        return
    _move(hr, application, Event.MAKE_OFFER, starts_on=clock.today() + timedelta(days=40))
    if path == "offer":
        return
    respond_to_offer(
        applicant=application.applicant,
        application=application,
        accept=path != "declined",
        mentor_contact_consent=True,
    )
    if path == "declined":
        return
    kinds = list(ConditionKind) if path == "hired" else rng.sample(list(ConditionKind), 1)
    for kind in kinds:
        meet_condition(actor=hr, application=application, kind=kind, note=None)
    db.session.flush()


def build_campaign(hr):
    """Two roles of one campaign (their criteria differ) walked at random, one role of another
    campaign, partner shares with and without feedback, and times in stage spread out."""
    rng = random.Random(16)
    campaign = CampaignFactory(name="Spring 2027", slug="spring-2027")
    first = RoleFactory(campaign=campaign, criteria=["Curious", "Reliable"], title="Analyst")
    first.criteria.append(Criterion(kind=CriterionKind.DESIRABLE, position=0, text="Excel"))
    second = RoleFactory(campaign=campaign, criteria=["Kind", "Punctual", "Organised"])
    elsewhere = RoleFactory(title="Another campaign's role")
    reviewers = [hr, *(UserFactory(roles=[StaffRole.ADMIN]) for _ in range(2))]
    hooked = PartnerOrganisationFactory(name="=cmd|' /C calc'!A0 Ltd")
    plain = PartnerOrganisationFactory(name="Acme Training")
    partner = UserFactory(roles=[StaffRole.PARTNER], partner_organisation=hooked)
    UserFactory(roles=[StaffRole.PARTNER], partner_organisation=plain)
    slots = {
        role.id: [
            SlotFactory(role=role, kind=SlotKind.ASSESSMENT, capacity=50),
            SlotFactory(
                role=role,
                kind=SlotKind.INTERVIEW,
                capacity=50,
                starts_at=datetime(2027, 7, 1, 13, 30, tzinfo=clock.UK),  # summer time
            ),
        ]
        for role in (first, second)
    }
    db.session.flush()
    applications = []
    for number in range(24):
        role = (first, second)[number % 2]
        application = ApplicationFactory(
            role=role,
            submitted=True,
            disability_confident=False,
            heard_about=rng.choice([*HEARD_ABOUT, None]),
            reference=f"SPR-{number:04d}",
        )
        db.session.flush()
        _walk(
            PATHS[number % len(PATHS)],
            application,
            hr=hr,
            reviewers=reviewers,
            slots=slots[role.id],
            rng=rng,
        )
        applications.append(application)
    ApplicationFactory(role=elsewhere, submitted=True, reference="ELSE-0001")
    live = [a for a in applications if a.status in (Status.SIFT, Status.ASSESSMENT)]
    for organisation in (hooked, plain):
        partners.share_candidates(
            actor=hr,
            organisation=organisation,
            applications=live[:4],
            purpose="Assessment day",
            due_on=clock.today() + timedelta(days=10),
            criteria=["Problem solving"],
            fields=list(partner_fields.DEFAULT),
        )
    shared = db.session.execute(
        text(
            "SELECT sc.id FROM partner_shared_candidate sc JOIN partner_share s ON s.id = "
            "sc.share_id WHERE s.organisation_id = :org ORDER BY sc.id"
        ),
        {"org": hooked.id},
    ).scalars()
    for index, shared_id in enumerate(list(shared)[:3]):
        candidate = db.session.get(SharedCandidate, shared_id)
        partners.give_feedback(
            actor=partner,
            shared_candidate=candidate,
            recommendation=list(Recommendation)[index],
            comments=None,
            scores={c.id: 3 for c in candidate.share.criteria},
        )
    # Spread the times in stage (the moves above all happened just now).
    for application in applications:
        db.session.execute(
            text(
                "UPDATE application SET status_changed_at = status_changed_at - "
                "make_interval(days => :days) WHERE id = :id"
            ),
            {"days": rng.randint(0, 40), "id": application.id},
        )
    db.session.commit()
    return campaign

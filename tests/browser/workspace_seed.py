"""A campaign of 300 submitted applications for the staff workspace's acceptance tests (issue 14).

``seed_campaign`` runs in the live app's context and commits. Applications are made through
tests/factories.py; scorecards go through tracker.screening.scorecards.submit_scorecard, so
whatever that service keeps up to date beside them (the average score) is kept here too.

Every applicant has a distinctive name ("Zebedee Quartermain-17"), so that a test can look for
it in a page's HTML: during the sift no reviewer's page may contain it. An applicant with two
applications has both in name-blind stages, so "a name-blind candidate's name" is never also
the name of a candidate who is legitimately shown.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import insert, select

from tests.factories import ApplicantFactory, ApplicationFactory, UserFactory
from tracker import clock
from tracker.accounts.models import StaffRole, User
from tracker.applications.models import Application, TimelineEntry
from tracker.applications.states import NAME_BLIND, Status
from tracker.catalogue.models import Role, Track
from tracker.extensions import db
from tracker.screening import scorecards

DATA_ANALYST = "data-analyst-apprentice"
DATA_TECHNICIAN = "data-technician-apprentice"
DATA_TRACK = "data-analysis"

FIRST = [
    "Zebedee",
    "Ottoline",
    "Barnaby",
    "Philippa",
    "Leopold",
    "Wilhelmina",
    "Ignatius",
    "Tamsin",
]
LAST = ["Quartermain", "Fairweather", "Blackthorne", "Winterbourne", "Ashcombe", "Pendlebury"]

ANSWERS = [
    "At my weekend job in a garden centre I kept a spreadsheet of plant sales for three months. "
    "I noticed compost sold out every Friday, showed the manager a chart, and we moved the "
    "delivery to Thursday. Waste dropped and we stopped running out.",
    "For my college project I collected bus arrival times at two stops for a fortnight, "
    "cleaned the data in Python (pandas), and found the 8:10 bus was late on 9 of 10 days. "
    "I presented it to my class and wrote to the operator with the figures.",
    "I volunteer at a food bank, where I set up a shared sheet so volunteers record what comes "
    "in. I wrote simple formulas to flag items close to their date. It now takes ten minutes "
    "to check stock instead of an hour.",
    "When our football club's membership list had duplicates, I sorted it, used COUNTIF to find "
    "repeated emails, and checked each with the secretary before merging. I learned to keep a "
    "copy of the original before changing anything.",
    "I taught myself SQL with free online courses and practised on public data about council "
    "recycling rates. I compared wards and wrote a one-page summary with two charts.",
    "In a group assignment nobody agreed on the figures, so I suggested we each write down "
    "where our numbers came from. Two of us had used different years; we fixed it together.",
]
ADJUSTMENTS = [
    "Extra time in written assessments (I have dyslexia).",
    "A ground-floor room: I use a wheelchair.",
    "Questions in writing as well as spoken, please.",
]


@dataclass(frozen=True)
class Staff:
    id: int
    email: str
    totp_secret: str | None


@dataclass
class Seeded:
    """What the tests need to know about the seeded campaign."""

    hr: Staff
    manager: Staff  # a hiring manager for the Data analysis track, who has scored nobody yet
    second_reviewer: Staff  # another Data analysis manager, whose scorecards are submitted
    data_analyst_role_id: int
    data_technician_role_id: int
    role_ids: list[int]
    application_ids: list[int]
    names: dict[int, str] = field(default_factory=dict)  # application id -> full name
    emails: dict[int, str] = field(default_factory=dict)  # application id -> applicant email
    # (role id, status) where the second reviewer has scored every candidate: review mode
    # shows its "done" page at once.
    done_group: tuple[int, Status] | None = None

    def name_blind_ids(self) -> set[int]:
        """The seeded applications that are name-blind now (read from the database)."""
        return set(
            db.session.scalars(
                select(Application.id).where(
                    Application.id.in_(self.application_ids), Application.status.in_(NAME_BLIND)
                )
            )
        )

    def name_blind_identities(self) -> set[str]:
        """The names and emails no reviewer's page may show now."""
        ids = self.name_blind_ids()
        return {self.names[i] for i in ids} | {self.emails[i] for i in ids}


# The data analyst role's 60: 40 in sift, the rest spread over the other stages.
ANALYST_STAGES = (
    [Status.SIFT] * 40
    + [Status.SUBMITTED] * 8
    + [Status.ASSESSMENT] * 6
    + [Status.INTERVIEW] * 4
    + [Status.UNSUCCESSFUL] * 2
)
OTHER_STAGES = {
    Status.SUBMITTED: 30,
    Status.SIFT: 35,
    Status.ASSESSMENT: 15,
    Status.INTERVIEW: 10,
    Status.UNSUCCESSFUL: 10,
}


def _other_stage(rng: random.Random) -> Status:
    return rng.choices(list(OTHER_STAGES), weights=list(OTHER_STAGES.values()))[0]


def _staff(user: User) -> Staff:
    return Staff(id=user.id, email=user.email, totp_secret=user.totp_secret)


def seed_campaign(n: int = 300, *, seed: int = 14) -> Seeded:
    """Make ``n`` submitted applications over the default catalogue's roles, and commit."""
    rng = random.Random(seed)
    now = clock.utcnow()
    tag = f"{rng.randrange(16**6):06x}"
    roles = db.session.scalars(select(Role).order_by(Role.position)).all()
    analyst = next(r for r in roles if r.slug == DATA_ANALYST)
    technician = next(r for r in roles if r.slug == DATA_TECHNICIAN)
    track = db.session.scalars(select(Track).where(Track.slug == DATA_TRACK)).one()
    others = [r for r in roles if r.id != analyst.id]

    hr = UserFactory(roles=[StaffRole.ADMIN], email=f"hr.workspace.{tag}@example.gov.uk")
    manager = UserFactory(
        roles=[StaffRole.HIRING_MANAGER],
        tracks=[track],
        email=f"manager.workspace.{tag}@example.gov.uk",
        name="Morgan Manager",
    )
    second = UserFactory(
        roles=[StaffRole.HIRING_MANAGER],
        tracks=[track],
        email=f"reviewer.workspace.{tag}@example.gov.uk",
        name="Riley Reviewer",
    )

    # Who applies for what: 60 for the data analyst role, the rest over the other roles.
    plan: list[tuple[Role, Status]] = [(analyst, s) for s in ANALYST_STAGES[:n]]
    plan += [(rng.choice(others), _other_stage(rng)) for _ in range(n - len(plan))]
    # The data technician role gets a small assessment group for review mode's "done" page.
    for i in range(len(plan) - 1, len(plan) - 4, -1):
        plan[i] = (technician, Status.ASSESSMENT)

    seeded = Seeded(
        hr=_staff(hr),
        manager=_staff(manager),
        second_reviewer=_staff(second),
        data_analyst_role_id=analyst.id,
        data_technician_role_id=technician.id,
        role_ids=[r.id for r in roles],
        application_ids=[],
        done_group=(technician.id, Status.ASSESSMENT),
    )
    applications: list[Application] = []
    previous = None  # (applicant, role, status) of the last application, for second choices
    for number, (role, status) in enumerate(plan, 1):
        name = f"{FIRST[number % len(FIRST)]} {LAST[number % len(LAST)]}-{number}"
        second_choice = (
            previous is not None
            and status in NAME_BLIND
            and previous[2] in NAME_BLIND
            and previous[1].id != role.id
            and number % 7 == 0
        )
        if second_choice:
            applicant, preference, name = previous[0], 2, previous[3]
        else:
            applicant = ApplicantFactory(
                email=f"{name.lower().replace(' ', '.')}.{tag}@example.com"
            )
            preference = 1
        days = rng.randrange(1, 40)
        flags = rng.random()
        application = ApplicationFactory(
            applicant=applicant,
            role=role,
            submitted=True,
            stage=status,
            preference=preference,
            full_name=name,
            submitted_at=now - timedelta(days=days + rng.randrange(0, 5), hours=rng.randrange(24)),
            status_changed_at=(
                None if status is Status.SUBMITTED else now - timedelta(days=rng.randrange(days))
            ),
            reference=f"WS{tag[:3].upper()}{number:04d}",
            needs_hr_check=flags < 0.15,
            eligibility_findings=(
                [
                    {
                        "code": "right_to_work_not_sure",
                        "severity": "check",
                        "message": "You told us you are not sure you have the right to work.",
                    }
                ]
                if flags < 0.15
                else []
            ),
            right_to_work="not_sure" if flags < 0.15 else "yes",
            disability_confident=0.15 <= flags < 0.23,
            declares_disability="yes" if 0.15 <= flags < 0.23 else "no",
            needs_adjustments=0.2 <= flags < 0.3,
            adjustments=rng.choice(ADJUSTMENTS) if 0.2 <= flags < 0.3 else None,
        )
        for i, answer in enumerate(application.answers):
            answer.answer = ANSWERS[(number + i) % len(ANSWERS)]
        applications.append(application)
        seeded.names[application.id] = name
        seeded.emails[application.id] = applicant.email
        previous = (applicant, role, status, name)
    db.session.flush()
    seeded.application_ids = [a.id for a in applications]

    # One timeline entry per move out of "new", in one statement.
    moved = [a for a in applications if a.status is not Status.SUBMITTED]
    if moved:
        db.session.execute(
            insert(TimelineEntry),
            [
                {
                    "application_id": a.id,
                    "occurred_at": a.status_changed_at or now,
                    "event": "seeded",
                    "from_status": Status.SIFT if a.status is not Status.SIFT else Status.SUBMITTED,
                    "to_status": a.status,
                    "actor_user_id": hr.id,
                    "actor_label": hr.email,
                    "reasons": ["not_enough_evidence"] if a.status is Status.UNSUCCESSFUL else [],
                }
                for a in moved
            ],
        )

    # The second reviewer scores about two thirds of the data analysis candidates in scoring
    # stages (every one in the data technician's assessment group): some meet the bar (3 or
    # more on average), some do not.
    for application in applications:
        if application.role_id not in (analyst.id, technician.id):
            continue
        if application.status not in (Status.SIFT, Status.ASSESSMENT, Status.INTERVIEW):
            continue
        done_group = (application.role_id, application.status) == seeded.done_group
        if not done_group and rng.random() > 0.65:
            continue
        strong = rng.random() < 0.5
        scorecards.submit_scorecard(
            actor=second,
            application=application,
            scores={
                criterion.id: (
                    rng.choice([3, 4] if strong else [1, 2, 2, 3]),
                    "Clear example with a result." if strong else "Little detail on the outcome.",
                )
                for _, criterion in scorecards.criteria_for(application)
            },
        )
    db.session.commit()
    return seeded

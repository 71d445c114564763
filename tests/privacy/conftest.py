"""Fixtures for personal-data tests: an applicant whose data is everywhere it can be, and a
search of every text column of every table, and of the upload folder, for given strings.

The tests that search the whole database run on PostgreSQL and on SQLite (what `make run`
uses): ON DELETE CASCADE, say, only runs on SQLite when foreign keys are switched on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import text

from tests.conftest import isolate_request_globals
from tests.factories import (
    ApplicantFactory,
    ApplicationFactory,
    EqualityAnswersFactory,
    PartnerOrganisationFactory,
    RoleFactory,
    SlotFactory,
    UserFactory,
)
from tests.mentoring.factories import MentorProfileFactory, assigned
from tracker import clock, create_app
from tracker.accounts.models import StaffRole
from tracker.applicants.models import SignInLink
from tracker.applications import uploads
from tracker.applications.models import CvDocument, TimelineEntry
from tracker.applications.states import Status
from tracker.extensions import db
from tracker.notifications.models import Email, EmailStatus
from tracker.offers.models import ConditionKind, Offer, OfferCondition
from tracker.partners import services as partners
from tracker.partners.models import Recommendation
from tracker.scheduling.models import Booking
from tracker.screening import identity, scorecards
from tracker.screening import services as screening

TEXT_TYPES = ("character varying", "text", "json", "jsonb", "character")
# SQLite's declared types for the same columns (VARCHAR(n), TEXT, JSON, CHAR(n)).
SQLITE_TEXT_TYPES = ("VARCHAR", "TEXT", "JSON", "CHAR")

# Run a test on both databases: @BOTH_DATABASES above it.
BOTH_DATABASES = pytest.mark.parametrize("app", ["postgresql", "sqlite"], indirect=True)


@pytest.fixture(scope="session")
def sqlite_app(app, tmp_path_factory):
    """The PostgreSQL test app's settings on a migrated SQLite file, as `make run` has it."""
    path = tmp_path_factory.mktemp("sqlite") / "tracker.sqlite3"
    settings = {
        key: app.config[key]
        for key in (
            "TESTING",
            "REDIS_URL",
            "SERVER_NAME",
            "WTF_CSRF_ENABLED",
            "SIGN_IN_LIMIT_PER_IP",
            "APPLICANT_LINK_LIMIT_PER_EMAIL",
            "APPLICANT_LINK_LIMIT_PER_IP",
        )
    }
    made = create_app(settings | {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    isolate_request_globals(made)
    with made.app_context():
        upgrade()
        db.session.remove()
        db.engine.dispose()
    yield made
    with made.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app(request, app):
    """PostgreSQL, unless a test asks for SQLite through BOTH_DATABASES."""
    if getattr(request, "param", "postgresql") == "sqlite":
        return request.getfixturevalue("sqlite_app")
    return app


def _text_columns() -> list[tuple[str, str]]:
    if db.session.get_bind().dialect.name == "sqlite":
        columns = db.session.execute(
            text(
                "SELECT m.name, c.name, upper(c.type) FROM sqlite_master AS m "
                "JOIN pragma_table_info(m.name) AS c WHERE m.type = 'table' "
                "AND m.name NOT LIKE 'sqlite_%' AND m.name != 'alembic_version' "
                "ORDER BY m.name, c.name"
            )
        ).all()
        return [(t, c) for t, c, kind in columns if kind.startswith(SQLITE_TEXT_TYPES)]
    return db.session.execute(
        text(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'public' AND data_type = ANY(:types) "
            "AND table_name != 'alembic_version' ORDER BY table_name, column_name"
        ),
        {"types": list(TEXT_TYPES)},
    ).all()


def _count_matching(table: str, column: str, needle: str) -> int:
    # SQLite's LIKE ignores case (for ASCII, all the needles are) as PostgreSQL's ILIKE does.
    sqlite = db.session.get_bind().dialect.name == "sqlite"
    match = f'"{column}" LIKE :needle' if sqlite else f'"{column}"::text ILIKE :needle'
    return db.session.execute(
        text(f'SELECT count(*) FROM "{table}" WHERE {match}'), {"needle": f"%{needle}%"}
    ).scalar()


def search_everywhere(needles: list[str], folder: Path) -> list[str]:
    """Where any of the strings still appears: 'table.column' or 'file name', one per hit."""
    hits = []
    columns = _text_columns()
    assert len(columns) > 50, "the search found too few columns to be trusted"
    for table, column in columns:
        for needle in needles:
            found = _count_matching(table, column, needle)
            if found:
                hits.append(f"{table}.{column} holds {needle!r}")
    for path in Path(folder).rglob("*"):
        if path.is_file():
            content = path.read_bytes()
            for needle in needles:
                if needle.encode() in content:
                    hits.append(f"file {path.name} holds {needle!r}")
    return hits


@dataclass
class Person:
    """An applicant seeded everywhere personal data can go, and the strings that are theirs."""

    applicant_id: int
    application_id: int
    name: str
    email: str
    marks: list[str]

    @property
    def needles(self) -> list[str]:
        return [self.name, self.email, *self.marks]


@pytest.fixture
def upload_folder(app, monkeypatch, tmp_path):
    folder = tmp_path / "uploads"
    folder.mkdir()
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(folder))
    return folder


@pytest.fixture
def seed_person(upload_folder):
    """seed_person(key, role=None, status=...) makes a Person with data in every table."""
    reviewer = UserFactory(roles=[StaffRole.ADMIN], name="Rita Reviewer")
    organisation = PartnerOrganisationFactory()
    partner = UserFactory(roles=[StaffRole.PARTNER], partner_organisation=organisation)
    mentor = MentorProfileFactory()

    def seed(key: str, *, role=None, status: Status = Status.UNSUCCESSFUL) -> Person:
        name = f"Zed{key} Quill{key}"
        email = f"zed.{key.lower()}.quill@example.com"
        marks = [
            f"Flat {key}9 Hiddenmews",
            f"07700 9{key[:1] or '0'}0 4{len(key):02d}",
            f"Answer-{key}-about-databases",
            f"Note-{key}-nervous-but-keen",
            f"Evidence-{key}-strong-sql",
            f"Partner-{key}-comment",
            f"Feedback-{key}-to-applicant",
            f"Adjust-{key}-quiet-room",
            f"Reveal-{key}-phone-about-right-to-work",
            f"Condition-{key}-references-from-college",
            f"Ended-{key}-asked-for-another-mentor",
        ]
        role = role or RoleFactory(criteria=["You enjoy solving problems"])
        application = ApplicationFactory(
            applicant=ApplicantFactory(email=email),
            role=role,
            # Status set directly, here and below: the seed writes by hand the history whose
            # personal data erasure must find (a rejection's feedback, whatever the status),
            # and the mailbox tests count the one email it seeds for each person.
            submitted=True,
            status=Status.SIFT,
            full_name=name,
            address_line_1=marks[0],
            phone=marks[1],
            needs_adjustments=True,
            adjustments=marks[7],
            heard_about="social_media",
        )
        application.answers[0].answer = marks[2]
        # HR revealed who applied during the sift, then moved them on to assessment.
        identity.reveal_identity(actor=reviewer, application=application, reason=marks[8])
        application.status = Status.ASSESSMENT
        EqualityAnswersFactory(application_id=application.id, sex="female")
        storage_name = uploads.new_storage_name(uploads.PDF)
        uploads.save(upload_folder, storage_name, f"%PDF-1.4 CV of {name}, {email}".encode())
        application.cv = CvDocument(
            storage_name=storage_name,
            display_name=f"{name} CV.pdf",
            media_type="application/pdf",
            size_bytes=40,
        )
        db.session.flush()
        screening.add_note(actor=reviewer, application=application, text=marks[3])
        scorecards.submit_scorecard(
            actor=reviewer,
            application=application,
            scores={c.id: (3, marks[4]) for _, c in scorecards.criteria_for(application)},
        )
        share = partners.share_candidates(
            actor=reviewer,
            organisation=organisation,
            applications=[application],
            purpose="Assessment day",
            due_on=clock.today() + timedelta(days=3),
            criteria=["Teamwork"],
            fields=[],
        )
        partners.give_feedback(
            actor=partner,
            shared_candidate=share.candidates[0],
            recommendation=Recommendation.RECOMMEND,
            comments=marks[5],
            scores={share.criteria[0].id: 3},
        )
        slot = SlotFactory(role=role)
        db.session.add(
            Booking(
                slot_id=slot.id,
                application_id=application.id,
                kind=slot.kind,
                booked_at=clock.utcnow(),
                cancelled_at=clock.utcnow(),
            )
        )
        db.session.add(
            TimelineEntry(
                application_id=application.id,
                occurred_at=clock.utcnow(),
                event="reject",
                from_status=Status.ASSESSMENT,
                to_status=status,
                actor_user_id=reviewer.id,
                actor_label=reviewer.email,
                reasons=["other"],
                feedback=marks[6],
            )
        )
        # An offer whose references were met (with a note), and a mentoring that ended: kept
        # for the reports, but what staff wrote about the person goes with the rest.
        offer = Offer(
            application_id=application.id,
            starts_on=clock.today() + timedelta(days=60),
            made_at=clock.utcnow(),
            made_by=reviewer.email,
        )
        offer.conditions.append(
            OfferCondition(
                kind=ConditionKind.REFERENCES,
                met_at=clock.utcnow(),
                met_by=reviewer.email,
                note=marks[9],
            )
        )
        db.session.add(offer)
        db.session.flush()
        assigned(application, mentor, ended=True).end_reason = marks[10]
        application.status = status
        if status is Status.WITHDRAWN:
            application.withdrawn_at = clock.utcnow()
            application.withdrawal_reason = "another_job"
        db.session.add(
            Email(
                idempotency_key=f"seeded:{key}",
                recipient=email,
                template="application_unsuccessful",
                context={"application_id": application.id, "name": name},
                queued_by="test",
                status=EmailStatus.SENT,
                subject=f"About your application, {name}",
                attempts=1,
                next_attempt_at=clock.utcnow(),
                sent_at=clock.utcnow(),
            )
        )
        db.session.add(
            SignInLink(
                email=email,
                token_hash=f"{key:0>64}"[:64],
                created_at=clock.utcnow(),
                expires_at=clock.utcnow(),
            )
        )
        db.session.flush()
        return Person(application.applicant_id, application.id, name, email, marks)

    return seed

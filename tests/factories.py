"""factory_boy factories, one per model; they flush into the test's rolled-back session."""

from __future__ import annotations

from datetime import timedelta

import factory
import pyotp
from factory.alchemy import SQLAlchemyModelFactory

from tracker import clock
from tracker.accounts.models import ManagerScope, PartnerOrganisation, StaffRole, User, UserRole
from tracker.accounts.passwords import hash_password
from tracker.applicants.models import Applicant
from tracker.applications.models import Application, ApplicationAnswer, EqualityAnswers
from tracker.applications.states import Status
from tracker.catalogue.models import Campaign, Criterion, CriterionKind, Role, Track
from tracker.extensions import db
from tracker.scheduling.models import Slot, SlotKind


class _Base(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"


class CampaignFactory(_Base):
    class Meta:
        model = Campaign

    slug = factory.Sequence(lambda n: f"campaign-{n}")
    name = factory.Sequence(lambda n: f"Apprenticeships round {n}")
    summary = "Paid apprenticeships with training."
    opens_on = factory.LazyFunction(lambda: clock.today() - timedelta(days=7))
    closes_on = factory.LazyAttribute(lambda o: o.opens_on + timedelta(days=42))
    expected_start_on = factory.LazyAttribute(lambda o: o.closes_on + timedelta(days=60))
    retention_months = 6

    class Params:
        closed = factory.Trait(
            opens_on=factory.LazyFunction(lambda: clock.today() - timedelta(days=60)),
            closes_on=factory.LazyFunction(lambda: clock.today() - timedelta(days=1)),
        )
        upcoming = factory.Trait(
            opens_on=factory.LazyFunction(lambda: clock.today() + timedelta(days=10)),
        )


class TrackFactory(_Base):
    class Meta:
        model = Track

    slug = factory.Sequence(lambda n: f"track-{n}")
    name = factory.Sequence(lambda n: f"Track {n}")
    summary = "A kind of work."
    position = factory.Sequence(int)


class RoleFactory(_Base):
    class Meta:
        model = Role

    campaign = factory.SubFactory(CampaignFactory)
    track = factory.SubFactory(TrackFactory)
    slug = factory.Sequence(lambda n: f"role-{n}")
    title = factory.Sequence(lambda n: f"Apprentice {n}")
    level = 3
    standard = "Data technician"
    openings = 1
    location = "Town hall"
    hours = "35 hours a week"
    salary = "£21,000 a year"
    summary = "You will learn on the job."
    duties = factory.LazyFunction(lambda: ["Help the team", "Build a portfolio"])
    position = factory.Sequence(int)

    @factory.post_generation
    def criteria(role, create, extracted, **kwargs):
        texts = extracted if extracted is not None else ["You are curious", "You are reliable"]
        for position, text in enumerate(texts):
            role.criteria.append(
                Criterion(kind=CriterionKind.ESSENTIAL, position=position, text=text)
            )
        if create:
            db.session.flush()


PASSWORD = "correct horse battery staple"


class PartnerOrganisationFactory(_Base):
    class Meta:
        model = PartnerOrganisation

    name = factory.Sequence(lambda n: f"Local Tech {n} Ltd")


class UserFactory(_Base):
    """A staff user who can sign in with PASSWORD. Pass roles=[StaffRole...]."""

    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"staff{n}@example.gov.uk")
    name = factory.Sequence(lambda n: f"Staff Member {n}")
    password_hash = factory.LazyFunction(lambda: _hashed_password())
    is_active = True

    @factory.post_generation
    def roles(user, create, extracted, **kwargs):
        for role in extracted or [StaffRole.HIRING_MANAGER]:
            user.roles.append(UserRole(role=role))
        if StaffRole.PARTNER in user.role_set and user.partner_organisation is None:
            user.partner_organisation = PartnerOrganisationFactory()
        if StaffRole.ADMIN in user.role_set and user.totp_secret is None:
            user.totp_secret = pyotp.random_base32()
        if create:
            db.session.flush()

    @factory.post_generation
    def tracks(user, create, extracted, **kwargs):
        for track in extracted or []:
            user.scopes.append(ManagerScope(track_id=track.id))
        if create and extracted:
            db.session.flush()

    @factory.post_generation
    def scoped_roles(user, create, extracted, **kwargs):
        for role in extracted or []:
            user.scopes.append(ManagerScope(role_id=role.id))
        if create and extracted:
            db.session.flush()


_HASH_CACHE: dict[str, str] = {}


def _hashed_password() -> str:
    # argon2 is slow on purpose; hash the shared test password once per run.
    if PASSWORD not in _HASH_CACHE:
        _HASH_CACHE[PASSWORD] = hash_password(PASSWORD)
    return _HASH_CACHE[PASSWORD]


class ApplicantFactory(_Base):
    class Meta:
        model = Applicant

    email = factory.Sequence(lambda n: f"applicant{n}@example.com")


# Answers that complete every section, as a careful 18-year-old applicant would give them.
COMPLETE_ANSWERS = {
    "full_name": "Alex Example",
    "date_of_birth": clock.today().replace(year=clock.today().year - 18, day=1),
    "address_line_1": "1 High Street",
    "town": "Exampleton",
    "postcode": "SW1A 1AA",
    "phone": "07911 123456",
    "preferred_contact": "email",
    "right_to_work": "yes",
    "lived_in_uk_or_eea_3_years": "yes",
    "full_time_education": "no",
    "qualification_in_same_subject": "no",
    "lives_in_area": "yes",
    "english_level": "level_2_or_above",
    "maths_level": "level_2_or_above",
    "needs_adjustments": False,
    "declares_disability": "no",
    "disability_confident": False,
}


class ApplicationFactory(_Base):
    """A draft. Traits: ``complete`` (every section done), ``submitted``."""

    class Meta:
        model = Application

    applicant = factory.SubFactory(ApplicantFactory)
    role = factory.SubFactory(RoleFactory)
    status = Status.DRAFT
    preference = 1
    completed_sections = factory.LazyFunction(list)

    class Params:
        complete = factory.Trait(
            completed_sections=factory.LazyFunction(
                lambda: [
                    "personal_details",
                    "eligibility",
                    "qualifications",
                    "questions",
                    "cv",
                    "adjustments",
                    "disability_confident",
                    "equality",
                ]
            ),
            **COMPLETE_ANSWERS,
        )
        submitted = factory.Trait(
            complete=True,
            status=Status.SUBMITTED,
            reference=factory.Sequence(lambda n: f"TEST-{n:04d}"),
            submitted_at=factory.LazyFunction(clock.utcnow),
        )

    @factory.post_generation
    def answers(application, create, extracted, **kwargs):
        if "questions" not in application.completed_sections:
            return
        for position, criterion in enumerate(application.role.essential_criteria, 1):
            application.answers.append(
                ApplicationAnswer(
                    criterion_id=criterion.id,
                    position=position,
                    question=criterion.text,
                    answer=f"An example for: {criterion.text}",
                )
            )
        if create:
            db.session.flush()


class EqualityAnswersFactory(_Base):
    class Meta:
        model = EqualityAnswers

    sex = "female"
    sexual_orientation = "bisexual"
    ethnicity = "mixed"
    religion = "sikh"
    disability = "yes"
    care_experienced = "yes"
    free_school_meals = "yes"


class SlotFactory(_Base):
    """An interview slot for a role, a week from now, with two places."""

    class Meta:
        model = Slot

    role = factory.SubFactory(RoleFactory)
    kind = SlotKind.INTERVIEW
    starts_at = factory.LazyFunction(
        lambda: (clock.utcnow() + timedelta(days=7)).replace(minute=0, second=0, microsecond=0)
    )
    minutes = 45
    place = "Committee room 2, Town Hall"
    capacity = 2
    booked = 0
    created_by = "hr@example.gov.uk"

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
from tracker.applications import pipeline
from tracker.applications.models import Application, ApplicationAnswer, EqualityAnswers
from tracker.applications.states import TRANSITIONS, Actor, Event, Status
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
    """A staff user who can sign in with PASSWORD: a hiring manager unless told. Traits name
    the role: ``hr`` (StaffRole.ADMIN, with a security-code app), ``hiring_manager``,
    ``partner`` (in an organisation of its own unless given one), ``mentor``; or pass
    roles=[StaffRole...] for several."""

    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"staff{n}@example.gov.uk")
    name = factory.Sequence(lambda n: f"Staff Member {n}")
    password_hash = factory.LazyFunction(lambda: _hashed_password())
    is_active = True

    # What a role trait chose; roles=[...] wins (a trait cannot set a post-generation hook).
    trait_role = None

    class Params:
        hr = factory.Trait(trait_role=StaffRole.ADMIN)
        hiring_manager = factory.Trait(trait_role=StaffRole.HIRING_MANAGER)
        partner = factory.Trait(trait_role=StaffRole.PARTNER)
        mentor = factory.Trait(trait_role=StaffRole.MENTOR)

    @classmethod
    def _create(cls, model_class, *args, trait_role=None, **kwargs):
        user = super()._create(model_class, *args, **kwargs)
        user.factory_role = trait_role
        return user

    @factory.post_generation
    def roles(user, create, extracted, **kwargs):
        for role in extracted or [user.factory_role or StaffRole.HIRING_MANAGER]:
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


# The moves that take a submitted application to each stage, as staff and the applicant make
# them in production: each goes through pipeline.move, so the timeline, version, audit events
# and emails are there as they would be.
_TO_INTERVIEW = (Event.START_SIFT, Event.INVITE_TO_INTERVIEW)
_TO_OFFER = (*_TO_INTERVIEW, Event.MAKE_OFFER)
_TO_CHECKS = (*_TO_OFFER, Event.ACCEPT_OFFER)
PATHS: dict[Status, tuple[Event, ...]] = {
    Status.SUBMITTED: (),
    Status.SIFT: (Event.START_SIFT,),
    Status.ASSESSMENT: (Event.START_SIFT, Event.INVITE_TO_ASSESSMENT),
    Status.INTERVIEW: _TO_INTERVIEW,
    Status.OFFER: _TO_OFFER,
    Status.PRE_EMPLOYMENT_CHECKS: _TO_CHECKS,
    Status.HIRED: (*_TO_CHECKS, Event.CONFIRM_HIRED),
    Status.OFFER_DECLINED: (*_TO_OFFER, Event.DECLINE_OFFER),
    Status.UNSUCCESSFUL: (Event.REJECT,),
    Status.WITHDRAWN: (Event.WITHDRAW,),
}
# Who the factories' moves are recorded as made by (the timeline, the audit log, the outbox's
# queued_by), so that a test can tell that history from what it did itself.
HISTORY = "history@example.gov.uk"


def move_to(application: Application, stage: Status, *, by=None, **options) -> Application:
    """Move a submitted application along the pipeline to ``stage``, as production would.

    The moves are recorded as HISTORY's (staff's as ``by``'s, a user, when given). A
    ``status_changed_at`` the application already has (say, days ago) is kept as the time of
    the last move. ``options`` (reasons, feedback) go to the last move.
    """
    if application.status is not Status.SUBMITTED:
        raise ValueError(f"move_to starts from a submitted application, not {application.status}")
    path = PATHS[stage]
    if not path:
        return application
    arrived_at = application.status_changed_at
    for event in path:
        last = event is path[-1]
        values = {}
        if event is Event.WITHDRAW and application.withdrawn_at is None:
            values = {"withdrawn_at": clock.utcnow(), "withdrawal_reason": "personal"}
        defaults = {
            Event.REJECT: {"reasons": ["stronger_candidates"]},
            Event.WITHDRAW: {"reasons": [application.withdrawal_reason or "personal"]},
        }.get(event, {})
        staff = TRANSITIONS[event].actor is Actor.STAFF
        actor = {"actor_user": by, "actor_label": by.email} if by and staff else {}
        entry = pipeline.move(
            application,
            event,
            **({"actor_label": HISTORY} | actor),
            values=values,
            **(defaults | options if last else defaults),
        )
    if arrived_at is not None:
        application.status_changed_at = entry.occurred_at = arrived_at
    db.session.flush()
    return application


class ApplicationFactory(_Base):
    """A draft. Traits: ``complete`` (every section done), ``submitted``; and the stages a
    submitted application reaches through the real pipeline (``move_to``): ``sift``,
    ``assessment``, ``interview``, ``offered``, ``accepted`` (pre-employment checks),
    ``hired``, ``declined``, ``unsuccessful``, ``withdrawn``. ``stage=Status...`` names one
    (with ``submitted=True``, for tests that take the stage as a parameter);
    ``stage__by``, ``stage__reasons`` and ``stage__feedback`` go to move_to."""

    class Meta:
        model = Application

    applicant = factory.SubFactory(ApplicantFactory)
    role = factory.SubFactory(RoleFactory)
    status = Status.DRAFT
    preference = 1
    reach = None  # a stage trait's stage (a trait cannot set the post-generation hook)
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
        sift = factory.Trait(submitted=True, reach=Status.SIFT)
        assessment = factory.Trait(submitted=True, reach=Status.ASSESSMENT)
        interview = factory.Trait(submitted=True, reach=Status.INTERVIEW)
        offered = factory.Trait(submitted=True, reach=Status.OFFER)
        accepted = factory.Trait(submitted=True, reach=Status.PRE_EMPLOYMENT_CHECKS)
        hired = factory.Trait(submitted=True, reach=Status.HIRED)
        declined = factory.Trait(submitted=True, reach=Status.OFFER_DECLINED)
        unsuccessful = factory.Trait(submitted=True, reach=Status.UNSUCCESSFUL)
        withdrawn = factory.Trait(submitted=True, reach=Status.WITHDRAWN)

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

    @classmethod
    def _create(cls, model_class, *args, reach=None, **kwargs):
        application = super()._create(model_class, *args, **kwargs)
        application.factory_reach = reach
        return application

    @factory.post_generation
    def stage(application, create, extracted, **options):
        """Last of the hooks: move along the pipeline to ``stage=`` or a stage trait's."""
        target = extracted or application.factory_reach
        if target is not None:
            move_to(application, target, **options)


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

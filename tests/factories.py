"""factory_boy factories, one per model; they flush into the test's rolled-back session."""

from __future__ import annotations

from datetime import timedelta

import factory
import pyotp
from factory.alchemy import SQLAlchemyModelFactory

from tracker import clock
from tracker.accounts.models import ManagerScope, PartnerOrganisation, StaffRole, User, UserRole
from tracker.accounts.passwords import hash_password
from tracker.catalogue.models import Campaign, Criterion, CriterionKind, Role, Track
from tracker.extensions import db


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

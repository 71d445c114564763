"""factory_boy factories, one per model; they flush into the test's rolled-back session."""

from __future__ import annotations

from datetime import timedelta

import factory
from factory.alchemy import SQLAlchemyModelFactory

from tracker import clock
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

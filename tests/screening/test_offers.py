"""Offers carry a start date and conditions; the last condition met hires the apprentice."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tracker import clock
from tracker.applications.states import Event, Status
from tracker.offers import services as offers
from tracker.offers.models import ConditionKind
from tracker.screening import services


def _offer(manager, application, days=60):
    services.move_candidate(
        actor=manager,
        application=application,
        event=Event.MAKE_OFFER,
        expected_version=application.version,
        starts_on=clock.today() + timedelta(days=days),
    )


def test_an_offer_needs_a_future_start_date(manager, candidate):
    application = candidate(Status.INTERVIEW)
    with pytest.raises(services.MoveError, match="start date must be in the future"):
        _offer(manager, application, days=0)


def test_conditions_wait_for_the_candidate_to_accept(manager, candidate):
    application = candidate(Status.INTERVIEW)
    _offer(manager, application)
    with pytest.raises(offers.OfferError, match="once the candidate has accepted"):
        offers.meet_condition(
            actor=manager, application=application, kind=ConditionKind.REFERENCES, note=None
        )


def test_a_condition_is_met_once_and_the_last_one_hires(manager, candidate):
    application = candidate(Status.INTERVIEW)
    _offer(manager, application)
    from tracker.applications import pipeline

    pipeline.move(application, Event.ACCEPT_OFFER, actor_label="applicant:1")
    kinds = list(ConditionKind)
    for kind in kinds[:-1]:
        assert (
            offers.meet_condition(actor=manager, application=application, kind=kind, note="ok")
            is False
        )
    with pytest.raises(offers.OfferError, match="already met"):
        offers.meet_condition(actor=manager, application=application, kind=kinds[0], note=None)
    assert offers.meet_condition(actor=manager, application=application, kind=kinds[-1], note=None)
    assert application.status is Status.HIRED


def test_offers_cannot_be_made_in_bulk(manager, candidate):
    application = candidate(Status.INTERVIEW)
    with pytest.raises(services.MoveError, match="one candidate at a time"):
        services.move_candidates(actor=manager, applications=[application], event=Event.MAKE_OFFER)

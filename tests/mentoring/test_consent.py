"""Given an applicant with an offer, when they accept it, then they are asked whether their
mentor may have their email address and phone number, and their answer is recorded."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.applications.conftest import sign_in_applicant
from tests.factories import ApplicationFactory
from tests.helpers import csrf_token
from tracker import clock
from tracker.applications.errors import ApplicationError
from tracker.applications.states import Status
from tracker.audit.models import AuditEvent
from tracker.extensions import db
from tracker.offers.models import Offer
from tracker.offers.services import respond_to_offer


@pytest.fixture
def offered(role):
    application = ApplicationFactory(role=role, offered=True)
    offer = Offer(
        application_id=application.id,
        starts_on=clock.today() + timedelta(days=60),
        made_at=clock.utcnow(),
        made_by="hr@example.gov.uk",
    )
    db.session.add(offer)
    db.session.flush()
    return application, offer


def _answer(client, application, **data):
    path = f"/applications/{application.id}/offer"
    return client.post(path, data={"csrf_token": csrf_token(client, path), **data})


def test_the_offer_page_asks_about_contact_details_and_explains_why(client, offered):
    application, _ = offered
    sign_in_applicant(client, application.applicant)

    page = client.get(f"/applications/{application.id}/offer").get_data(as_text=True)

    assert "Can we give your mentor your email address and phone number?" in page
    assert "If you say no, we will arrange your first meeting with them." in page
    assert "Yes, my mentor can have them" in page
    assert "No, arrange my first meeting for me" in page


def test_accepting_without_answering_is_explained_and_changes_nothing(client, offered):
    application, offer = offered
    sign_in_applicant(client, application.applicant)

    page = _answer(client, application, response="accept").get_data(as_text=True)

    assert "Select yes if we can give your mentor your email address and phone number" in page
    assert "There is a problem" in page
    db.session.refresh(application)
    db.session.refresh(offer)
    assert application.status is Status.OFFER
    assert (offer.mentor_contact_consent, offer.consent_recorded_at) == (None, None)


@pytest.mark.parametrize(("answer", "recorded"), [("yes", True), ("no", False)])
def test_accepting_records_the_answer_and_when(client, offered, answer, recorded):
    application, offer = offered
    sign_in_applicant(client, application.applicant)

    response = _answer(client, application, response="accept", mentor_contact=answer)

    assert response.status_code == 302
    db.session.refresh(application)
    db.session.refresh(offer)
    assert application.status is Status.PRE_EMPLOYMENT_CHECKS
    assert offer.mentor_contact_consent is recorded
    assert offer.consent_recorded_at is not None
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "offer.mentor_contact_consent")
    )
    assert event.details == {"consent": recorded}


def test_declining_needs_no_answer_and_records_none(client, offered):
    application, offer = offered
    sign_in_applicant(client, application.applicant)

    _answer(client, application, response="decline", mentor_contact="yes")
    # Declining is confirmed on a page of its own, which asks nothing more.
    path = f"/applications/{application.id}/offer/decline"
    client.post(path, data={"csrf_token": csrf_token(client, path)})

    db.session.refresh(application)
    db.session.refresh(offer)
    assert application.status is Status.OFFER_DECLINED
    assert (offer.mentor_contact_consent, offer.consent_recorded_at) == (None, None)


def test_the_service_refuses_an_acceptance_without_an_answer(offered):
    application, _ = offered

    with pytest.raises(ApplicationError, match="Select yes if we can give your mentor"):
        respond_to_offer(applicant=application.applicant, application=application, accept=True)
    assert application.status is Status.OFFER

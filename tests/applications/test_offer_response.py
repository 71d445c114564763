"""Answering an offer: the mentor question sits under "Yes, I accept", and declining, which
cannot be undone, is confirmed on a page that says what happens and shows the email."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.factories import ApplicationFactory
from tracker import clock
from tracker.applications.states import Status
from tracker.extensions import db
from tracker.notifications.models import Email
from tracker.offers.models import Offer


@pytest.fixture
def offered(signed_in, role):
    application = ApplicationFactory(applicant=signed_in, role=role, offered=True)
    db.session.add(
        Offer(
            application_id=application.id,
            starts_on=clock.today() + timedelta(days=60),
            made_at=clock.utcnow(),
            made_by="hr@example.gov.uk",
        )
    )
    db.session.flush()
    return application


def _emails(template: str) -> int:
    return db.session.scalar(select(func.count()).where(Email.template == template))


def test_the_mentor_question_is_revealed_under_yes_only(client, offered):
    page = client.get(f"/applications/{offered.id}/offer").get_data(as_text=True)

    # GOV.UK's conditional reveal: the question sits in the block "Yes" controls. Without
    # JavaScript the block is simply shown.
    reveal = re.search(
        r'<div class="govuk-radios__conditional[^"]*" id="([^"]+)">(.*?)</div>\s*</div>\s*</div>',
        page,
        re.DOTALL,
    )
    assert reveal, "no conditionally revealed block"
    assert "Can we give your mentor your email address and phone number?" in reveal.group(2)
    accept = re.search(r'<input[^>]*value="accept"[^>]*>', page).group(0)
    decline = re.search(r'<input[^>]*value="decline"[^>]*>', page).group(0)
    assert f'data-aria-controls="{reveal.group(1)}"' in accept
    assert "controls" not in decline


def test_declining_asks_first_and_changes_nothing_until_confirmed(client, offered, post_form):
    path = f"/applications/{offered.id}/offer"

    asked = post_form(path, {"response": "decline", "mentor_contact": "yes"})

    assert asked.status_code == 302
    assert asked.location == f"{path}/decline"
    db.session.refresh(offered)
    assert offered.status is Status.OFFER
    page = html.unescape(client.get(asked.location).get_data(as_text=True))
    assert "<title>Are you sure you want to decline our offer?" in page
    assert "You cannot undo this." in page
    assert offered.applicant.email in page
    # The email that will follow, as it will read.
    assert f"You have declined our offer: {offered.role.title}" in page
    assert f"(reference {offered.reference})" in page
    assert "Yes, decline the offer" in page
    assert "govuk-button--warning" in page
    assert f'href="{path}">Go back</a>' in page
    assert _emails("offer_declined") == 0


def test_going_back_changes_nothing(client, offered):
    page = client.get(f"/applications/{offered.id}/offer/decline").get_data(as_text=True)
    back = re.search(r'href="([^"]+)">Go back</a>', page).group(1)

    assert client.get(back).status_code == 200
    db.session.refresh(offered)
    assert offered.status is Status.OFFER
    assert _emails("offer_declined") == 0


def test_confirming_declines_once_and_emails_once(client, offered, post_form):
    path = f"/applications/{offered.id}/offer/decline"

    done = post_form(path, {})

    assert done.location == "/applications"
    db.session.refresh(offered)
    assert offered.status is Status.OFFER_DECLINED
    assert _emails("offer_declined") == 1
    assert "You have declined our offer" in client.get("/applications").get_data(as_text=True)
    # Nothing left to decline: both pages go back to the applicant's applications.
    assert client.get(path).status_code == 302
    assert post_form(path, {}).status_code == 302
    assert _emails("offer_declined") == 1


def test_a_confirmation_without_its_token_changes_nothing(client, offered):
    response = client.post(f"/applications/{offered.id}/offer/decline", data={})

    assert response.status_code == 400
    db.session.refresh(offered)
    assert offered.status is Status.OFFER


def test_another_applicants_offer_cannot_be_declined(client, offered, post_form, role):
    theirs = ApplicationFactory(role=role, offered=True)

    assert client.get(f"/applications/{theirs.id}/offer/decline").status_code == 404
    assert post_form(f"/applications/{theirs.id}/offer/decline", {}).status_code == 404
    db.session.refresh(theirs)
    assert theirs.status is Status.OFFER


def test_accepting_still_needs_the_mentor_answer(client, offered, post_form):
    response = post_form(f"/applications/{offered.id}/offer", {"response": "accept"})

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<title>Error: " in page
    assert "Select yes if we can give your mentor your email address and phone number" in page
    db.session.refresh(offered)
    assert offered.status is Status.OFFER

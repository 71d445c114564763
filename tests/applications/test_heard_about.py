"""The optional 'how did you hear about us' question: kept for HR's reports, never required."""

from __future__ import annotations

from sqlalchemy import select

from tests.applications.journey import SECTION_ANSWERS
from tests.factories import ApplicationFactory
from tracker.applications.models import Application
from tracker.extensions import db


def _draft(applicant, role):
    return ApplicationFactory(applicant=applicant, role=role)


def test_the_answer_is_saved_and_shown_on_the_check_page(signed_in, role, post_form, client):
    application = _draft(signed_in, role)
    path = f"/applications/{application.id}/personal-details"

    response = post_form(path, SECTION_ANSWERS["personal-details"] | {"heard_about": "event"})

    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Application, application.id).heard_about == "event"
    page = client.get(f"/applications/{application.id}/check").get_data(as_text=True)
    assert "A careers fair or event" in page


def test_it_can_be_left_out(signed_in, role, post_form):
    application = _draft(signed_in, role)
    answers = dict(SECTION_ANSWERS["personal-details"])
    answers.pop("heard_about")

    response = post_form(f"/applications/{application.id}/personal-details", answers)

    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.scalars(select(Application).where(Application.id == application.id)).one()
    assert saved.heard_about is None
    assert "personal_details" in saved.completed_sections


def test_an_answer_not_in_the_list_is_refused(signed_in, role, post_form):
    application = _draft(signed_in, role)
    path = f"/applications/{application.id}/personal-details"

    response = post_form(path, SECTION_ANSWERS["personal-details"] | {"heard_about": "tv-advert"})

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in page and "Select one of the options" in page
    db.session.expire_all()
    assert db.session.get(Application, application.id).heard_about is None

"""Equality monitoring answers are the applicant's alone: no staff page of an application
shows them, though the applicant sees their own before they submit.

Given a submitted application with distinctive equality answers, when an admin (who sees
everything) or a hiring manager for the role's track opens every staff page that shows or
lists it, then none of the equality questions or the chosen answers appear, while the
application's ordinary answers do.
"""

from __future__ import annotations

import html as html_lib
import re

import pytest

from tests.factories import ApplicationFactory, EqualityAnswersFactory, UserFactory
from tests.helpers import sign_in_as
from tracker.accounts.models import StaffRole
from tracker.applications import equality
from tracker.applications.models import Application
from tracker.applications.states import Status
from tracker.extensions import db

# Every answer is one that no other part of the page could produce by chance.
ANSWERS = {
    "sex": "female",
    "gender_same_as_birth": "no",
    "sexual_orientation": "bisexual",
    "ethnicity": "mixed",
    "religion": "sikh",
    "disability": "yes",
    "care_experienced": "yes",
    "free_school_meals": "not_sure",
}
# The labels of the chosen answers that are distinctive enough to look for on a page.
ANSWER_LABELS = [
    "Female",
    "Bisexual",
    "Mixed or multiple ethnic groups",
    "Sikh",
]
# Short phrases from the questions, in case a page words them differently.
PHRASES = [
    "sexual orientation",
    "ethnic group",
    "religion",
    "free school meals",
    "been in care",
    "registered at birth",
    "Equality monitoring",
    "equality",
]
QUESTION_TEXTS = [question for question, _options in equality.QUESTIONS.values()]
FORBIDDEN = QUESTION_TEXTS + ANSWER_LABELS + PHRASES
CRITERIA = ["You enjoy solving problems", "You work well with others"]


def leaks(page: str) -> list[str]:
    """The equality questions and answers found on a page, ignoring case and escaping."""
    text = html_lib.unescape(page).lower()
    return [needle for needle in FORBIDDEN if needle.lower() in text]


@pytest.fixture
def application(client, signed_in, role, post_form) -> Application:
    """A complete draft with equality answers, shown to the applicant, then submitted."""
    draft = ApplicationFactory(applicant=signed_in, role=role, complete=True)
    EqualityAnswersFactory(application_id=draft.id, **ANSWERS)
    db.session.commit()
    response = post_form(f"/applications/{draft.id}/check", {"confirm": "y"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.expire_all()
    submitted = db.session.get(Application, draft.id)
    assert submitted.status is Status.SUBMITTED
    return submitted


def staff_client(app, user):
    staff = app.test_client()
    response = sign_in_as(staff, user)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return staff


# HR's home page links to the equality report (aggregate and suppressed, the one place
# equality data is shown): the link's words are not equality data.
EQUALITY_REPORT_LINK = re.compile(r'<a [^>]*href="/staff/reports/equality"[^>]*>.*?</a>', re.S)


def staff_pages(application: Application, *, admin: bool) -> list[str]:
    pages = [
        "/staff/",
        f"/staff/roles/{application.role_id}",
        f"/staff/roles/{application.role_id}/candidates",
        f"/staff/applications/{application.id}",
        f"/staff/exports/shortlist?role_id={application.role_id}",
    ]
    if admin:
        pages += [
            "/admin/audit",
            "/admin/audit?person=applicants",
            "/admin/audit?action=application.submit",
            f"/admin/emails?address={application.applicant.email}",
            "/admin/users",
            "/staff/reports/funnel",
            "/staff/reports/sources",
        ]
    return pages


def test_the_applicant_sees_their_own_equality_answers_before_submitting(client, signed_in, role):
    """The control: the same words the staff tests look for do appear on the applicant's
    own check page, so their absence from staff pages means something."""
    draft = ApplicationFactory(applicant=signed_in, role=role, complete=True)
    EqualityAnswersFactory(application_id=draft.id, **ANSWERS)
    db.session.commit()

    page = client.get(f"/applications/{draft.id}/check").get_data(as_text=True)

    found = leaks(page)
    assert set(QUESTION_TEXTS) <= set(found)
    assert set(ANSWER_LABELS) <= set(found)
    assert "Only you can see these answers" in page


@pytest.mark.parametrize("who", ["admin", "hiring manager"])
def test_no_staff_page_shows_equality_answers(app, role, application, who):
    if who == "admin":
        user = UserFactory(roles=[StaffRole.ADMIN])
    else:
        user = UserFactory(roles=[StaffRole.HIRING_MANAGER], tracks=[role.track])
    db.session.commit()
    staff = staff_client(app, user)

    for path in staff_pages(application, admin=who == "admin"):
        response = staff.get(path)
        assert response.status_code == 200, path
        page = EQUALITY_REPORT_LINK.sub("", response.get_data(as_text=True))
        assert leaks(page) == [], f"{path} shows equality monitoring: {leaks(page)}"

    # The pages that list or show the application do show it.
    listing = staff.get(f"/staff/roles/{application.role_id}/candidates").get_data(as_text=True)
    assert application.reference in listing
    assert f'href="/staff/applications/{application.id}"' in listing
    if who == "admin":
        audit = staff.get("/admin/audit?action=application.submit").get_data(as_text=True)
        assert application.reference in audit
        emails = staff.get(f"/admin/emails?address={application.applicant.email}")
        assert "application_submitted" in emails.get_data(as_text=True)


@pytest.mark.parametrize("who", ["admin", "hiring manager"])
def test_the_staff_application_page_shows_the_ordinary_answers(app, role, application, who):
    if who == "admin":
        user = UserFactory(roles=[StaffRole.ADMIN])
    else:
        user = UserFactory(roles=[StaffRole.HIRING_MANAGER], tracks=[role.track])
    db.session.commit()
    staff = staff_client(app, user)

    response = staff.get(f"/staff/applications/{application.id}")

    assert response.status_code == 200
    page = html_lib.unescape(response.get_data(as_text=True))
    assert application.reference in page
    # Name-blind during the sift for every reviewer, HR included (see
    # tests/screening/test_name_blind.py for HR's audited reveal).
    assert "Alex Example" not in page
    assert "SW1A 1AA" not in page
    for criterion in CRITERIA:
        assert f"An example for: {criterion}" in page
    # The application's own disability answers are for the scheme, not equality monitoring.
    assert "Disability Confident" in page


def test_equality_answers_are_not_in_the_applicants_submitted_copy_for_staff_either(
    app, role, application
):
    """Signed in as staff, the applicant's own pages are not reachable at all."""
    admin = UserFactory(roles=[StaffRole.ADMIN])
    db.session.commit()
    staff = staff_client(app, admin)
    for path in (
        f"/applications/{application.id}/check",
        f"/applications/{application.id}/view",
        f"/applications/{application.id}/equality",
    ):
        response = staff.get(path)
        assert response.status_code in (302, 403, 404), path
        assert leaks(response.get_data(as_text=True)) == [], path

"""Given a signed-in applicant, when they complete every section and submit, then the
application is submitted with a reference and one confirmation email is queued."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.applications.journey import complete_every_section
from tests.factories import RoleFactory
from tracker.applications.models import Application, EqualityAnswers
from tracker.applications.states import Status
from tracker.audit.models import AuditEvent
from tracker.extensions import db
from tracker.notifications.models import Email


def _start(post_form, role) -> Application:
    response = post_form(f"/roles/{role.slug}/apply", {})
    assert response.status_code == 302
    return db.session.scalars(select(Application).where(Application.role_id == role.id)).one()


def test_role_page_apply_button_starts_an_application(client, signed_in, role):
    page = client.get(f"/roles/{role.slug}").get_data(as_text=True)
    assert f'href="/roles/{role.slug}/apply"' in page
    start = client.get(f"/roles/{role.slug}/apply")
    assert start.status_code == 200
    assert "Start your application" in start.get_data(as_text=True)
    # Looking at the start page changes nothing.
    assert db.session.scalar(select(func.count()).select_from(Application)) == 0


def test_anonymous_apply_goes_to_sign_in_for_that_role(client, role):
    response = client.get(f"/roles/{role.slug}/apply")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/applicant/sign-in?role={role.slug}")


def test_complete_application_submits_once_with_reference_and_email(
    client, signed_in, role, post_form
):
    application = _start(post_form, role)
    task_list = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert "You have completed 0 of 6 required sections" in task_list

    complete_every_section(post_form, application.id, role.essential_criteria)
    db.session.refresh(application)
    assert application.postcode == "SW1A 1AA"
    assert application.disability_confident is True
    task_list = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert "You have completed 6 of 6 required sections" in task_list

    check = client.get(f"/applications/{application.id}/check").get_data(as_text=True)
    assert "Alex O\u2019Brien-Smith" in check
    assert "Questions in writing" in check
    # Under-19s with maths below level 2 are told they will work towards it.
    assert "maths" in check

    response = post_form(f"/applications/{application.id}/check", {"confirm": "y"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/applications/{application.id}/submitted")
    db.session.refresh(application)
    assert application.status is Status.SUBMITTED
    assert application.reference
    confirmation = client.get(response.headers["Location"]).get_data(as_text=True)
    assert application.reference in confirmation

    emails = db.session.scalars(select(Email).where(Email.template == "application_submitted"))
    assert [e.recipient for e in emails] == [signed_in.email]
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "application.submit")
        )
        == 1
    )

    # Submitting again changes nothing and sends nothing.
    again = post_form(f"/applications/{application.id}/check", {"confirm": "y"})
    assert again.status_code == 302
    assert (
        db.session.scalar(
            select(func.count()).select_from(Email).where(Email.template == "application_submitted")
        )
        == 1
    )

    dashboard = client.get("/applications").get_data(as_text=True)
    assert "Submitted" in dashboard and application.reference in dashboard
    copy = client.get(f"/applications/{application.id}/view").get_data(as_text=True)
    assert "At college I showed this" in copy
    # Sections of a submitted application cannot be changed.
    edit = client.get(f"/applications/{application.id}/personal-details")
    assert edit.status_code == 302


def test_submit_is_refused_until_every_required_section_is_complete(
    client, signed_in, role, post_form
):
    application = _start(post_form, role)
    page = client.get(f"/applications/{application.id}/check").get_data(as_text=True)
    assert "You need to complete these sections" in page
    response = post_form(f"/applications/{application.id}/check", {"confirm": "y"})
    assert response.status_code == 422
    assert "Complete the personal details section" in response.get_data(as_text=True)
    db.session.refresh(application)
    assert application.status is Status.DRAFT


def test_declaration_must_be_ticked(client, signed_in, role, post_form):
    application = _start(post_form, role)
    complete_every_section(post_form, application.id, role.essential_criteria)
    response = post_form(f"/applications/{application.id}/check", {})
    page = response.get_data(as_text=True)
    assert "Confirm that the information is true and complete" in page
    assert 'href="#confirm"' in page
    db.session.refresh(application)
    assert application.status is Status.DRAFT


def test_equality_answers_are_stored_apart(client, signed_in, role, post_form):
    application = _start(post_form, role)
    complete_every_section(post_form, application.id, role.essential_criteria)
    stored = db.session.scalars(
        select(EqualityAnswers).where(EqualityAnswers.application_id == application.id)
    ).one()
    assert (stored.sex, stored.ethnicity, stored.religion) == ("female", "mixed", None)


def test_second_application_copies_answers_that_do_not_depend_on_the_role(
    client, signed_in, role, post_form
):
    first = _start(post_form, role)
    complete_every_section(post_form, first.id, role.essential_criteria)
    other = RoleFactory(campaign=role.campaign)
    second = _start(post_form, other)
    assert second.full_name == "Alex O\u2019Brien-Smith"
    assert second.preference == 2
    assert "personal_details" in second.completed_sections
    assert "questions" not in second.completed_sections
    # The same-subject question depends on the role, so it is asked again.
    assert "eligibility" not in second.completed_sections


def test_emails_about_an_application_render_in_a_worker(app, role):
    """A worker has no request: links in emails are built from PUBLIC_BASE_URL alone."""
    from tests.factories import ApplicationFactory
    from tracker.notifications.rendering import render_email

    application = ApplicationFactory(role=role, submitted=True)
    with app.app_context():  # no request context, as in the worker
        for template in ("application_submitted", "application_withdrawn", "draft_reminder"):
            rendered = render_email(template, {"application_id": application.id})
            assert role.title in rendered.text
        submitted = render_email("application_submitted", {"application_id": application.id})
    assert application.reference in submitted.subject
    assert app.config["PUBLIC_BASE_URL"] + "/applications" in submitted.text

"""What happens when things change under an application: it is submitted in another tab, the
catalogue changes, the role is withdrawn, the campaign closes, a new campaign opens."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.factories import ApplicationFactory, CampaignFactory, RoleFactory, UserFactory
from tracker import clock
from tracker.accounts.models import StaffRole
from tracker.applications import drafts, progress, reminders, submission
from tracker.applications.errors import ApplicationError
from tracker.applications.models import Application
from tracker.catalogue.models import Criterion, CriterionKind
from tracker.extensions import db
from tracker.notifications.models import Email
from tracker.notifications.rendering import render_email


def test_a_submitted_application_cannot_be_changed_by_a_form_posted_from_an_old_tab(
    client, signed_in, role, post_form
):
    submitted = ApplicationFactory(applicant=signed_in, role=role, submitted=True)
    response = post_form(
        f"/applications/{submitted.id}/personal-details", {"full_name": "Someone Else"}
    )
    assert response.status_code == 302
    db.session.refresh(submitted)
    assert submitted.full_name == "Alex Example"


def test_a_criterion_added_after_answering_reopens_the_questions(signed_in, role, today):
    application = ApplicationFactory(applicant=signed_in, role=role, complete=True)
    role.criteria.append(
        Criterion(kind=CriterionKind.ESSENTIAL, position=9, text="You are punctual")
    )
    db.session.flush()
    db.session.refresh(role)

    assert [s.key for s in progress.incomplete_sections(application)] == ["questions"]
    with pytest.raises(ApplicationError, match="questions about this role"):
        submission.submit_application(applicant=signed_in, application=application, today=today)


def test_a_role_taken_out_of_the_catalogue_cannot_be_submitted_to(signed_in, role, today):
    application = ApplicationFactory(applicant=signed_in, role=role, complete=True)
    role.is_published = False
    db.session.flush()
    with pytest.raises(ApplicationError, match="no longer recruiting"):
        submission.submit_application(applicant=signed_in, application=application, today=today)


def test_deleting_a_draft_cancels_its_waiting_reminder(signed_in, today):
    role = RoleFactory(closes_on_override=today + timedelta(days=1))
    draft = ApplicationFactory(applicant=signed_in, role=role)
    assert reminders.remind_about_drafts(today=today, days_before=3) == 1
    drafts.delete_draft(applicant=signed_in, application=draft)
    assert db.session.scalar(select(func.count()).select_from(Email)) == 0


def test_an_email_about_an_application_that_is_gone_is_never_filled_with_examples(app):
    with pytest.raises(KeyError):
        render_email("application_submitted", {"application_id": 999999})
    # Id 0 is the preview on the staff email pages.
    assert "K7QM-4X2P" in render_email("application_submitted", {"application_id": 0}).subject


def test_the_dashboard_keeps_applications_from_an_earlier_campaign(client, signed_in):
    old = CampaignFactory(
        opens_on=clock.today() - timedelta(days=200),
        closes_on=clock.today() - timedelta(days=150),
        expected_start_on=clock.today() - timedelta(days=100),
    )
    earlier = ApplicationFactory(
        applicant=signed_in, role=RoleFactory(campaign=old), submitted=True
    )
    current = ApplicationFactory(applicant=signed_in, role=RoleFactory())
    page = client.get("/applications").get_data(as_text=True)
    assert earlier.role.title in page and current.role.title in page
    assert old.name in page


def test_preferences_are_fixed_once_applications_close(client, signed_in, post_form):
    closed = CampaignFactory(closed=True)
    first = ApplicationFactory(
        applicant=signed_in, role=RoleFactory(campaign=closed), submitted=True
    )
    second = ApplicationFactory(
        applicant=signed_in, role=RoleFactory(campaign=closed), submitted=True, preference=2
    )
    db.session.commit()  # a refused change rolls the request back; keep the test's rows
    page = client.get("/applications").get_data(as_text=True)
    assert "Move up" not in page
    post_form(f"/applications/{second.id}/move/up", {})
    db.session.refresh(first)
    db.session.refresh(second)
    assert (first.preference, second.preference) == (1, 2)


def test_reviewers_see_neither_adjustments_nor_the_cv_file_name_nor_eligibility_notes(
    client, sign_in, role
):
    application = ApplicationFactory(
        role=role,
        submitted=True,
        needs_adjustments=True,
        adjustments="A quiet room please",
        declares_disability="yes",
        eligibility_findings=[
            {"code": "english_maths_optional_19_plus", "severity": "check", "message": "19 or over"}
        ],
    )
    sign_in(UserFactory(roles=[StaffRole.HIRING_MANAGER], tracks=[role.track]))
    page = client.get(f"/staff/applications/{application.id}").get_data(as_text=True)
    for hidden in (
        "A quiet room please",
        "19 or over",
        "Considers themselves to have a disability",
    ):
        assert hidden not in page


def test_hr_sees_the_adjustments(client, sign_in, role):
    application = ApplicationFactory(
        role=role, submitted=True, needs_adjustments=True, adjustments="A quiet room please"
    )
    sign_in(UserFactory(roles=[StaffRole.ADMIN]))
    page = client.get(f"/staff/applications/{application.id}").get_data(as_text=True)
    assert "A quiet room please" in page


def test_signing_in_as_someone_else_ends_the_first_session(client, app):
    from tests.applications.conftest import sign_in_applicant
    from tests.factories import ApplicantFactory
    from tracker.applicants.models import ApplicantSession

    sign_in_applicant(client, ApplicantFactory())
    sign_in_applicant(client, ApplicantFactory())
    sessions = db.session.scalars(select(ApplicantSession).order_by(ApplicantSession.id)).all()
    assert [s.revoked_at is not None for s in sessions] == [True, False]


def test_starting_counts_only_applications_that_are_not_withdrawn(signed_in, role, today, app):
    withdrawn = [
        ApplicationFactory(
            applicant=signed_in,
            role=RoleFactory(campaign=role.campaign),
            submitted=True,
        )
        for _ in range(3)
    ]
    for application in withdrawn:
        submission.withdraw_application(
            applicant=signed_in, application=application, reason="personal", details=None
        )
    started = drafts.start_application(applicant=signed_in, role=role, today=today)
    assert isinstance(started, Application)

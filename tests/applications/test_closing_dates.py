"""Closing dates: after a role closes its drafts cannot be submitted and no new application can
be started; a few days before it closes, each unsubmitted draft gets one reminder email."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tests.applications.test_concurrent_submit import delete_committed, wait_for_delivery
from tests.factories import ApplicantFactory, ApplicationFactory, CampaignFactory, RoleFactory
from tests.helpers import csrf_token
from tests.mail import quiet

# The email fixtures live in tests/notifications/conftest.py; importing them makes them this
# module's fixtures too (with an outbox database of this module's own).
from tests.notifications.conftest import (  # noqa: F401
    mail_app,
    mail_env,
    outbox_database_url,
    redis_server,
    smtp_server,
    worker,
)
from tracker.applications import drafts, reminders
from tracker.applications.errors import ApplicationError
from tracker.applications.models import Application
from tracker.applications.states import Status
from tracker.extensions import db
from tracker.formatting import long_date
from tracker.notifications.models import Email

REMIND_TASK = "tracker.applications.tasks.remind_about_drafts"


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _closed_role(how: str, today: date):
    if how == "campaign closed":
        return RoleFactory(campaign=CampaignFactory(closed=True))
    return RoleFactory(closes_on_override=today - timedelta(days=1))


CLOSED = pytest.mark.parametrize("how", ["campaign closed", "role closed early"])


# Submitting


def test_a_complete_draft_can_be_submitted_on_its_closing_day(client, signed_in, post_form, today):
    role = RoleFactory(closes_on_override=today)
    application = ApplicationFactory(complete=True, applicant=signed_in, role=role)

    response = post_form(f"/applications/{application.id}/check", {"confirm": "y"})

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/applications/{application.id}/submitted")
    db.session.refresh(application)
    assert application.status is Status.SUBMITTED
    assert _count(Email, Email.template == "application_submitted") == 1


@CLOSED
def test_after_the_role_closes_a_complete_draft_cannot_be_submitted(client, signed_in, today, how):
    role = _closed_role(how, today)
    application = ApplicationFactory(complete=True, applicant=signed_in, role=role)
    # Committed (to this test's outer transaction), as it would be by the earlier requests
    # that saved it: the failed submit rolls back only its own work.
    db.session.commit()
    closed_on = long_date(today - timedelta(days=1))
    assert role.closes_on == today - timedelta(days=1)

    # The check page has no submit button any more, but an open tab still has one.
    token = csrf_token(client, "/applications")
    response = client.post(
        f"/applications/{application.id}/check", data={"confirm": "y", "csrf_token": token}
    )

    page = response.get_data(as_text=True)
    assert response.status_code == 422, page[:2000]
    assert f"Applications for {role.title} closed on {closed_on}" in page
    db.session.refresh(application)
    assert application.status is Status.DRAFT
    assert application.reference is None
    assert application.submitted_at is None
    assert _count(Email) == 0


@CLOSED
def test_the_task_list_and_check_page_warn_that_the_role_has_closed(client, signed_in, today, how):
    role = _closed_role(how, today)
    application = ApplicationFactory(complete=True, applicant=signed_in, role=role)
    warning = f"Applications for this role closed on {long_date(today - timedelta(days=1))}"

    task_list = client.get(f"/applications/{application.id}")
    check = client.get(f"/applications/{application.id}/check")

    assert task_list.status_code == 200
    assert warning in task_list.get_data(as_text=True)
    assert check.status_code == 200
    page = check.get_data(as_text=True)
    assert warning in page
    assert 'name="confirm"' not in page  # no declaration to tick, no submit button


def test_an_open_roles_task_list_gives_the_closing_date_and_no_warning(client, signed_in, today):
    role = RoleFactory(closes_on_override=today + timedelta(days=5))
    application = ApplicationFactory(complete=True, applicant=signed_in, role=role)

    page = client.get(f"/applications/{application.id}").get_data(as_text=True)

    assert f"Submit your application by <strong>{long_date(role.closes_on)}</strong>" in page
    assert "closed on" not in page


# Starting


@pytest.mark.parametrize(
    "how", ["campaign closed", "campaign closed, a newer one open", "role closed early"]
)
def test_no_application_can_be_started_for_a_closed_role(client, signed_in, today, how):
    if how == "role closed early":
        role = _closed_role(how, today)
    else:
        role = _closed_role("campaign closed", today)
        if how == "campaign closed, a newer one open":
            CampaignFactory()  # now the campaign applicants see

    page = client.get(f"/roles/{role.slug}/apply")
    token = csrf_token(client, "/applications")
    response = client.post(f"/roles/{role.slug}/apply", data={"csrf_token": token})

    assert "Start your application" not in page.get_data(as_text=True)
    assert response.status_code in (404, 409), response.status_code
    if response.status_code == 409:
        assert f"Applications for {role.title} are closed" in response.get_data(as_text=True)
    assert _count(Application) == 0


def test_the_service_refuses_to_start_an_application_for_a_closed_role(signed_in, today):
    role = _closed_role("role closed early", today)

    with pytest.raises(ApplicationError, match="closed"):
        drafts.start_application(applicant=signed_in, role=role, today=today)

    assert _count(Application) == 0


# Reminders


def _draft_closing_in(days: int, today: date, **kwargs) -> Application:
    role = RoleFactory(closes_on_override=today + timedelta(days=days))
    return ApplicationFactory(role=role, **kwargs)


def _reminders() -> list[Email]:
    return list(db.session.scalars(select(Email).where(Email.template == "draft_reminder")))


def test_a_draft_closing_in_two_days_gets_one_reminder_however_often_it_runs(today):
    draft = _draft_closing_in(2, today)

    assert reminders.remind_about_drafts(today=today, days_before=3) == 1
    assert reminders.remind_about_drafts(today=today, days_before=3) == 0

    [reminder] = _reminders()
    assert reminder.recipient == draft.applicant.email
    assert reminder.context == {"application_id": draft.id}
    assert draft.reminder_sent_at is not None
    assert draft.status is Status.DRAFT


@pytest.mark.parametrize(("days", "reminded"), [(0, True), (3, True), (4, False), (10, False)])
def test_only_drafts_closing_within_the_window_are_reminded(today, days, reminded):
    draft = _draft_closing_in(days, today)

    reminders.remind_about_drafts(today=today, days_before=3)

    assert [e.recipient for e in _reminders()] == ([draft.applicant.email] if reminded else [])


def test_submitted_and_closed_applications_get_no_reminder(today):
    _draft_closing_in(2, today, submitted=True)
    ApplicationFactory(role=_closed_role("role closed early", today))
    ApplicationFactory(role=_closed_role("campaign closed", today))
    soon = _draft_closing_in(2, today)

    assert reminders.remind_about_drafts(today=today, days_before=3) == 1

    assert [e.recipient for e in _reminders()] == [soon.applicant.email]


def test_the_reminder_job_is_in_the_beat_schedule(app):
    schedule = app.config["CELERY"]["beat_schedule"]
    [entry] = [e for e in schedule.values() if e["task"] == REMIND_TASK]
    # Often enough that a draft closing within the window is reminded before it closes.
    assert entry["schedule"] <= 24 * 60 * 60
    assert "tracker.applications.tasks" in app.config["CELERY"]["imports"]


def test_the_reminder_job_emails_a_draft_closing_soon_once_through_a_real_worker(
    mail_app,  # noqa: F811
    worker,  # noqa: F811
    smtp_server,  # noqa: F811
    today,
):
    with mail_app.app_context():
        soon = _draft_closing_in(2, today, complete=True, applicant=ApplicantFactory())
        later = _draft_closing_in(10, today, applicant=ApplicantFactory())
        db.session.commit()
        email, later_email = soon.applicant.email, later.applicant.email
        title, closes_on = soon.role.title, long_date(soon.role.closes_on)
        applicant_ids = [soon.applicant_id, later.applicant_id]
        role_ids = [soon.role_id, later.role_id]
        soon_id = soon.id
        db.session.remove()

    try:
        celery = mail_app.extensions["celery"]
        celery.send_task(REMIND_TASK)
        celery.send_task(REMIND_TASK)  # a second run, as the next hour's would be

        [message] = wait_for_delivery(mail_app, smtp_server, email)
        quiet(mail_app, smtp_server)  # a second reminder, wrongly sent, would be in by now

        assert len(smtp_server.recorder.to(email)) == 1
        assert smtp_server.recorder.to(later_email) == []
        assert title in message["Subject"]
        assert closes_on in message["Subject"]
        text = message.get_body(preferencelist=("plain",)).get_content()
        assert title in text
        assert f"Applications close on {closes_on}" in text
        with mail_app.app_context():
            assert [e.recipient for e in _reminders()] == [email]
            reminded = db.session.get(Application, soon_id)
            assert reminded.status is Status.DRAFT
            assert reminded.reminder_sent_at is not None
            db.session.remove()
    finally:
        delete_committed(mail_app, applicant_ids=applicant_ids, role_ids=role_ids)

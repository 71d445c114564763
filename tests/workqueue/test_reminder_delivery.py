"""Acceptance: HR reminds 3 invited candidates to book; each gets exactly one email, through
the outbox, and a second press sends none. Committed data, a real worker, Redis and SMTP."""

from __future__ import annotations

from collections import Counter
from types import SimpleNamespace

from tests.factories import ApplicationFactory, RoleFactory, UserFactory
from tests.helpers import csrf_token, sign_in_as
from tests.mail import quiet, wait_for

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
from tests.workqueue.remind_helpers import remind_confirmed
from tracker.accounts.models import StaffRole
from tracker.applications.states import Status
from tracker.extensions import db
from tracker.notifications.tasks import sweep_outbox

PATH = "/staff/queue/invited_not_booked"


def test_each_invited_candidate_gets_one_reminder_and_a_second_press_sends_none(
    mail_app,  # noqa: F811
    smtp_server,  # noqa: F811
    worker,  # noqa: F811
):
    with mail_app.app_context():
        role = RoleFactory()
        hr = UserFactory(roles=[StaffRole.ADMIN])
        applications = [
            ApplicationFactory(role=role, submitted=True, stage=status)
            for status in (Status.ASSESSMENT, Status.ASSESSMENT, Status.INTERVIEW)
        ]
        db.session.commit()
        ids = [a.id for a in applications]
        recipients = sorted(a.applicant.email for a in applications)
        hr_login = SimpleNamespace(email=hr.email, totp_secret=hr.totp_secret)
        db.session.remove()
    quiet(mail_app, smtp_server)  # their invitations went out when they were invited
    smtp_server.recorder.reset()

    client = mail_app.test_client()
    sign_in_as(client, hr_login)
    first = remind_confirmed(
        client, csrf_token(client, PATH), application_ids=ids, follow_redirects=False
    )
    assert first.status_code == 302

    recorder = smtp_server.recorder
    wait_for(lambda: len(recorder.messages) >= 3, timeout=60, what="3 emails at the SMTP server")
    second = remind_confirmed(client, csrf_token(client, PATH), application_ids=ids)
    assert "Nobody was reminded" in second.get_data(as_text=True)
    with mail_app.app_context():
        sweep_outbox()  # a sweep finds nothing left to send
        db.session.remove()
    quiet(mail_app, smtp_server)  # a wrongly repeated email would be in by now

    assert len(recorder.messages) == 3
    assert sorted(Counter(m["To"] for m in recorder.messages)) == recipients
    for message in recorder.messages:
        assert " ".join(message["Subject"].split()).startswith("Book your ")
        assert "/booking" in message.get_body(("plain",)).get_content()

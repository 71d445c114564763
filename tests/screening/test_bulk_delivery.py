"""Acceptance: a bulk rejection of 500 candidates answers promptly and, through the outbox,
sends 500 emails, each exactly once. Committed data, a real worker, Redis and SMTP."""

from __future__ import annotations

import time
from collections import Counter
from types import SimpleNamespace

from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

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
from tests.screening.list_helpers import confirmation
from tracker.accounts.models import StaffRole
from tracker.applications.models import Application
from tracker.applications.states import Status
from tracker.extensions import db
from tracker.notifications.models import Email, EmailStatus
from tracker.notifications.tasks import sweep_outbox

CANDIDATES = 500


def test_bulk_rejection_of_500_sends_500_emails_once_each(
    mail_app,  # noqa: F811
    smtp_server,  # noqa: F811
    worker,  # noqa: F811
):
    with mail_app.app_context():
        role = RoleFactory(criteria=[])
        manager = UserFactory(roles=[StaffRole.HIRING_MANAGER], tracks=[role.track])
        ids = [ApplicationFactory(role=role, sift=True).id for _ in range(CANDIDATES)]
        db.session.commit()
        role_id = role.id
        manager_login = SimpleNamespace(email=manager.email, totp_secret=None)
        db.session.remove()

    client = mail_app.test_client()
    sign_in_as(client, manager_login)
    path = f"/staff/roles/{role_id}/candidates"
    asked = client.post(
        path,
        data={
            "csrf_token": csrf_token(client, path),
            "application_ids": ids,
            "event": "reject",
            "reasons": "stronger_candidates",
        },
    )
    # Nothing moves and nobody is emailed until the confirmation's "Yes".
    assert asked.status_code == 200
    assert "Make 500 candidates unsuccessful and email them?" in asked.get_data(as_text=True)
    action, fields = confirmation(asked.get_data(as_text=True))
    started = time.perf_counter()
    response = client.post(action, data=MultiDict(fields))
    elapsed = time.perf_counter() - started
    print(f"bulk rejection of {CANDIDATES}: {elapsed:.2f} s")  # recorded in docs/performance.md
    assert response.status_code == 302

    recorder = smtp_server.recorder
    wait_for(
        lambda: len(recorder.messages) >= CANDIDATES,
        timeout=120,
        what=f"{CANDIDATES} emails at the SMTP server",
    )
    with mail_app.app_context():
        sweep_outbox()  # a sweep finds nothing left to send
        db.session.remove()
    quiet(mail_app, smtp_server)  # a wrongly repeated email would be in by now

    recipients = Counter(m["To"] for m in recorder.messages)
    assert len(recorder.messages) == CANDIDATES
    assert set(recipients.values()) == {1}
    assert all(
        "has not been successful" in m.get_body(("plain",)).get_content() for m in recorder.messages
    )
    with mail_app.app_context():
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(Application)
                .where(Application.status == Status.UNSUCCESSFUL)
            )
            == CANDIDATES
        )
        assert (
            db.session.scalar(
                select(func.count()).select_from(Email).where(Email.status == EmailStatus.SENT)
            )
            == CANDIDATES
        )
        db.session.remove()

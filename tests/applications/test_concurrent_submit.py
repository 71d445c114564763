"""Acceptance: 20 concurrent submissions of one application give one submitted application and
one email. Reliability: 20 concurrent submits, one application, one confirmation email.

Committed data, a real worker, a real Redis and a real SMTP server: the requests race each
other in their own transactions, as they would behind a web server with many threads.
"""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import delete, func, select

from tests.factories import ApplicantFactory, ApplicationFactory, RoleFactory
from tests.helpers import csrf_token
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
from tracker.accounts.tokens import new_token, token_hash
from tracker.applicants.models import Applicant, SignInLink
from tracker.applications.models import Application
from tracker.applications.states import Status
from tracker.audit.models import AuditEvent
from tracker.catalogue.models import Campaign, Role, Track
from tracker.clock import utcnow
from tracker.extensions import db
from tracker.notifications.models import Email, EmailStatus
from tracker.notifications.tasks import sweep_outbox

SUBMITTERS = 20


def delete_committed(app, *, applicant_ids: list[int], role_ids: list[int]) -> None:
    """Remove what a test committed (the mail_app fixture empties the email table itself)."""
    with app.app_context():
        db.session.remove()
        roles = db.session.scalars(select(Role).where(Role.id.in_(role_ids))).all()
        campaign_ids = {r.campaign_id for r in roles}
        track_ids = {r.track_id for r in roles}
        emails = db.session.scalars(
            select(Applicant.email).where(Applicant.id.in_(applicant_ids))
        ).all()
        # Answers, CVs and equality answers go with their application (ON DELETE CASCADE),
        # sessions with their applicant, criteria with their role.
        db.session.execute(delete(Application).where(Application.applicant_id.in_(applicant_ids)))
        db.session.execute(delete(SignInLink).where(SignInLink.email.in_(emails)))
        db.session.execute(delete(Applicant).where(Applicant.id.in_(applicant_ids)))
        db.session.execute(delete(Role).where(Role.id.in_(role_ids)))
        db.session.execute(delete(Campaign).where(Campaign.id.in_(campaign_ids)))
        db.session.execute(delete(Track).where(Track.id.in_(track_ids)))
        db.session.commit()


def wait_for_delivery(app, smtp, to: str, *, timeout: float = 30):
    """Wait for a message to this address; fail at once, saying why, if the outbox gives up."""

    def outbox() -> list[tuple]:
        with app.app_context():
            rows = [
                (e.template, e.status, e.attempts, e.last_error)
                for e in db.session.scalars(select(Email).where(Email.recipient == to))
            ]
            db.session.remove()
        return rows

    def arrived():
        if smtp.recorder.to(to):
            return True
        rows = outbox()
        assert not [r for r in rows if r[1] is EmailStatus.FAILED], f"delivery failed: {rows}"
        return False

    try:
        wait_for(arrived, timeout=timeout, what=f"mail to {to}", interval=0.2)
    except AssertionError as problem:
        if "delivery failed" in str(problem):
            raise
        raise AssertionError(f"{problem}; the outbox has {outbox()}") from None
    return smtp.recorder.to(to)


def _sign_in(client, email: str, app) -> None:
    """Sign in through a real, committed sign-in link, as from the applicant's email."""
    token = new_token()
    with app.app_context():
        db.session.add(
            SignInLink(
                email=email,
                token_hash=token_hash(token),
                created_at=utcnow(),
                expires_at=utcnow() + timedelta(minutes=30),
            )
        )
        db.session.commit()
    client.get(f"/applicant/sign-in/{token}")
    response = client.post(
        "/applicant/sign-in/continue",
        data={"csrf_token": csrf_token(client, "/applicant/sign-in/continue")},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]


def test_twenty_concurrent_submits_give_one_application_and_one_email(
    mail_app,  # noqa: F811
    worker,  # noqa: F811
    smtp_server,  # noqa: F811
    app_clock,
):
    with mail_app.app_context():
        role = RoleFactory()
        application = ApplicationFactory(complete=True, role=role, applicant=ApplicantFactory())
        db.session.commit()
        application_id, role_id = application.id, role.id
        applicant_id, email = application.applicant_id, application.applicant.email
        db.session.remove()

    try:
        signed_in = mail_app.test_client()
        _sign_in(signed_in, email, mail_app)
        check = f"/applications/{application_id}/check"
        token = csrf_token(signed_in, check)
        cookie_name = mail_app.config["SESSION_COOKIE_NAME"]
        cookie = signed_in.get_cookie(cookie_name)
        assert cookie is not None

        clients = []
        for _ in range(SUBMITTERS):
            client = mail_app.test_client()
            client.set_cookie(cookie_name, cookie.value)
            clients.append(client)

        barrier = threading.Barrier(SUBMITTERS)
        results: dict[int, tuple[int, str] | BaseException] = {}

        def submit(index: int) -> None:
            try:
                barrier.wait(timeout=30)
                response = clients[index].post(check, data={"confirm": "y", "csrf_token": token})
                results[index] = (response.status_code, response.headers.get("Location", ""))
            except BaseException as error:  # reported below, not lost in the thread
                results[index] = error

        threads = [threading.Thread(target=submit, args=(i,)) for i in range(SUBMITTERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert not any(t.is_alive() for t in threads), "a submit request hung"

        assert len(results) == SUBMITTERS, results
        errors = [r for r in results.values() if isinstance(r, BaseException)]
        assert not errors, errors
        assert not [r for r in results.values() if r[0] >= 500], results
        # Winner and losers alike are sent to the confirmation page.
        assert all(
            status == 302 and location.endswith(f"/applications/{application_id}/submitted")
            for status, location in results.values()
        ), results

        with mail_app.app_context():
            [submitted] = db.session.scalars(
                select(Application).where(Application.applicant_id == applicant_id)
            ).all()
            assert submitted.status is Status.SUBMITTED
            assert submitted.reference
            assert submitted.version == 2  # changed once, from draft to submitted
            confirmations = db.session.scalars(
                select(Email).where(Email.template == "application_submitted")
            ).all()
            assert [e.recipient for e in confirmations] == [email]
            assert (
                db.session.scalar(
                    select(func.count())
                    .select_from(AuditEvent)
                    .where(
                        AuditEvent.action == "application.submit",
                        AuditEvent.object_id == str(application_id),
                    )
                )
                == 1
            )
            reference = submitted.reference
            db.session.remove()

        wait_for_delivery(mail_app, smtp_server, email)
        # Wait until a duplicate would have arrived, let a sweep look for overdue emails (the
        # beat schedule runs it every minute), and wait until anything it enqueued would have.
        quiet(mail_app, smtp_server)
        app_clock.advance(seconds=1.5)  # past EMAIL_SWEEP_AFTER_SECONDS: any email is overdue
        with mail_app.app_context():
            assert sweep_outbox()["enqueued"] == 0
            db.session.remove()
        quiet(mail_app, smtp_server)

        [message] = smtp_server.recorder.to(email)
        assert smtp_server.recorder.data_commands == 1
        assert reference in message.get_body(preferencelist=("plain",)).get_content()
        with mail_app.app_context():
            [sent] = db.session.scalars(select(Email)).all()
            assert (sent.status, sent.attempts) == (EmailStatus.SENT, 1)
            assert (
                db.session.scalar(
                    select(func.count())
                    .select_from(Application)
                    .where(Application.status == Status.SUBMITTED)
                )
                == 1
            )
            db.session.remove()
    finally:
        delete_committed(mail_app, applicant_ids=[applicant_id], role_ids=[role_id])

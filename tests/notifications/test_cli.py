"""`flask emails`: a test email to check delivery, the outbox's state, retrying a failure."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tracker.clock import utcnow
from tracker.extensions import db
from tracker.notifications import services
from tracker.notifications.models import Email, EmailStatus


def test_send_test_queues_one_test_email(runner):
    result = runner.invoke(args=["emails", "send-test", "hr@example.gov.uk"])

    assert result.exit_code == 0, result.output
    [email] = db.session.scalars(select(Email)).all()
    assert (email.recipient, email.template, email.status) == (
        "hr@example.gov.uk",
        "test_email",
        EmailStatus.PENDING,
    )
    assert f"Queued email {email.id}" in result.output


def test_status_counts_emails_and_names_the_failures(runner):
    runner.invoke(args=["emails", "send-test", "a@example.com"])
    email = db.session.scalars(select(Email)).one()
    email.status, email.attempts = EmailStatus.FAILED, 8
    email.last_error, email.failed_at = "SMTP: 554 refused", utcnow()
    db.session.flush()

    result = runner.invoke(args=["emails", "status"])

    assert "  failed: 1" in result.output
    assert f"failed {email.id} to a@example.com (test_email): SMTP: 554 refused" in result.output

    retried = runner.invoke(args=["emails", "retry", str(email.id)])
    assert retried.exit_code == 0 and email.status is EmailStatus.PENDING


def test_retry_explains_what_it_cannot_do(runner):
    assert "There is no email 999" in runner.invoke(args=["emails", "retry", "999"]).output
    runner.invoke(args=["emails", "send-test", "a@example.com"])
    email = db.session.scalars(select(Email)).one()

    result = runner.invoke(args=["emails", "retry", str(email.id)])

    assert result.exit_code != 0
    assert "only failed emails can be retried; this one is pending" in result.output


def test_status_counts_and_lists_the_emails_that_may_have_been_sent_twice(runner):
    assert "may have been sent twice: 0" in runner.invoke(args=["emails", "status"]).output
    runner.invoke(args=["emails", "send-test", "a@example.com"])
    email = db.session.scalars(select(Email)).one()
    services.claim_email(email_id=email.id)
    email.claimed_at = utcnow() - timedelta(hours=1)  # its worker died an hour ago
    db.session.flush()
    services.free_abandoned_claims(claim_timeout=300, max_attempts=8)

    result = runner.invoke(args=["emails", "status"])

    assert result.exit_code == 0, result.output
    assert "may have been sent twice: 1" in result.output
    assert "nobody can tell whether the mail server already had them" in result.output
    assert (
        f"uncertain {email.id} to a@example.com (test_email), now pending: its worker stopped"
        f" mid-send at {email.uncertain_since:%Y-%m-%d %H:%M:%S} UTC"
    ) in result.output

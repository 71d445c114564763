"""Queueing, retrying and reading the outbox, inside the test's rolled-back transaction."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tracker.clock import utcnow
from tracker.extensions import db
from tracker.notifications import queries, services
from tracker.notifications.models import Email, EmailStatus
from tracker.notifications.outbox import _KEY


def _queue(to="ada@example.com", key="k1", **kwargs):
    return services.queue_email(
        actor="test",
        to=to,
        template="test_email",
        context={"requested_by": "HR"},
        idempotency_key=key,
        **kwargs,
    )


def test_queueing_writes_a_pending_row_and_marks_it_for_enqueue_after_commit():
    email = _queue()

    assert (email.status, email.attempts, email.queued_by) == (EmailStatus.PENDING, 0, "test")
    assert db.session.info[_KEY] == [email.id]


def test_the_same_idempotency_key_gives_the_same_email_not_a_second_one():
    first = _queue(key="application:7:submitted")
    second = _queue(key="application:7:submitted")

    assert first.id == second.id
    assert db.session.scalar(select(func.count()).select_from(Email)) == 1


def test_an_unknown_template_is_refused_and_nothing_is_written():
    with pytest.raises(services.UnknownTemplate, match="no email template called 'nope'"):
        services.queue_email(
            actor="test", to="a@example.com", template="nope", context={}, idempotency_key="x"
        )

    assert db.session.scalar(select(func.count()).select_from(Email)) == 0


def test_only_a_failed_email_can_be_retried_and_it_gets_fresh_attempts():
    email = _queue()
    with pytest.raises(services.NotRetryable, match="this one is pending"):
        services.retry_email(actor="hr@example.gov.uk", email=email)

    email.status, email.attempts = EmailStatus.FAILED, 8
    email.last_error, email.failed_at = "SMTP: 554 refused", utcnow()
    db.session.flush()
    services.retry_email(actor="hr@example.gov.uk", email=email)

    assert (email.status, email.attempts, email.failed_at) == (EmailStatus.PENDING, 0, None)
    assert "retried by hr@example.gov.uk" in email.last_error


def test_a_claimed_email_cannot_be_claimed_again():
    email = _queue()

    assert services.claim_email(email_id=email.id) is not None
    assert services.claim_email(email_id=email.id) is None
    db.session.refresh(email)
    assert (email.status, email.attempts) == (EmailStatus.SENDING, 1)


def test_an_email_not_yet_due_is_not_claimed():
    email = _queue()
    email.next_attempt_at = utcnow() + timedelta(minutes=5)
    db.session.flush()

    assert services.claim_email(email_id=email.id) is None


@pytest.mark.parametrize(
    ("attempts", "expected"), [(1, 30), (2, 60), (3, 120), (5, 480), (6, 900), (12, 900)]
)
def test_retries_back_off_exponentially_up_to_a_ceiling(attempts, expected):
    assert services.backoff_seconds(attempts, base=30, ceiling=900) == expected


def test_failures_schedule_a_retry_until_the_last_attempt_then_fail_for_good():
    email = _queue()
    email.attempts = 2
    delay = services.record_failure(
        email=email, error="SMTP: 451 try later", max_attempts=3, base=30, ceiling=900
    )
    assert delay == 60 and email.status is EmailStatus.PENDING

    email.attempts = 3
    delay = services.record_failure(
        email=email, error="SMTP: 451 try later", max_attempts=3, base=30, ceiling=900
    )
    assert delay is None
    assert (email.status, email.last_error) == (EmailStatus.FAILED, "SMTP: 451 try later")


def test_an_applicants_email_log_lists_their_emails_newest_first_with_status():
    older = _queue(to="Ada@Example.com", key="a")
    newer = _queue(to="ada@example.com", key="b")
    _queue(to="someone.else@example.com", key="c")
    older.created_at = utcnow() - timedelta(days=1)
    newer.status, newer.sent_at = EmailStatus.SENT, utcnow()
    db.session.flush()

    log = queries.emails_to("ADA@example.com")

    assert [(e.id, e.status) for e in log] == [
        (newer.id, EmailStatus.SENT),
        (older.id, EmailStatus.PENDING),
    ]


def test_the_database_refuses_a_sent_email_without_a_sent_time():
    from sqlalchemy.exc import IntegrityError

    email = _queue()
    email.status = EmailStatus.SENT
    with pytest.raises(IntegrityError, match="ck_email_sent_has_sent_at"):
        db.session.flush()


def _abandon(email: Email, *, max_attempts: int = 8) -> list[int]:
    """A worker claims the email and dies; later the sweeper finds the claim expired."""
    services.claim_email(email_id=email.id)
    email.claimed_at = utcnow() - timedelta(minutes=10)
    db.session.flush()
    return services.free_abandoned_claims(claim_timeout=300, max_attempts=max_attempts)


def test_an_email_freed_from_a_dead_workers_claim_is_marked_as_possibly_sent_twice():
    email = _queue()
    _queue(key="k2")  # pending, never claimed: nothing uncertain about it

    assert _abandon(email) == [email.id]

    assert (email.status, email.claimed_at) == (EmailStatus.PENDING, None)
    assert email.uncertain_since is not None
    assert email.last_error == (
        "The worker stopped while sending this email, so it may have been sent already; "
        "it is being sent again and may arrive twice."
    )
    assert [e.id for e in queries.uncertain_emails()] == [email.id]
    assert queries.count_uncertain() == 1


def test_the_doubt_outlives_the_resend_and_a_second_crash_keeps_the_first_time():
    email = _queue()
    _abandon(email)
    first = email.uncertain_since
    _abandon(email)
    claimed = services.claim_email(email_id=email.id)

    assert services.stage_sent(
        email=email, claimed_at=claimed.claimed_at, subject="S", reference="<r>", hold_for=300
    )
    db.session.refresh(email)

    assert (email.status, email.attempts, email.uncertain_since) == (EmailStatus.SENT, 3, first)
    assert email.last_error is None
    assert queries.count_uncertain() == 1


def test_a_dead_worker_on_the_last_attempt_leaves_a_failed_email_that_may_have_gone():
    email = _queue()

    assert _abandon(email, max_attempts=1) == []

    assert email.status is EmailStatus.FAILED and email.uncertain_since is not None
    assert "may or may not have been sent" in email.last_error


def test_a_send_is_staged_only_while_the_worker_still_holds_its_claim():
    email = _queue()
    claimed_at = services.claim_email(email_id=email.id).claimed_at

    lapsed = claimed_at - timedelta(seconds=1)
    assert not services.stage_sent(
        email=email, claimed_at=lapsed, subject="S", reference="<r>", hold_for=300
    )
    assert services.stage_sent(
        email=email, claimed_at=claimed_at, subject="Hello", reference="<r>", hold_for=300
    )
    db.session.refresh(email)
    assert (email.status, email.subject, email.provider_reference) == (
        EmailStatus.SENT,
        "Hello",
        "<r>",
    )
    assert email.sent_at is not None


def test_the_database_refuses_doubt_about_an_email_never_tried():
    from sqlalchemy.exc import IntegrityError

    email = _queue()
    email.uncertain_since = utcnow()
    with pytest.raises(IntegrityError, match="ck_email_uncertain_was_tried"):
        db.session.flush()


def test_claiming_the_next_email_takes_the_lowest_due_pending_one_of_the_list_after_the_cursor():
    sent, late, first, unlisted, second = (_queue(key=f"n{n}") for n in range(5))
    sent.status, sent.sent_at = EmailStatus.SENT, utcnow()
    late.next_attempt_at = utcnow() + timedelta(minutes=5)
    db.session.flush()
    listed = [second.id, first.id, late.id, sent.id]

    claimed = services.claim_next(ids=listed, after=0)

    assert claimed is not None and claimed.id == first.id
    assert (claimed.attempts, claimed.recipient, claimed.template) == (
        1,
        "ada@example.com",
        "test_email",
    )
    assert (claimed.context, claimed.idempotency_key) == ({"requested_by": "HR"}, "n2")
    db.session.refresh(first)
    # What the claim returned is what the row holds: nothing needs reading again.
    assert (first.status, first.claimed_at) == (EmailStatus.SENDING, claimed.claimed_at)
    following = services.claim_next(ids=listed, after=claimed.id)
    assert following is not None and following.id == second.id
    assert services.claim_next(ids=listed, after=second.id) is None
    assert services.claim_next(ids=[], after=0) is None
    db.session.refresh(unlisted)
    assert unlisted.status is EmailStatus.PENDING


def test_a_staged_send_ends_the_database_session_if_it_idles_past_the_claim_timeout():
    from sqlalchemy import text

    email = _queue()
    claimed = services.claim_next(ids=[email.id], after=0)

    assert services.stage_sent(
        email=claimed, claimed_at=claimed.claimed_at, subject="S", reference="<r>", hold_for=300
    )
    # Set for this transaction only, in the same statement as the stage.
    assert db.session.scalar(text("SHOW idle_in_transaction_session_timeout")) == "5min"


def test_the_emails_of_one_commit_go_in_jobs_of_at_most_fifty_each_once():
    from tracker.notifications.outbox import BATCH_SIZE, batches

    ids = [*range(1, 121), 7, 8]

    assert BATCH_SIZE == 50
    assert [len(batch) for batch in batches(ids)] == [50, 50, 20]
    assert [i for batch in batches(ids) for i in batch] == list(range(1, 121))


def test_staging_a_send_claims_the_next_email_in_the_same_statement_only_if_it_staged():
    first, second = _queue(key="s1"), _queue(key="s2")
    ids = [first.id, second.id]
    claimed = services.claim_next(ids=ids, after=0)
    lapsed = replace(claimed, claimed_at=claimed.claimed_at - timedelta(seconds=1))

    assert services.stage_sent_and_claim_next(
        email=lapsed, subject="S", reference="<r>", hold_for=300, doubt_settled=False, ids=ids
    ) == (False, None)
    db.session.refresh(second)
    assert second.status is EmailStatus.PENDING  # nothing staged, so nothing claimed

    staged, following = services.stage_sent_and_claim_next(
        email=claimed, subject="S", reference="<r>", hold_for=300, doubt_settled=False, ids=ids
    )

    assert staged and following is not None and following.id == second.id
    db.session.refresh(first)
    db.session.refresh(second)
    assert (first.status, second.status) == (EmailStatus.SENT, EmailStatus.SENDING)
    assert second.claimed_at == following.claimed_at and following.attempts == 1
    assert services.stage_sent_and_claim_next(
        email=following, subject="S", reference="<r>", hold_for=300, doubt_settled=False, ids=ids
    ) == (True, None)

"""Send jobs that carry many emails: one connection, each email once, none lost, per-email
bookkeeping, with a real worker, a real Redis and a real SMTP server."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import event, func, select

from tests.mail import Worker, quiet, wait_for
from tests.notifications.test_delivery import _age, _email
from tracker.extensions import db
from tracker.notifications import queries, services
from tracker.notifications.models import Email, EmailStatus
from tracker.notifications.outbox import enqueue_sends
from tracker.notifications.tasks import send_emails, sweep_outbox


def _queue_together(app, count: int, prefix: str) -> list[int]:
    """COUNT emails queued in one transaction, as a campaign's decision round does."""
    with app.app_context():
        ids = [
            services.queue_email(
                actor="test",
                to=f"{prefix}{n}@example.com",
                template="test_email",
                context={"requested_by": "The test suite"},
                idempotency_key=f"test:{prefix}:{n}",
            ).id
            for n in range(count)
        ]
        db.session.commit()
        return ids


def _rows(app, ids: list[int]) -> list[Email]:
    with app.app_context():
        rows = db.session.scalars(select(Email).where(Email.id.in_(ids)).order_by(Email.id)).all()
        db.session.expunge_all()
        return list(rows)


def _wait_until_sent(app, ids: list[int], timeout: float = 60) -> None:
    def all_sent() -> bool:
        with app.app_context():
            sent = db.session.scalar(
                select(func.count())
                .select_from(Email)
                .where(Email.id.in_(ids), Email.status == EmailStatus.SENT)
            )
            db.session.remove()
        return sent == len(ids)

    wait_for(all_sent, timeout=timeout, what=f"{len(ids)} emails to be sent")


def test_one_commit_of_fifty_emails_goes_as_one_job_over_one_connection(
    mail_app, worker, smtp_server
):
    ids = _queue_together(mail_app, 50, "batch")

    _wait_until_sent(mail_app, ids)
    quiet(mail_app, smtp_server)

    recorder = smtp_server.recorder
    assert sorted(m["To"] for m in recorder.messages) == sorted(
        f"batch{n}@example.com" for n in range(50)
    )
    assert len(recorder.sessions) == 1
    assert "{'sent': 50}" in worker.log.read_text()  # one job did them all


def test_a_batch_sent_and_then_sent_again_delivers_each_email_exactly_once(
    mail_app, worker, smtp_server
):
    ids = _queue_together(mail_app, 120, "once")  # three jobs: 50, 50 and 20
    _wait_until_sent(mail_app, ids)
    with mail_app.app_context():
        enqueue_sends(ids[:50])  # a sweeper's or a redelivered job for emails already sent
        enqueue_sends(ids)
    quiet(mail_app, smtp_server)

    recorder = smtp_server.recorder
    assert recorder.data_commands == 120
    deliveries = Counter(m["Message-ID"] for m in recorder.messages)
    assert set(deliveries.values()) == {1} and len(deliveries) == 120
    assert {(e.status, e.attempts) for e in _rows(mail_app, ids)} == {(EmailStatus.SENT, 1)}
    assert "{'skipped': 50}" in worker.log.read_text()


def test_a_connection_the_server_closes_between_messages_loses_none(mail_app, worker, smtp_server):
    smtp_server.recorder.drop_after = {3, 7}  # closed right after the 3rd and 7th 250
    ids = _queue_together(mail_app, 10, "dropped")

    _wait_until_sent(mail_app, ids)
    quiet(mail_app, smtp_server)

    recorder = smtp_server.recorder
    assert sorted(m["To"] for m in recorder.messages) == sorted(
        f"dropped{n}@example.com" for n in range(10)
    )
    assert len(recorder.sessions) == 3
    # The server had none of the next email when it closed: sent again at once, one attempt.
    assert {(e.status, e.attempts) for e in _rows(mail_app, ids)} == {(EmailStatus.SENT, 1)}


def test_a_connection_dropped_mid_data_loses_none_and_retries_only_that_email(
    mail_app, worker, smtp_server
):
    smtp_server.recorder.drop_in_data = {4}  # the 4th message: dropped before the server's reply
    ids = _queue_together(mail_app, 10, "middata")

    _wait_until_sent(mail_app, ids)
    quiet(mail_app, smtp_server)

    recorder = smtp_server.recorder
    assert sorted(m["To"] for m in recorder.messages) == sorted(
        f"middata{n}@example.com" for n in range(10)
    )
    rows = _rows(mail_app, ids)
    assert [e.attempts for e in rows] == [1, 1, 1, 2, 1, 1, 1, 1, 1, 1]
    assert {(e.status, e.last_error) for e in rows} == {(EmailStatus.SENT, None)}


def test_in_a_batch_a_refusal_and_a_bounce_are_each_recorded_for_their_own_email(
    mail_app, worker, smtp_server
):
    recorder = smtp_server.recorder
    recorder.refuse_data = {3}  # the 3rd message: 451, try again later
    recorder.refuse_to = {"bounce4@example.com"}  # refused for good, every attempt
    ids = _queue_together(mail_app, 6, "bounce")

    wait_for(
        lambda: _email(mail_app, ids[4]).status is EmailStatus.FAILED,
        timeout=40,
        what="the bounced email to be marked failed",
    )
    _wait_until_sent(mail_app, ids[:4] + ids[5:])
    quiet(mail_app, smtp_server)

    rows = _rows(mail_app, ids)
    assert [(e.status, e.attempts) for e in rows] == [
        (EmailStatus.SENT, 1),
        (EmailStatus.SENT, 1),
        (EmailStatus.SENT, 2),  # refused once, then accepted
        (EmailStatus.SENT, 1),
        (EmailStatus.FAILED, 5),  # EMAIL_MAX_ATTEMPTS in these tests
        (EmailStatus.SENT, 1),
    ]
    assert "554" in rows[4].last_error and rows[2].last_error is None
    assert len(recorder.to("bounce2@example.com")) == 1
    assert recorder.to("bounce4@example.com") == []
    assert "'retrying': 1" in worker.log.read_text()


def test_a_worker_killed_mid_batch_leaves_one_email_in_doubt_and_loses_none(
    mail_app, worker, smtp_server, mail_env, tmp_path
):
    recorder = smtp_server.recorder
    recorder.rcpt_delay, recorder.rcpt_delay_after = 30, 2  # stuck on the 3rd of the five
    ids = _queue_together(mail_app, 5, "killed")
    wait_for(recorder.rcpt_started.is_set, timeout=20, what="the third send to start")

    worker.kill()
    recorder.rcpt_delay = 0
    rows = _rows(mail_app, ids)
    assert [(e.status, e.attempts) for e in rows] == [
        (EmailStatus.SENT, 1),
        (EmailStatus.SENT, 1),
        (EmailStatus.SENDING, 1),  # in hand: its staged `sent` died with the worker
        (EmailStatus.PENDING, 0),  # not yet claimed: nothing in doubt about them
        (EmailStatus.PENDING, 0),
    ]
    replacement = Worker(mail_env, tmp_path / "replacement.log").start()
    try:
        # Their job died unacknowledged with the worker: the sweeper sends the rest.
        _age(mail_app, "claimed_at", 2.2)  # past EMAIL_CLAIM_TIMEOUT_SECONDS: abandoned
        _age(mail_app, "next_attempt_at", 1.2)  # past EMAIL_SWEEP_AFTER_SECONDS: overdue
        with mail_app.app_context():
            assert sweep_outbox() == {"freed": 1, "enqueued": 3}
        _wait_until_sent(mail_app, ids)
        quiet(mail_app, smtp_server)
    finally:
        replacement.stop()

    assert sorted(m["To"] for m in recorder.messages) == sorted(
        f"killed{n}@example.com" for n in range(5)
    )
    with mail_app.app_context():
        assert [e.id for e in queries.uncertain_emails()] == [ids[2]]


def test_nothing_but_the_commit_runs_between_the_servers_250_and_the_record(mail_app, smtp_server):
    """In-process, so that every statement the job sends can be seen in order with the
    server's replies: after each 250 the next thing is the COMMIT that records it (and claims
    the next email, whose UPDATE ran before the message went)."""
    ids = _queue_together(mail_app, 20, "window")
    timeline = smtp_server.recorder.timeline
    with mail_app.app_context():
        engine = db.engine

        def statement(conn, cursor, sql, parameters, context, executemany):
            timeline.append(sql.split(None, 1)[0].upper())

        def commit(conn):
            timeline.append("COMMIT")

        event.listen(engine, "before_cursor_execute", statement)
        event.listen(engine, "commit", commit)
        try:
            assert send_emails(ids) == {"sent": 20}
        finally:
            event.remove(engine, "before_cursor_execute", statement)
            event.remove(engine, "commit", commit)

    assert timeline.count("250") == 20
    assert [timeline[i + 1] for i, e in enumerate(timeline) if e == "250"] == ["COMMIT"] * 20
    assert timeline.count("COMMIT") == 21  # one per email, and the first claim's
    assert len(smtp_server.recorder.sessions) == 1

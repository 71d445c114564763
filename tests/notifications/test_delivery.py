"""The outbox with a real worker, a real Redis and a real SMTP server: never lost, never twice."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select, text

from tests.mail import Worker, quiet, wait_for
from tests.notifications.fake_notify import API_KEY, FakeNotify
from tracker.extensions import csrf, db
from tracker.notifications import services
from tracker.notifications.models import Email, EmailStatus
from tracker.notifications.outbox import enqueue_send
from tracker.notifications.tasks import sweep_outbox


def _queue(app, to: str, key: str | None = None) -> int:
    with app.app_context():
        email = services.queue_email(
            actor="test",
            to=to,
            template="test_email",
            context={"requested_by": "The test suite"},
            idempotency_key=key or f"test:{to}",
        )
        db.session.commit()
        return email.id


def _age(app, column: str, seconds: float) -> None:
    """Let time pass for the outbox instead of sleeping: move every row's ``column`` back.

    (Not the app's clock: the worker, a process of its own, reads the real time.)"""
    with app.app_context():
        earlier = text(f"UPDATE email SET {column} = {column} - make_interval(secs => :seconds)")
        db.session.execute(earlier, {"seconds": seconds})
        db.session.commit()
        db.session.remove()


def _email(app, email_id: int) -> Email:
    with app.app_context():
        email = db.session.get(Email, email_id)
        db.session.expunge(email)
        return email


def test_a_committed_change_delivers_exactly_one_email(mail_app, worker, smtp_server):
    email_id = _queue(mail_app, "ada@example.com")

    wait_for(lambda: smtp_server.recorder.to("ada@example.com"), timeout=20, what="the email")
    quiet(mail_app, smtp_server)

    [message] = smtp_server.recorder.to("ada@example.com")
    assert message["Subject"] == "Test email from ICT and digital apprenticeships"
    assert message["From"] == "Apprenticeships <apprenticeships@example.gov.uk>"
    assert message["Message-ID"] == f"<tracker-email-{email_id}@127.0.0.1>"
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "The test suite sent it to check that emails from the service arrive." in text
    assert "Example Borough Council" in html
    email = _email(mail_app, email_id)
    assert (email.status, email.attempts, email.subject) == (
        EmailStatus.SENT,
        1,
        "Test email from ICT and digital apprenticeships",
    )


def test_a_rolled_back_change_sends_nothing_and_leaves_no_row(mail_app, worker, smtp_server):
    with mail_app.app_context():
        services.queue_email(
            actor="test",
            to="grace@example.com",
            template="test_email",
            context={"requested_by": "The test suite"},
            idempotency_key="test:rollback",
        )
        db.session.rollback()
        sweep_outbox()
        assert db.session.scalar(select(func.count()).select_from(Email)) == 0

    quiet(mail_app, smtp_server)
    assert smtp_server.recorder.messages == []


def test_with_redis_down_the_request_is_quick_and_the_email_goes_once_it_is_back(
    mail_app, worker, smtp_server, redis_server
):
    @mail_app.post("/queue")
    def queue():
        services.queue_email(
            actor="test",
            to="katherine@example.com",
            template="test_email",
            context={"requested_by": "The test suite"},
            idempotency_key="test:redis-down",
        )
        db.session.commit()
        return "queued"

    csrf.exempt(queue)  # a stand-in for a real form post; CSRF is tested elsewhere

    redis_server.stop()
    started = time.monotonic()
    response = mail_app.test_client().post("/queue")
    elapsed = time.monotonic() - started

    assert response.status_code == 200
    assert elapsed < 2, f"the request took {elapsed:.2f}s with Redis down"
    with mail_app.app_context():
        [email] = db.session.scalars(select(Email)).all()
        assert email.status is EmailStatus.PENDING

    redis_server.start()
    _age(mail_app, "next_attempt_at", 1.2)  # past EMAIL_SWEEP_AFTER_SECONDS: overdue
    with mail_app.app_context():
        wait_for(lambda: sweep_outbox()["enqueued"] == 1, timeout=20, what="a sweep to enqueue")
    wait_for(lambda: smtp_server.recorder.messages, timeout=30, what="the email after Redis")
    quiet(mail_app, smtp_server)

    assert len(smtp_server.recorder.to("katherine@example.com")) == 1


def test_the_send_job_run_twice_for_one_email_delivers_once(mail_app, worker, smtp_server):
    email_id = _queue(mail_app, "mary@example.com")
    with mail_app.app_context():
        enqueue_send(email_id)
        enqueue_send(email_id)

    wait_for(lambda: smtp_server.recorder.messages, timeout=20, what="the email")
    quiet(mail_app, smtp_server)

    assert len(smtp_server.recorder.messages) == 1
    assert smtp_server.recorder.data_commands == 1
    assert _email(mail_app, email_id).attempts == 1


def test_smtp_refusing_three_times_then_accepting_gives_one_email_in_four_attempts(
    mail_app, worker, smtp_server
):
    smtp_server.recorder.refuse_next = 3
    email_id = _queue(mail_app, "dorothy@example.com")

    wait_for(lambda: smtp_server.recorder.messages, timeout=30, what="the fourth attempt")
    quiet(mail_app, smtp_server)

    email = _email(mail_app, email_id)
    assert len(smtp_server.recorder.messages) == 1
    assert smtp_server.recorder.data_commands == 4
    assert (email.status, email.attempts) == (EmailStatus.SENT, 4)
    assert email.last_error is None


def test_smtp_refusing_for_good_ends_failed_with_the_error(mail_app, worker, smtp_server):
    smtp_server.recorder.refuse_always = True
    email_id = _queue(mail_app, "hedy@example.com")

    email = wait_for(
        lambda: (e := _email(mail_app, email_id)).status is EmailStatus.FAILED and e,
        timeout=40,
        what="the email to be marked failed",
    )
    smtp_server.recorder.refuse_always = False  # the marker quiet() sends must get through
    quiet(mail_app, smtp_server)

    assert email.attempts == 5  # EMAIL_MAX_ATTEMPTS in these tests
    assert smtp_server.recorder.data_commands == 5
    assert "554" in email.last_error and "Refused by test server" in email.last_error
    assert email.failed_at is not None
    assert smtp_server.recorder.messages == []


def test_a_worker_killed_mid_send_loses_nothing(mail_app, worker, smtp_server, mail_env, tmp_path):
    smtp_server.recorder.rcpt_delay = 30  # the worker will be stuck talking to the server
    email_id = _queue(mail_app, "radia@example.com")
    wait_for(smtp_server.recorder.rcpt_started.is_set, timeout=20, what="the send to start")
    assert _email(mail_app, email_id).status is EmailStatus.SENDING

    worker.kill()
    smtp_server.recorder.rcpt_delay = 0
    replacement = Worker(mail_env, tmp_path / "replacement.log").start()
    try:
        _age(mail_app, "claimed_at", 2.2)  # past EMAIL_CLAIM_TIMEOUT_SECONDS: abandoned
        with mail_app.app_context():
            assert sweep_outbox()["freed"] == 1
        wait_for(lambda: smtp_server.recorder.messages, timeout=30, what="the redelivery")
        quiet(mail_app, smtp_server)
    finally:
        replacement.stop()

    email = _email(mail_app, email_id)
    assert len(smtp_server.recorder.to("radia@example.com")) == 1
    assert (email.status, email.attempts) == (EmailStatus.SENT, 2)
    # Nobody could know the server had not taken it: staff are told it may have gone twice.
    assert email.uncertain_since is not None


def test_a_worker_killed_between_emails_on_its_kept_connection_loses_and_doubles_nothing(
    mail_app, worker, smtp_server, mail_env, tmp_path
):
    # The first email leaves the worker's connection open. The server then holds its reply to
    # the MAIL that begins the second on that connection (a connection used a moment ago is
    # not asked NOOP first): the worker is stuck between the two, with the first recorded as
    # sent (before anything else) and the second claimed.
    first = _queue(mail_app, "barbara@example.com")
    wait_for(
        lambda: _email(mail_app, first).status is EmailStatus.SENT, timeout=20, what="the first"
    )
    smtp_server.recorder.mail_delay = 30
    smtp_server.recorder.mail_started.clear()  # the first's MAIL set it
    second = _queue(mail_app, "grace@example.com")
    wait_for(smtp_server.recorder.mail_started.is_set, timeout=20, what="the worker's MAIL")

    worker.kill()
    smtp_server.recorder.mail_delay = 0
    replacement = Worker(mail_env, tmp_path / "replacement.log").start()
    try:
        _age(mail_app, "claimed_at", 2.2)  # past EMAIL_CLAIM_TIMEOUT_SECONDS
        with mail_app.app_context():
            assert sweep_outbox()["freed"] == 1  # the second only: the first was recorded
        wait_for(lambda: smtp_server.recorder.to("grace@example.com"), timeout=30, what="it")
        quiet(mail_app, smtp_server)
    finally:
        replacement.stop()

    assert len(smtp_server.recorder.to("barbara@example.com")) == 1
    assert len(smtp_server.recorder.to("grace@example.com")) == 1
    done = _email(mail_app, first)
    assert (done.status, done.attempts, done.uncertain_since) == (EmailStatus.SENT, 1, None)
    # The worker died after staging the send: nobody could know, so staff are told.
    redone = _email(mail_app, second)
    assert (redone.status, redone.attempts) == (EmailStatus.SENT, 2)
    assert redone.uncertain_since is not None


def test_a_thousand_pending_emails_drain_without_error(mail_app, worker, smtp_server):
    with mail_app.app_context():
        ids = [
            services.queue_email(
                actor="test",
                to=f"applicant{n}@example.com",
                template="test_email",
                context={"requested_by": "The test suite"},
                idempotency_key=f"test:drain:{n}",
            ).id
            for n in range(1000)
        ]
        db.session.commit()

    wait_for(
        lambda: len(smtp_server.recorder.messages) >= 1000,
        timeout=240,
        interval=0.5,
        what="1,000 emails",
    )
    quiet(mail_app, smtp_server)

    with mail_app.app_context():
        statuses = dict(
            db.session.execute(
                select(Email.status, func.count()).where(Email.id.in_(ids)).group_by(Email.status)
            ).all()
        )
    assert statuses == {EmailStatus.SENT: 1000}
    assert len({m["To"] for m in smtp_server.recorder.messages}) == 1000


def test_emails_queued_in_one_transaction_are_enqueued_only_when_it_commits(
    mail_app, worker, smtp_server
):
    with mail_app.app_context():
        for name in ("alan", "joan"):
            # Each queue_email uses a savepoint; releasing it must not enqueue anything yet.
            services.queue_email(
                actor="test",
                to=f"{name}@example.com",
                template="test_email",
                context={"requested_by": "The test suite"},
                idempotency_key=f"test:together:{name}",
            )
        # A job enqueued too early would have run by now and found no committed row.
        quiet(mail_app, smtp_server)
        assert smtp_server.recorder.messages == []
        db.session.commit()

    wait_for(lambda: len(smtp_server.recorder.messages) == 2, timeout=20, what="both emails")
    quiet(mail_app, smtp_server)
    assert "'skipped'" not in worker.log.read_text()
    assert sorted(m["To"] for m in smtp_server.recorder.messages) == [
        "alan@example.com",
        "joan@example.com",
    ]


@pytest.mark.worker
def test_after_a_worker_died_notify_is_asked_before_an_email_is_sent_again(
    mail_app, mail_env, notify_server, tmp_path
):
    found_id = _queue(mail_app, "ada@example.com")
    lost_id = _queue(mail_app, "grace@example.com")
    with mail_app.app_context():
        # Workers claimed both and died mid-send; the sweeper freed them, unsure of each.
        for email_id in (found_id, lost_id):
            services.claim_email(email_id=email_id)
        db.session.commit()
        _age(mail_app, "claimed_at", 1)  # claimed a while ago
        assert services.free_abandoned_claims(claim_timeout=0, max_attempts=5) == [
            found_id,
            lost_id,
        ]
        db.session.commit()
    # The first had reached Notify, which keeps our idempotency key as its reference.
    FakeNotify.accepted = [("notify-earlier", "test:ada@example.com")]
    notify = {
        "EMAIL_BACKEND": "notify",
        "NOTIFY_API_KEY": API_KEY,
        "NOTIFY_TEMPLATE_ID": "template-1",
        "NOTIFY_BASE_URL": f"http://127.0.0.1:{notify_server.server_port}",
    }
    replacement = Worker(mail_env | notify, tmp_path / "notify.log").start()
    try:
        with mail_app.app_context():
            enqueue_send(found_id)
            enqueue_send(lost_id)
        wait_for(
            lambda: all(
                _email(mail_app, i).status is EmailStatus.SENT for i in (found_id, lost_id)
            ),
            timeout=30,
            what="both emails to be settled",
        )
        marker = quiet(mail_app)
    finally:
        replacement.stop()

    posted = [r["body"]["reference"] for r in FakeNotify.requests if "body" in r]
    posted.remove(marker)
    assert posted == ["test:grace@example.com"]  # sent once; the other is not sent again
    found, lost = _email(mail_app, found_id), _email(mail_app, lost_id)
    assert (found.provider_reference, found.uncertain_since) == ("notify-earlier", None)
    # Notify had no copy of the other, so the one it has now is the only one.
    assert (lost.provider_reference, lost.uncertain_since) == ("notify-123", None)

"""How fast the outbox drains, beside plain smtplib loops to the same SMTP server.

Three loops, in the same run: a new connection per message (what the outbox did until it kept
its connection), one kept connection, and one kept connection sending the outbox's own message
(multipart text and HTML, with its layout), which is the fastest way to do the outbox's job.

Run: .venv/bin/python bench/email_throughput.py [--emails 1000] [--concurrency 1]
Needs PostgreSQL on localhost and redis-server on the PATH (it starts a private Redis);
creates and drops its own database. Prints a Markdown table for docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import smtplib
import sys
import time
import uuid
from email.message import EmailMessage
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask_migrate import upgrade

from tests import services as test_services
from tests.mail import RedisServer, SmtpServer, Worker, wait_for
from tracker import create_app
from tracker.clock import utcnow
from tracker.extensions import db
from tracker.notifications import services
from tracker.notifications.backends import Outgoing, build_message
from tracker.notifications.rendering import render_email


def _plain_message(n: int) -> EmailMessage:
    message = EmailMessage()
    message["From"] = "jobs@example.gov.uk"
    message["To"] = f"plain{n}@example.com"
    message["Subject"] = "Test"
    message.set_content("Hello")
    return message


def _outbox_message(app, n: int) -> EmailMessage:
    """The message the outbox sends for the benchmark's email, built as the backend builds it."""
    with app.app_context():
        outgoing = Outgoing(
            recipient=f"plain{n}@example.com",
            rendered=render_email("test_email", {"requested_by": "The benchmark"}),
            message_id=f"<plain-{n}@bench>",
            reference=f"plain:{n}",
        )
        return build_message(outgoing, "jobs@example.gov.uk", utcnow())


def per_message_connection(port: int, count: int) -> float:
    """Messages per second: a new connection (EHLO to QUIT) for each message."""
    started = time.perf_counter()
    for n in range(count):
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
            smtp.send_message(_plain_message(n))
    return count / (time.perf_counter() - started)


def kept_connection(port: int, count: int, make=_plain_message) -> float:
    """Messages per second: one connection carries them all."""
    messages = [make(n) for n in range(count)]  # built beforehand: only sending is timed
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
        for message in messages:
            smtp.send_message(message)
    return count / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--emails", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=1)
    args = parser.parse_args()

    name = f"tracker_bench_{uuid.uuid4().hex[:8]}"
    url = test_services.create_database(name)
    smtp, redis = SmtpServer().start(), RedisServer().start()
    env = {
        "TRACKER_ENV": "test",
        "DATABASE_URL": url,
        "REDIS_URL": redis.url,
        "EMAIL_BACKEND": "smtp",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp.port),
    }
    os.environ.update(env)
    log = Path("bench/results")
    log.mkdir(parents=True, exist_ok=True)
    worker = None
    try:
        app = create_app()
        with app.app_context():
            upgrade()
        worker = Worker(
            env,
            log / "worker.log",
            pool="prefork" if args.concurrency > 1 else "solo",
            concurrency=args.concurrency,
        ).start()
        with app.app_context():
            started = time.perf_counter()
            for n in range(args.emails):
                services.queue_email(
                    actor="bench",
                    to=f"applicant{n}@example.com",
                    template="test_email",
                    context={"requested_by": "The benchmark"},
                    idempotency_key=f"bench:{n}",
                )
            db.session.commit()
            queued = time.perf_counter()
        wait_for(
            lambda: len(smtp.recorder.messages) >= args.emails,
            timeout=600,
            interval=0.05,
            what="the outbox to drain",
        )
        drained = time.perf_counter()
        outbox_rate = args.emails / (drained - queued)
        loops = {
            "plain smtplib loop, new connection per message": per_message_connection(
                smtp.port, args.emails
            ),
            "plain smtplib loop, one kept connection": kept_connection(smtp.port, args.emails),
            "plain smtplib loop, one kept connection, the outbox's own message": kept_connection(
                smtp.port, args.emails, lambda n: _outbox_message(app, n)
            ),
        }
        print("| what | emails | seconds | emails/s | the outbox's rate as a share |")
        print("| --- | ---: | ---: | ---: | ---: |")
        print(
            f"| queue {args.emails} rows in one transaction | {args.emails} | "
            f"{queued - started:.2f} | {args.emails / (queued - started):.0f} | |"
        )
        print(
            f"| outbox drain, worker concurrency {args.concurrency} | {args.emails} | "
            f"{drained - queued:.2f} | {outbox_rate:.0f} | |"
        )
        for what, rate in loops.items():
            print(
                f"| {what} | {args.emails} | {args.emails / rate:.2f} | {rate:.0f} | "
                f"{outbox_rate / rate:.0%} |"
            )
        with app.app_context():
            db.engine.dispose()
    finally:
        if worker:
            worker.stop()
        smtp.stop()
        redis.stop()
        test_services.drop_database(name)


if __name__ == "__main__":
    main()

"""How fast the outbox drains, beside a plain smtplib loop to the same SMTP server.

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
from tracker.extensions import db
from tracker.notifications import services


def plain_smtplib(port: int, count: int) -> float:
    """Messages per second: one connection per message, as the outbox does."""
    started = time.perf_counter()
    for n in range(count):
        message = EmailMessage()
        message["From"] = "jobs@example.gov.uk"
        message["To"] = f"plain{n}@example.com"
        message["Subject"] = "Test"
        message.set_content("Hello")
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
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
        plain_rate = plain_smtplib(smtp.port, args.emails)
        print("| what | emails | seconds | emails/s |")
        print("| --- | ---: | ---: | ---: |")
        print(
            f"| queue {args.emails} rows in one transaction | {args.emails} | "
            f"{queued - started:.2f} | {args.emails / (queued - started):.0f} |"
        )
        print(
            f"| outbox drain, worker concurrency {args.concurrency} | {args.emails} | "
            f"{drained - queued:.2f} | {outbox_rate:.0f} |"
        )
        print(
            f"| plain smtplib loop, same server | {args.emails} | "
            f"{args.emails / plain_rate:.2f} | {plain_rate:.0f} |"
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

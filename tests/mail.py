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
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parents[1]


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

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.rcpt_started.set()
        if self.rcpt_delay:
            await asyncio.sleep(self.rcpt_delay)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.data_commands += 1
        if self.refuse_always:
            return "554 5.7.1 Refused by test server"
        if self.refuse_next > 0:
            self.refuse_next -= 1
            return "451 4.3.0 Try again later"
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    async def handle_QUIT(self, server, session, envelope):
        self.quit_started.set()
        if self.quit_delay:
            await asyncio.sleep(self.quit_delay)
        return "221 Bye"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


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
                    "solo",
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

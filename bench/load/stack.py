"""A production-like stack on loopback for one load run, started and removed by the run.

Every part is a real process on a free port, as the Compose stack runs them: gunicorn with
gunicorn.conf.py and production settings, a Celery worker and beat, a Redis server of the
run's own, an SMTP sink (bench/load/smtp_sink.py), and a PostgreSQL database created for the
run and dropped after it. ``Stack`` is a context manager: whatever happens inside (a failure,
Ctrl-C, SIGTERM turned into an exception by the caller) every process is stopped, the database
dropped and the folder removed. Children are also told by the kernel to stop if the run itself
is killed outright (PR_SET_PDEATHSIG), so none outlives it.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from tests import services

ROOT = Path(__file__).resolve().parents[2]
_PR_SET_PDEATHSIG = 1


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _die_with_parent() -> None:
    # Runs in the child between fork and exec: ask for SIGTERM when the load driver dies.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def wait_for(predicate, *, timeout: float, what: str, process=None, log: Path | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        if process is not None and process.poll() is not None:
            tail = log.read_text(errors="replace")[-3000:] if log else ""
            raise RuntimeError(f"{what}: the process exited ({process.returncode}).\n{tail}")
        time.sleep(0.2)
    raise RuntimeError(f"timed out after {timeout:.0f} s waiting for {what}")


def _answers_http(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


@dataclass
class Stack:
    """The processes of one run. ``base_url`` is gunicorn's; ``mail_folder`` the sink's."""

    folder: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="tracker-load-")))
    database: str = field(default_factory=lambda: f"tracker_load_{uuid.uuid4().hex[:8]}")
    web_port: int = field(default_factory=free_port)
    redis_port: int = field(default_factory=free_port)
    smtp_port: int = field(default_factory=free_port)
    processes: list[tuple[str, subprocess.Popen]] = field(default_factory=list)
    database_created: bool = False
    # Leave the folder (the processes' logs and the mail) for a look afterwards.
    keep_folder: bool = False

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    @property
    def mail_folder(self) -> Path:
        return self.folder / "mail"

    @property
    def database_url(self) -> str:
        return services.database_url(self.database)

    def env(self) -> dict[str, str]:
        """Production settings, as the Compose stack gives them, pointed at this run's parts.

        PROXY_FIX_HOPS=1: the load driver stands where a TLS proxy would and says, in
        X-Forwarded-For, which (simulated) person each request is from, so that per-address
        rate limits count each applicant, as they do behind a real proxy.
        Gunicorn's own settings (WEB_CONCURRENCY, GUNICORN_THREADS) pass through from the
        caller's environment, so that `make load` can compare them.
        """
        return {
            **os.environ,
            "TRACKER_ENV": "production",
            "SECRET_KEY": secrets.token_urlsafe(48),
            "DATABASE_URL": self.database_url,
            "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "PUBLIC_BASE_URL": self.base_url,
            "PROXY_FIX_HOPS": "1",
            "EMAIL_BACKEND": "smtp",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": str(self.smtp_port),
            "MAIL_FROM": "Apprenticeships <apprenticeships@example.gov.uk>",
            "UPLOAD_FOLDER": str(self.folder / "uploads"),
            "GUNICORN_BIND": f"127.0.0.1:{self.web_port}",
            "GUNICORN_LOG_LEVEL": "warning",
            "PYTHONPATH": str(ROOT),
        }

    def _spawn(self, name: str, command: list[str], env: dict[str, str]) -> subprocess.Popen:
        log = self.folder / f"{name}.log"
        with log.open("ab") as out:
            process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # Ctrl-C reaches the driver only; it stops these
                preexec_fn=_die_with_parent,
            )
        self.processes.append((name, process))
        return process

    def _run(self, name: str, command: list[str], env: dict[str, str]) -> None:
        process = self._spawn(name, command, env)
        if process.wait(timeout=300) != 0:
            log = (self.folder / f"{name}.log").read_text(errors="replace")
            raise RuntimeError(f"{' '.join(command)} failed:\n{log[-3000:]}")

    def start(self) -> Stack:
        self.mail_folder.mkdir(parents=True)
        python = sys.executable
        services.create_database(self.database)
        self.database_created = True
        env = self.env()
        self._spawn(
            "redis",
            [
                *("redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no"),
            ],
            env,
        )
        self._spawn(
            "smtp",
            [python, "-m", "bench.load.smtp_sink", str(self.smtp_port), str(self.mail_folder)],
            env,
        )
        for name, port in (("redis", self.redis_port), ("smtp", self.smtp_port)):
            wait_for(lambda port=port: _accepts(port), timeout=30, what=f"{name} to listen")
        self._run("migrate", [python, "-m", "flask", "--app", "wsgi", "db", "upgrade"], env)
        self._run("catalogue", [python, "-m", "flask", "--app", "wsgi", "catalogue", "load"], env)
        celery = [python, "-m", "celery", "-A", "wsgi:celery"]
        worker = self._spawn("worker", [*celery, "worker", "--loglevel", "INFO"], env)
        schedule = str(self.folder / "celerybeat-schedule")
        self._spawn("beat", [*celery, "beat", "--loglevel", "INFO", "--schedule", schedule], env)
        web = self._spawn(
            "web", [python, "-m", "gunicorn", "--config", "gunicorn.conf.py", "wsgi:app"], env
        )
        wait_for(
            lambda: _answers_http(self.base_url + "/"),
            timeout=90,
            what="gunicorn to answer",
            process=web,
            log=self.folder / "web.log",
        )
        worker_log = self.folder / "worker.log"
        wait_for(
            lambda: "ready." in worker_log.read_text(errors="replace"),
            timeout=90,
            what="the Celery worker to be ready",
            process=worker,
            log=worker_log,
        )
        return self

    def stop(self) -> None:
        """Stop every process (politely, then not), drop the database, remove the folder."""
        for _, process in reversed(self.processes):
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(process.pid, signal.SIGTERM)
        for _, process in reversed(self.processes):
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=30)
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=5)
        self.processes.clear()
        if self.database_created:
            services.drop_database(self.database)
            self.database_created = False
        if not self.keep_folder:
            shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> Stack:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc_info) -> None:
        self.stop()

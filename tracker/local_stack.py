"""`make run`'s supervisor: the embedded broker, a Celery worker with beat, and the web app.

A worker that dies takes every email with it while the web app keeps accepting work, so
nobody would notice. This keeps the three processes together: a broker or worker that stops
is restarted (loudly), and one that keeps dying stops the whole thing (more loudly) rather
than leave a web app that queues emails nothing will send.

Run: python -m tracker.local_stack HOST PORT (scripts/run-local.sh does).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tracker.config import PROJECT_ROOT, load_settings
from tracker.local_broker import LocalBroker, LocalBrokerError

# A process restarted this often within the window is crashing in a loop: stop instead.
MAX_RESTARTS = 5
RESTART_WINDOW_SECONDS = 600


def worker_command(schedule: Path) -> list[str]:
    """The worker `make run` starts: one process that also runs beat (the outbox sweeper)."""
    return [
        *(sys.executable, "-m", "celery", "-A", "wsgi:celery", "worker", "--beat"),
        *("--loglevel", "INFO", "--schedule", str(schedule)),
    ]


def web_command(host: str, port: str) -> list[str]:
    return [sys.executable, "-m", "flask", "--app", "wsgi", "run", "--host", host, "--port", port]


def spawn(command: list[str], **popen_options) -> subprocess.Popen:
    # A process group of its own: the supervisor alone decides when children stop (Ctrl+C
    # reaches only it), and a dead worker's orphaned pool processes can be cleared up.
    return subprocess.Popen(  # noqa: S603 - commands built above, never from input
        command, start_new_session=True, **popen_options
    )


def clear_group(process: subprocess.Popen) -> None:
    """Kill whatever is left of a stopped child's process group (a SIGKILLed worker's pool)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


def shout(*lines: str) -> None:
    """A message nobody scrolling a busy terminal can miss."""
    rule = "!" * 78
    print("\n".join(["", rule, *(f"!! {line}" for line in lines), rule, ""]), file=sys.stderr)


@dataclass
class Child:
    """A process the supervisor keeps alive (restartable) or stops everything with (not)."""

    name: str
    start: Callable[[], subprocess.Popen]
    restartable: bool = True
    log: str = "above"  # where its output goes, for the message when it dies
    process: subprocess.Popen | None = None
    restarts: deque[float] = field(default_factory=deque)

    def exit_code(self) -> int | None:
        return self.process.poll() if self.process else None


class Supervisor:
    def __init__(
        self,
        children: list[Child],
        *,
        max_restarts: int = MAX_RESTARTS,
        window: float = RESTART_WINDOW_SECONDS,
        poll_interval: float = 0.5,
    ):
        self.children = children
        self.max_restarts = max_restarts
        self.window = window
        self.poll_interval = poll_interval
        self.stopping = False

    def run(self) -> int:
        """Start every child and watch them; the exit status for the whole stack."""
        # Signal handlers can only be set from the main thread (tests watch from another).
        # SIGHUP too: children in their own sessions miss a closed terminal's hangup.
        handled = (
            (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
            if threading.current_thread() is threading.main_thread()
            else ()
        )
        previous = {sig: signal.signal(sig, self._stop_requested) for sig in handled}
        try:
            for child in self.children:
                child.process = child.start()
            while not self.stopping:
                status = self._check()
                if status is not None:
                    return status
                time.sleep(self.poll_interval)
            return 0
        finally:
            self.stop()
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _check(self) -> int | None:
        for child in self.children:
            code = child.exit_code()
            if code is None or self.stopping:
                continue
            clear_group(child.process)
            if not child.restartable:
                print(f"The {child.name} stopped (exit code {code}); stopping.", file=sys.stderr)
                return code or 1
            now = time.monotonic()
            while child.restarts and now - child.restarts[0] > self.window:
                child.restarts.popleft()
            if len(child.restarts) >= self.max_restarts:
                shout(
                    f"The {child.name} died {len(child.restarts) + 1} times in "
                    f"{self.window / 60:.0f} minutes (last exit code {code}).",
                    "Stopping everything: a web app without it would queue emails that",
                    f"nobody sends. Its log is {child.log}; fix the cause, then `make run` again.",
                )
                return 1
            child.restarts.append(now)
            shout(
                f"The {child.name} stopped unexpectedly (exit code {code}).",
                f"Restarting it ({len(child.restarts)} of {self.max_restarts} restarts allowed "
                f"in {self.window / 60:.0f} minutes). Emails queued meanwhile are kept.",
            )
            child.process = child.start()
        return None

    def _stop_requested(self, signum, frame) -> None:
        self.stopping = True

    def stop(self) -> None:
        """Stop children in reverse order (web, worker, broker), so no job is left mid-way."""
        self.stopping = True
        for child in reversed(self.children):
            process = child.process
            if process and process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=10)
            if process:
                clear_group(process)


def local_stack(host: str, port: str) -> Supervisor:
    """The children `make run` supervises, from the same settings the app reads."""
    instance = PROJECT_ROOT / "instance"
    settings = load_settings(instance_path=instance)
    children = []
    if not settings["REDIS_URL"]:
        broker = LocalBroker(Path(settings["LOCAL_BROKER_SOCKET"]))

        def start_broker() -> subprocess.Popen:
            return broker.start().process

        children.append(Child("embedded broker", start_broker, log=str(broker.log)))
    children.append(
        Child("Celery worker", lambda: spawn(worker_command(instance / "celerybeat-schedule")))
    )
    children.append(Child("web app", lambda: spawn(web_command(host, port)), restartable=False))
    return Supervisor(children)


def main(argv: list[str]) -> int:
    host, port = argv
    try:
        return local_stack(host, port).run()
    except LocalBrokerError as exc:
        shout(str(exc))
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

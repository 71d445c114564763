"""`make load` end to end, tiny: its stack starts, people apply and are confirmed, and the
stack is removed afterwards, whether the run ends by itself or is stopped with Ctrl-C.

The figures come from `make load` itself (docs/performance.md); this only keeps the harness
working: a few people, pausing a twentieth of a second, for a few seconds.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from tests import services
from tests.mail import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.worker]

STACK_UP = re.compile(r"stack up at http://127\.0\.0\.1:(\d+), database (\w+), folder (\S+)")


def _load(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "bench.load", *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _database_exists(name: str) -> bool:
    with psycopg.connect(services.POSTGRES_ADMIN_URL) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
    return found is not None


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", int(port)), timeout=1):
            return True
    except OSError:
        return False


def _assert_removed(port: str, database: str, folder: str) -> None:
    assert not _database_exists(database)
    assert not Path(folder).exists()
    assert not _answers(int(port)), "gunicorn is still listening"


def test_a_tiny_load_applies_confirms_each_submission_once_and_cleans_up():
    run = _load(
        *("--users", "3", "--seconds", "4", "--ramp-seconds", "1"),
        *("--pause", "0.05", "0.1", "--browse-share", "0"),
    )
    output, _ = run.communicate(timeout=280)
    assert run.returncode == 0, output
    stack = STACK_UP.search(output)
    assert stack, output
    assert "errors 0" in output
    for step in ("GET home", "POST sign-in: send link", "POST section: save", "POST submit"):
        assert f"| {step} |" in output, output
    confirmed = re.search(
        r"submissions (\d+)  confirmation emails for them (\d+)  missing 0  doubled 0  "
        r"for no submission 0",
        output,
    )
    assert confirmed, output
    assert int(confirmed[1]) >= 3 and confirmed[1] == confirmed[2], output
    _assert_removed(*stack.groups())


def test_ctrl_c_removes_the_whole_stack():
    run = _load("--users", "2", "--seconds", "60", "--pause", "0.05", "0.1")
    lines = []
    for line in run.stdout:
        lines.append(line)
        if STACK_UP.search(line):
            break
    stack = STACK_UP.search("".join(lines))
    assert stack, "".join(lines)
    time.sleep(2)  # people are applying now
    run.send_signal(signal.SIGINT)
    output, _ = run.communicate(timeout=120)
    assert run.returncode == 130, "".join(lines) + output
    _assert_removed(*stack.groups())

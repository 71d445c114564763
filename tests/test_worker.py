"""A real Celery worker starts from the app's own settings, on Redis and on the embedded broker."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests import services

ROOT = Path(__file__).resolve().parents[1]


def _start_worker(env: dict, name: str, log: Path) -> subprocess.Popen:
    with log.open("w") as out:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
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
                "-n",
                name,
                "--loglevel",
                "INFO",
            ],
            cwd=ROOT,
            env={**os.environ, "TRACKER_ENV": "development", **env},
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def _wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.25)
    pytest.fail(f"timed out waiting for {what}")


@pytest.fixture
def worker_log(tmp_path):
    return tmp_path / "worker.log"


def test_a_worker_on_redis_answers_a_ping(app, database_name, worker_log):
    name = f"test-{uuid.uuid4().hex[:8]}@localhost"
    worker = _start_worker(
        {
            "REDIS_URL": services.TEST_REDIS_URL,
            "DATABASE_URL": services.database_url(database_name),
        },
        name,
        worker_log,
    )
    try:
        celery = app.extensions["celery"]

        def answers() -> bool:
            return bool(celery.control.inspect(destination=[name], timeout=1).ping())

        _wait_for(answers, 60, f"worker ping; log:\n{worker_log.read_text()}")
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def test_a_worker_on_the_embedded_broker_starts_without_redis(tmp_path, worker_log):
    # The zero-setup path `make run` uses: SQLite and the file-based broker in instance/.
    worker = _start_worker(
        {"DATABASE_URL": f"sqlite:///{tmp_path / 'local.sqlite3'}", "REDIS_URL": ""},
        f"local-{uuid.uuid4().hex[:8]}@localhost",
        worker_log,
    )
    try:
        _wait_for(lambda: "ready." in worker_log.read_text(), 60, "the worker to be ready")
        assert "filesystem://" in worker_log.read_text()
        assert worker.poll() is None
    finally:
        worker.terminate()
        worker.wait(timeout=30)

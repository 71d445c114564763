"""Email tests run against committed data: a real worker cannot see a rolled-back transaction."""

from __future__ import annotations

import threading
import uuid
from http.server import ThreadingHTTPServer

import pytest
from flask_migrate import upgrade
from sqlalchemy import text

from tests import services
from tests.mail import RedisServer, SmtpServer, Worker
from tests.notifications.fake_notify import FakeNotify
from tracker import create_app
from tracker.extensions import db

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


@pytest.fixture(scope="session")
def outbox_database_url():
    name = f"tracker_outbox_{uuid.uuid4().hex[:8]}"
    url = services.create_database(name)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        db.engine.dispose()
    yield url
    services.drop_database(name)


@pytest.fixture
def smtp_server():
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def redis_server():
    server = RedisServer().start()
    yield server
    server.stop()


@pytest.fixture
def mail_env(monkeypatch, outbox_database_url, smtp_server, redis_server):
    """The environment shared by the test's app and its worker."""
    env = FAST_OUTBOX | {
        "TRACKER_ENV": "test",
        "DATABASE_URL": outbox_database_url,
        "REDIS_URL": redis_server.url,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp_server.port),
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env


@pytest.fixture
def mail_app(mail_env):
    app = create_app()
    yield app
    with app.app_context():
        db.session.remove()
        db.session.execute(text("TRUNCATE email RESTART IDENTITY CASCADE"))
        db.session.commit()
        db.engine.dispose()


@pytest.fixture
def worker(mail_env, mail_app, tmp_path):
    process = Worker(mail_env, tmp_path / "worker.log").start()
    yield process
    process.stop()


@pytest.fixture
def notify_server():
    FakeNotify.requests, FakeNotify.status, FakeNotify.accepted = [], 201, []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeNotify)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()

"""Email tests run against committed data: a real worker cannot see a rolled-back transaction."""

from __future__ import annotations

import threading
import uuid
from http.server import ThreadingHTTPServer

import pytest
from flask_migrate import upgrade
from sqlalchemy import text

from tests import services
from tests.mail import FAST_OUTBOX, RedisServer, SharedWorker, SmtpServer
from tests.notifications.fake_notify import FakeNotify
from tracker import create_app
from tracker.extensions import db


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


def _shares_the_worker(request) -> bool:
    return "worker" in request.fixturenames


@pytest.fixture
def smtp_server(request):
    """The session's server (emptied) for a test with the session's worker, else its own."""
    if _shares_the_worker(request):
        server = request.getfixturevalue("session_stack").smtp
        server.recorder.reset()
        yield server
        return
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def redis_server(request):
    """The session's Redis for a test with the session's worker, else its own: a test that
    starts workers of its own must not have the session's take its jobs."""
    if _shares_the_worker(request):
        yield request.getfixturevalue("session_stack").redis
        return
    server = RedisServer().start()
    yield server
    server.stop()


@pytest.fixture
def mail_env(request, monkeypatch, outbox_database_url, smtp_server, redis_server):
    """The environment shared by the test's app and its worker (the session's worker's)."""
    if _shares_the_worker(request):
        env = request.getfixturevalue("session_stack").env
    else:
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
def worker(session_stack, mail_env, mail_app):
    """The session's Celery worker (started the first time it is asked for)."""
    yield SharedWorker(session_stack.running_worker())
    session_stack.drain(mail_app)


@pytest.fixture
def notify_server():
    FakeNotify.requests, FakeNotify.status, FakeNotify.accepted = [], 201, []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeNotify)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()

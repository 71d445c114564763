"""Test harness: one PostgreSQL database per run, migrated once; each test rolled back."""

from __future__ import annotations

import os
import uuid
from contextlib import contextmanager, suppress
from datetime import date, datetime, timedelta

import pytest
import redis
from flask import g, request_started
from flask_migrate import upgrade

from tests import services
from tests.factories import PASSWORD, ApplicationFactory, RoleFactory, UserFactory
from tracker import clock, create_app
from tracker.applications.states import Status
from tracker.extensions import db

# Tests using these see committed data (a live server, a real worker), so no rollback.
COMMITTED_DATA_FIXTURES = {"live_server", "mail_app"}

# The suite always runs as the test environment, whatever the developer's shell says.
os.environ["TRACKER_ENV"] = "test"


# Tests using these fixtures run a real Celery worker (a whole stack, for `stack`): marked
# `worker`, so that `make test-fast` can leave them out. Tests that start their own worker
# carry the mark by hand.
WORKER_FIXTURES = {"worker", "stack"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if WORKER_FIXTURES & set(item.fixturenames):
            item.add_marker(pytest.mark.worker)


def pytest_sessionstart(session: pytest.Session) -> None:
    missing = services.missing_services()
    if missing:
        lines = "\n  - ".join(missing)
        pytest.exit(f"The tests need services that are not reachable:\n  - {lines}", returncode=3)
    if _clears_redis(session.config):
        services.flush_test_redis()


def pytest_sessionfinish(session: pytest.Session) -> None:
    if _clears_redis(session.config):
        with suppress(redis.RedisError):  # unreachable: the run stopped at its start
            services.flush_test_redis()


def _runs_the_session(config: pytest.Config) -> bool:
    """False in a pytest-xdist worker: the controller clears Redis for all of them at once."""
    return not hasattr(config, "workerinput")


def _clears_redis(config: pytest.Config) -> bool:
    """Rolled-back tests still 'commit' their savepoints, so send jobs reach the test Redis
    database with no worker to take them; it is cleared before and after the run."""
    return _runs_the_session(config) and not config.option.collectonly


def _limits_prefix() -> str:
    """Rate limits are counted in Redis: each pytest-xdist worker counts under its own name."""
    return f"tracker-limits-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"


@pytest.fixture(scope="session")
def session_stack(tmp_path_factory):
    """SMTP, Redis and a Celery worker (started when first asked for) on a committed database
    of their own, kept for the run: see the ``worker`` fixture in tests/notifications."""
    from tests.mail import SessionStack

    name = f"tracker_worker_{uuid.uuid4().hex[:8]}"
    url = services.create_database(name)
    made = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with made.app_context():
        upgrade()
        db.engine.dispose()
    stack = SessionStack(url, tmp_path_factory.mktemp("worker_stack"))
    yield stack
    stack.stop()
    services.drop_database(name)


def isolate_request_globals(app) -> None:
    """Give each test-client request a fresh ``g``, as every real request has.

    Tests keep an app context open (for the rolled-back session), and Flask reuses an open
    app context for requests, so ``g`` would otherwise carry the signed-in user and the CSRF
    token from one request to the next.
    """

    def fresh(sender, **extra):
        vars(g._get_current_object()).clear()

    request_started.connect(fresh, app, weak=False)


@pytest.fixture(scope="session")
def database_name() -> str:
    return f"tracker_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="session")
def app(database_name, tmp_path_factory):
    url = services.create_database(database_name)
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "REDIS_URL": services.TEST_REDIS_URL,
            "SERVER_NAME": "tracker.test",
            "WTF_CSRF_ENABLED": True,
            # Hundreds of tests sign in from 127.0.0.1; the per-account limit is tested as is.
            "SIGN_IN_LIMIT_PER_IP": "10000 per 15 minutes",
            # Many tests ask for links for the same address; the limit is tested on its own.
            "APPLICANT_LINK_LIMIT_PER_EMAIL": "10000 per hour",
            "APPLICANT_LINK_LIMIT_PER_IP": "10000 per hour",
            "RATELIMIT_KEY_PREFIX": _limits_prefix(),
            # Tests change the catalogue in rolled-back transactions that no catalogue load
            # announces: pages come from the cache only in tests/public/test_page_cache.py.
            "PUBLIC_PAGE_CACHE": False,
        }
    )
    isolate_request_globals(app)
    with app.app_context():
        # The schema comes only from the migrations, as in production.
        upgrade()
        db.session.remove()
        db.engine.dispose()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    services.drop_database(database_name)


@contextmanager
def rolled_back(app):
    """Run the block inside a transaction that is rolled back, even when the code commits."""
    with app.app_context():
        engines = db.engines
        connection = engines[None].connect()
        transaction = connection.begin()
        saved = dict(engines)
        engines[None] = connection  # every session in the block runs on this connection
        db.session.remove()
        db.session.configure(join_transaction_mode="create_savepoint")
        try:
            yield
        finally:
            db.session.remove()
            transaction.rollback()
            connection.close()
            engines.update(saved)


@pytest.fixture(autouse=True)
def _rollback(request, app):
    if COMMITTED_DATA_FIXTURES & set(request.fixturenames):
        yield  # the test works on a committed database of its own
        return
    with rolled_back(app):
        yield


@pytest.fixture(autouse=True)
def _no_kept_smtp_connection():
    """Emails sent in this process keep their SMTP connection open for the next, as a worker's
    do (tracker/notifications/backends.py): each test starts without one."""
    yield
    from tracker.notifications.backends import close_kept_connection

    close_kept_connection()


@pytest.fixture
def make_app(database_name):
    """Build another app on the test database (say, with other settings); disposed after."""
    made = []

    def make(**overrides):
        other = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": services.database_url(database_name),
                "TESTING": True,
                "RATELIMIT_KEY_PREFIX": _limits_prefix(),
                "PUBLIC_PAGE_CACHE": False,
            }
            | overrides
        )
        made.append(other)
        isolate_request_globals(other)
        return other

    yield make
    for other in made:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def today() -> date:
    from tracker import clock

    return clock.today()


@pytest.fixture
def default_catalogue(app, today):
    """The shipped 18-opening catalogue, loaded as of today."""
    from tracker.catalogue.schema import parse_catalogue
    from tracker.catalogue.services import load_catalogue

    path = app.config["CATALOGUE_FILE"]
    with open(path, encoding="utf-8") as handle:
        document = parse_catalogue(handle.read(), source=path, today=today)
    load_catalogue(document=document)
    db.session.flush()
    return document


class AppClock:
    """The app's clock as the test moves it: the real time plus ``offset``."""

    def __init__(self):
        self.offset = timedelta()

    def advance(self, **delta: float) -> None:
        """Let time pass for the app, at once: ``advance(seconds=2)``, ``advance(days=3)``."""
        self.offset += timedelta(**delta)


@pytest.fixture
def app_clock(monkeypatch) -> AppClock:
    """Move tracker.clock on instead of sleeping. Every clock.utcnow() and clock.today() in
    this process (the app, a live server's thread, services a test calls) reads the moved
    time; a process of its own (a Celery worker) and the database's now() keep the real one."""
    moved = AppClock()

    class MovedDatetime(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime.now(tz) + moved.offset

    monkeypatch.setattr(clock, "datetime", MovedDatetime)
    return moved


# The people and candidates most tests need. A package's conftest overrides one where its
# tests need something else (a role with another title, candidates in the sift by default).


@pytest.fixture
def hr():
    """HR (the admin role), not signed in."""
    return UserFactory(hr=True, name="Helen Recruiter")


@pytest.fixture
def role():
    """An open role with two essential criteria."""
    return RoleFactory(criteria=["You enjoy solving problems", "You work well with others"])


@pytest.fixture
def manager(role):
    """A hiring manager who looks after the role's track."""
    return UserFactory(hiring_manager=True, tracks=[role.track])


@pytest.fixture
def candidate(role):
    """candidate(status=Status.SUBMITTED, *, days_in_stage=0, **values): a submitted
    application for ``role`` (unless told), moved along the real pipeline to ``status``;
    ``days_in_stage`` dates its last move that many days ago."""

    def make(status: Status = Status.SUBMITTED, *, days_in_stage: float = 0, **values):
        if values.get("role") is None:
            values["role"] = role
        if days_in_stage:
            values["status_changed_at"] = clock.utcnow() - timedelta(days=days_in_stage)
        return ApplicationFactory(submitted=True, stage=status, **values)

    return make


@pytest.fixture
def sign_in(client):
    """Sign a user in, with a security code for an administrator: through the real services,
    without the form's requests (``sign_in_through_the_form`` for tests of sign-in itself)."""
    from tests.helpers import start_session_for

    return lambda user: start_session_for(client, user)


@pytest.fixture
def sign_in_through_the_form(client):
    """Sign a user in through the real form (and security code, for admins); the response."""
    from tests.helpers import sign_in_as

    return lambda user, password=PASSWORD: sign_in_as(client, user, password)


@pytest.fixture
def form_token(client):
    """The CSRF token a page's form carries, as a browser would post it."""
    from tests.helpers import csrf_token

    return lambda path: csrf_token(client, path)


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole run: Playwright's sync API refuses a second one
    while the first is open, so every module that drives a browser shares this."""
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: apt-get install -y chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()

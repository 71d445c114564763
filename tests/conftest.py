"""Test harness: one PostgreSQL database per run, migrated once; each test rolled back."""

from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from datetime import date

import pytest
from flask import g, request_started
from flask_migrate import upgrade

from tests import services
from tests.factories import PASSWORD
from tracker import create_app
from tracker.extensions import db

# Tests using these see committed data (a live server, a real worker), so no rollback.
COMMITTED_DATA_FIXTURES = {"live_server", "mail_app"}

# The suite always runs as the test environment, whatever the developer's shell says.
os.environ["TRACKER_ENV"] = "test"


def pytest_sessionstart(session: pytest.Session) -> None:
    missing = services.missing_services()
    if missing:
        lines = "\n  - ".join(missing)
        pytest.exit(f"The tests need services that are not reachable:\n  - {lines}", returncode=3)


@pytest.fixture(scope="session", autouse=True)
def _empty_test_broker():
    """Rolled-back tests still 'commit' their savepoints, so send jobs reach the test Redis
    database with no worker to take them; clear it before and after the run."""
    services.flush_test_redis()
    yield
    services.flush_test_redis()


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


@pytest.fixture
def make_app(database_name):
    """Build another app on the test database (say, with other settings); disposed after."""
    made = []

    def make(**overrides):
        other = create_app(
            {"SQLALCHEMY_DATABASE_URI": services.database_url(database_name), "TESTING": True}
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


@pytest.fixture
def sign_in(client):
    """Sign a user in through the real form (and security code, for admins)."""
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

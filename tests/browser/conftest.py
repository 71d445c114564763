"""A live server on its own committed database, and headless Chromium to drive it."""

from __future__ import annotations

import os
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import pyotp
import pytest
from flask_migrate import upgrade
from itsdangerous.timed import TimestampSigner
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect
from werkzeug.serving import make_server

from tests import services
from tests.factories import PASSWORD
from tracker import clock, create_app
from tracker.catalogue.schema import parse_catalogue
from tracker.catalogue.services import load_catalogue
from tracker.extensions import db

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# As root and with no network, Chromium needs these to start quietly.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


@contextmanager
def running_app():
    """The app on a new committed database with the default catalogue; dropped at the end."""
    name = f"tracker_browser_{uuid.uuid4().hex[:8]}"
    url = services.create_database(name)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": False})
    with app.app_context():
        upgrade()
        path = app.config["CATALOGUE_FILE"]
        document = parse_catalogue(Path(path).read_text(), source=path, today=clock.today())
        load_catalogue(document=document)
        db.session.commit()
    try:
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        services.drop_database(name)


@contextmanager
def serving(app):
    """The app served on a free port: yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def live_app():
    """Shared by the browser modules; a module that counts whole roles makes its own (see
    test_workspace.py), as other modules' candidates would change its counts."""
    with running_app() as app:
        yield app


@pytest.fixture(scope="session")
def live_server(live_app):
    with serving(live_app) as url:
        yield url


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def page_without_javascript(browser, live_server):
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    page = context.new_page()
    yield page
    context.close()


class MovedClocks:
    """The browser's clock and the server's, moved on together, so that a test lets time pass
    instead of sleeping through it.

    Both start from the same instant and go on in real time as well: the browser's is
    Playwright's fake clock (``Date.now()``, ``setTimeout``, ``setInterval``, in every tab of
    the context), the server's is tracker.clock moved by ``app_clock`` (the live server is a
    thread of this process), and the timestamps itsdangerous signs and checks (Flask-WTF's
    form tokens, the session cookie) read tracker.clock too.
    """

    # How long a page is given, in real time, to show something before time moves on again.
    SETTLE_MS = 100

    def __init__(self, context, app_clock):
        self._context = context
        self._app_clock = app_clock
        context.clock.install(time=clock.utcnow())

    def now(self) -> float:
        """The time both clocks read, in seconds (since the epoch)."""
        return clock.utcnow().timestamp()

    def advance(self, *, seconds: float) -> None:
        """Time passes: ``seconds`` more at once, for the server first and then the browser,
        whose timers then fire, so that what a page asks the server finds it moved already."""
        self._app_clock.advance(seconds=seconds)
        self._context.clock.fast_forward(round(seconds * 1000))

    def wait_for(self, locator, *, within: float) -> float:
        """Let time pass a second at a time, as someone waiting would, until ``locator``
        shows or ``within`` seconds have passed; then expect it to show. Returns the seconds
        it took (in moved time)."""
        started = self.now()
        while not self._shows(locator) and self.now() - started < within:
            self.advance(seconds=1)
        expect(locator).to_be_visible()
        return self.now() - started

    def _shows(self, locator) -> bool:
        try:
            locator.wait_for(state="visible", timeout=self.SETTLE_MS)
        except PlaywrightTimeoutError:
            return False
        return True


@pytest.fixture
def clocks(page, app_clock, monkeypatch) -> MovedClocks:
    """Time passing for ``page`` (and any tab opened beside it) and for the live server, on
    demand: install before the page loads, so use it before signing in or going anywhere."""
    # Flask-WTF's form tokens (WTF_CSRF_TIME_LIMIT) are dated and checked by itsdangerous,
    # with time.time(): get_timestamp is its own hook for another clock.
    monkeypatch.setattr(
        TimestampSigner, "get_timestamp", lambda signer: int(clock.utcnow().timestamp())
    )
    return MovedClocks(page.context, app_clock)


def sign_in_staff(
    page, email: str, totp_secret: str | None = None, *, home: str = "What needs doing"
) -> None:
    """Sign a member of staff in through the form (with a security code when they have one)
    and wait for their landing page, whose heading is ``home`` (HR's and managers' home;
    partners land on "Candidates shared with you", mentors on "Your mentees")."""
    page.goto("/staff/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    if totp_secret:
        page.get_by_label("Security code").fill(_unused_code(totp_secret))
        page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1, name=home)).to_be_visible()


# The last time step whose code each secret signed in with. The service refuses a code used
# already, so a second sign-in by the same person within one 30-second step (two tests sharing
# a module's HR user, say) gives the next step's code, which the service accepts for clock
# drift; only a third in the same step waits for the next step.
_USED_STEPS: dict[str, int] = {}


def _unused_code(secret: str) -> str:
    totp = pyotp.TOTP(secret)
    now = int(time.time()) // totp.interval
    step = max(now, _USED_STEPS.get(secret, -1) + 1)
    if step > now + 1:
        time.sleep((now + 1) * totp.interval - time.time() + 0.2)
        step = _USED_STEPS[secret] + 1
    _USED_STEPS[secret] = step
    return totp.at(step * totp.interval)


def serious_axe_violations(page) -> list[str]:
    """Run axe-core on the page; describe each serious or critical violation."""
    # Evaluated by the browser's debugging protocol, which the page's CSP does not govern, so
    # the pages are tested with their real CSP in force.
    page.evaluate(AXE.read_text())
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(node["target"][0] for node in v["nodes"][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]

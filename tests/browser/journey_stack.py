"""A whole running stack for an end-to-end browser journey (its own committed database,
a private Redis, the app served by werkzeug on the address it puts in the links it emails,
and a real Celery worker delivering the outbox to an SMTP server on loopback), and the
helpers both journeys use to read what arrived and to collect axe-core findings."""

from __future__ import annotations

import os
import socket
import threading
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from flask_migrate import upgrade
from werkzeug.serving import make_server

from tests import services
from tests.browser.conftest import serious_axe_violations
from tests.mail import RedisServer, Worker, wait_for
from tests.notifications.conftest import FAST_OUTBOX
from tracker import clock, create_app
from tracker.catalogue.schema import parse_catalogue
from tracker.catalogue.services import load_catalogue
from tracker.config import load_settings
from tracker.extensions import db


@dataclass
class Stack:
    base_url: str
    app: Flask
    worker_log: Path

    def worker_problems(self) -> str:
        """The worker's errors and warnings, to say why an email did not arrive."""
        lines = self.worker_log.read_text().splitlines()
        return "\n".join(line for line in lines if "ERROR" in line or "WARNING" in line)

    def sweep_outbox(self) -> None:
        """Ask the worker to run the outbox sweeper now, as celery beat would."""
        self.app.extensions["celery"].send_task("tracker.notifications.tasks.sweep_outbox")


@contextmanager
def running_stack(smtp_server, tmp: Path, label: str):
    """A committed database, Redis, app server and Celery worker of the test module's own."""
    name = f"tracker_{label}_{uuid.uuid4().hex[:8]}"
    database_url = services.create_database(name)
    redis_server = RedisServer().start()
    # Bound before the app is built, so that the links it emails name this very server.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    base_url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    env = FAST_OUTBOX | {
        "TRACKER_ENV": "test",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_server.url,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp_server.port),
        "PUBLIC_BASE_URL": base_url,
        "UPLOAD_FOLDER": str(tmp / "uploads"),
    }
    app = create_app(
        load_settings({**os.environ, **env}, instance_path=tmp / "instance") | {"TESTING": False}
    )
    with app.app_context():
        upgrade()
        path = app.config["CATALOGUE_FILE"]
        document = parse_catalogue(Path(path).read_text(), source=path, today=clock.today())
        load_catalogue(document=document)
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True, fd=listener.fileno())
    listener.close()  # the server holds its own duplicate of the socket
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    worker = Worker(env, tmp / "worker.log").start()
    try:
        yield Stack(base_url=base_url, app=app, worker_log=tmp / "worker.log")
    finally:
        worker.stop()
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        services.drop_database(name)
        redis_server.stop()


class AxeLog:
    """Runs axe-core on each page of a journey; the test fails once, listing them all."""

    def __init__(self):
        self.found: dict[str, list[str]] = {}
        self.checked: list[str] = []

    def check(self, page, what: str) -> None:
        self.checked.append(what)
        violations = serious_axe_violations(page)
        if violations:
            self.found[f"{what} ({page.url})"] = violations

    def report(self) -> str:
        return "\n".join(
            f"- {page}:\n    " + "\n    ".join(violations)
            for page, violations in self.found.items()
        )


def emails_to(smtp_server, address: str, subject: str) -> list:
    """Messages to this address whose subject contains ``subject``. Python's email package
    may fold a long Subject, so the unfolded value is compared."""
    return [
        m for m in smtp_server.recorder.to(address) if subject in " ".join(m["Subject"].split())
    ]


def wait_for_email(stack: Stack, smtp_server, address: str, subject: str, what: str) -> list:
    try:
        return wait_for(lambda: emails_to(smtp_server, address, subject), timeout=20, what=what)
    except AssertionError as timeout:
        raise AssertionError(
            f"{timeout}. The worker logged:\n{stack.worker_problems() or '(nothing amiss)'}"
        ) from None


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()

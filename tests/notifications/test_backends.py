"""Each delivery backend, against a real server on loopback where there is one."""

from __future__ import annotations

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import jwt
import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.mail import SmtpRecorder, free_port
from tracker.notifications.backends import (
    DeliveryError,
    LocalMailbox,
    NotifyBackend,
    Outgoing,
    SmtpBackend,
)
from tracker.notifications.rendering import RenderedEmail

RENDERED = RenderedEmail(subject="Your application", text="Thank you.\n", html="<p>Thank you.</p>")
OUTGOING = Outgoing(
    recipient="ada@example.com",
    rendered=RENDERED,
    message_id="<tracker-email-1@tracker.test>",
    reference="application:1:submitted",
)
SERVICE_ID = str(uuid.uuid4())
SECRET = str(uuid.uuid4())


class _FakeNotify(BaseHTTPRequestHandler):
    requests: ClassVar[list] = []
    status = 201

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        token = self.headers["Authorization"].removeprefix("Bearer ")
        claims = jwt.decode(token, SECRET, algorithms=["HS256"])
        type(self).requests.append({"path": self.path, "body": body, "iss": claims["iss"]})
        self.send_response(type(self).status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        if type(self).status == 201:
            self.wfile.write(
                json.dumps({"id": "notify-123", "reference": body["reference"]}).encode()
            )
        else:
            self.wfile.write(b'{"errors": [{"error": "BadRequestError", "message": "Bad"}]}')

    def log_message(self, *args):
        pass


@pytest.fixture
def notify_server():
    _FakeNotify.requests, _FakeNotify.status = [], 201
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeNotify)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _notify(server):
    return NotifyBackend(
        {
            "NOTIFY_API_KEY": f"tracker_test-{SERVICE_ID}-{SECRET}",
            "NOTIFY_TEMPLATE_ID": "template-1",
            "NOTIFY_BASE_URL": f"http://127.0.0.1:{server.server_port}",
        }
    )


def test_notify_gets_the_rendered_email_as_personalisation_with_our_reference(notify_server):
    reference = _notify(notify_server).send(OUTGOING)

    [request] = _FakeNotify.requests
    assert reference == "notify-123"
    assert request["path"] == "/v2/notifications/email"
    assert request["iss"] == SERVICE_ID
    assert request["body"] == {
        "email_address": "ada@example.com",
        "template_id": "template-1",
        "personalisation": {"subject": "Your application", "body": "Thank you.\n"},
        "reference": "application:1:submitted",
    }


def test_notify_refusing_is_a_delivery_error(notify_server):
    _FakeNotify.status = 400

    with pytest.raises(DeliveryError, match="Notify"):
        _notify(notify_server).send(OUTGOING)


# The test server takes AUTH without TLS: its own warning about that is expected here.
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_smtp_logs_in_when_credentials_are_configured():
    from aiosmtpd.controller import Controller

    seen = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.password == b"s3cret"
        seen.append((mechanism, auth_data.login))
        return AuthResult(success=ok)

    recorder = SmtpRecorder()
    port = free_port()
    controller = Controller(
        recorder,
        hostname="127.0.0.1",
        port=port,
        authenticator=authenticator,
        auth_require_tls=False,
        auth_required=True,
    )
    controller.start()
    config = {
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": port,
        "MAIL_TIMEOUT": 2,
        "MAIL_USE_SSL": False,
        "MAIL_USE_TLS": False,
        "MAIL_FROM": "jobs@example.gov.uk",
        "MAIL_USERNAME": "tracker",
        "MAIL_PASSWORD": "s3cret",
    }
    try:
        SmtpBackend(config).send(OUTGOING)
        with pytest.raises(DeliveryError, match=r"^SMTP: "):
            SmtpBackend(config | {"MAIL_PASSWORD": "wrong"}).send(OUTGOING)
    finally:
        controller.stop()

    assert seen and all(login == b"tracker" for _, login in seen)
    [message] = recorder.messages
    assert message["Subject"] == "Your application"


def test_an_unreachable_smtp_server_is_a_delivery_error():
    config = {
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": free_port(),
        "MAIL_TIMEOUT": 2,
        "MAIL_USE_SSL": False,
        "MAIL_USE_TLS": False,
        "MAIL_FROM": "jobs@example.gov.uk",
        "MAIL_USERNAME": None,
        "MAIL_PASSWORD": None,
    }

    with pytest.raises(DeliveryError, match="ConnectionRefusedError"):
        SmtpBackend(config).send(OUTGOING)


def test_the_local_mailbox_keeps_each_email_as_a_file(tmp_path):
    name = LocalMailbox(tmp_path, "jobs@example.gov.uk").send(OUTGOING)

    saved = (tmp_path / name).read_text()
    assert "Subject: Your application" in saved
    assert "To: ada@example.com" in saved

"""Each delivery backend, against a real server on loopback where there is one."""

from __future__ import annotations

from dataclasses import replace

import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.mail import SmtpRecorder, free_port
from tests.notifications.fake_notify import API_KEY, SERVICE_ID, FakeNotify
from tracker.notifications.backends import (
    DeliveryError,
    LocalMailbox,
    NotifyBackend,
    Outgoing,
    SmtpBackend,
    close_kept_connection,
)
from tracker.notifications.rendering import RenderedEmail

RENDERED = RenderedEmail(subject="Your application", text="Thank you.\n", html="<p>Thank you.</p>")
OUTGOING = Outgoing(
    recipient="ada@example.com",
    rendered=RENDERED,
    message_id="<tracker-email-1@tracker.test>",
    reference="application:1:submitted",
)


def _notify(server):
    return NotifyBackend(
        {
            "NOTIFY_API_KEY": API_KEY,
            "NOTIFY_TEMPLATE_ID": "template-1",
            "NOTIFY_BASE_URL": f"http://127.0.0.1:{server.server_port}",
        }
    )


def test_notify_gets_the_rendered_email_as_personalisation_with_our_reference(notify_server):
    reference = _notify(notify_server).send(OUTGOING)

    [request] = FakeNotify.requests
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
    FakeNotify.status = 400

    with pytest.raises(DeliveryError, match="Notify"):
        _notify(notify_server).send(OUTGOING)


def test_notify_reports_the_acceptance_with_its_own_id(notify_server):
    told = []

    _notify(notify_server).send(OUTGOING, on_accepted=told.append)

    assert told == ["notify-123"]


def test_notify_is_asked_by_our_reference_whether_it_already_has_an_email(notify_server):
    backend = _notify(notify_server)
    assert backend.find_accepted(OUTGOING) is None

    FakeNotify.accepted = [("notify-earlier", "application:1:submitted")]

    assert backend.find_accepted(OUTGOING) == "notify-earlier"
    assert FakeNotify.requests[-1]["query"] == {
        "template_type": ["email"],
        "reference": ["application:1:submitted"],
    }


# The test server takes AUTH without TLS: its own warning about that is expected here.
@pytest.mark.slow  # a server of its own
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


class _QuitRecorder(SmtpRecorder):
    """Notes when the server accepts the email and when the client says QUIT."""

    def __init__(self, events: list[str], quit_reply: str = "221 Bye"):
        super().__init__()
        self.events = events
        self.quit_reply = quit_reply

    async def handle_DATA(self, server, session, envelope):
        reply = await super().handle_DATA(server, session, envelope)
        self.events.append(f"server replied {reply[:3]} to DATA")
        return reply

    async def handle_QUIT(self, server, session, envelope):
        self.events.append("client said QUIT")
        return self.quit_reply


@pytest.fixture
def quit_server():
    from aiosmtpd.controller import Controller

    events: list[str] = []
    recorder = _QuitRecorder(events)
    port = free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    recorder.controller = controller
    yield (
        recorder,
        {
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": port,
            "MAIL_TIMEOUT": 2,
            "MAIL_USE_SSL": False,
            "MAIL_USE_TLS": False,
            "MAIL_FROM": "jobs@example.gov.uk",
            "MAIL_USERNAME": None,
            "MAIL_PASSWORD": None,
        },
    )
    close_kept_connection()
    if controller.loop.is_running():  # a test may have stopped it already
        controller.stop()


def test_smtp_reports_the_acceptance_before_anything_else_and_keeps_the_connection(quit_server):
    recorder, config = quit_server

    reference = SmtpBackend(config).send(
        OUTGOING, on_accepted=lambda ref: recorder.events.append(f"recorded {ref}")
    )
    close_kept_connection()  # as a worker stopping does

    assert reference == OUTGOING.message_id
    assert recorder.events == [
        "server replied 250 to DATA",
        f"recorded {OUTGOING.message_id}",
        "client said QUIT",
    ]


def test_smtp_refusing_the_data_reports_no_acceptance_and_drops_the_connection(quit_server):
    recorder, config = quit_server
    recorder.refuse_always = True

    with pytest.raises(DeliveryError, match="554"):
        SmtpBackend(config).send(OUTGOING, on_accepted=recorder.events.append)

    # A connection that failed mid-email is not kept for the next one.
    assert recorder.events == ["server replied 554 to DATA", "client said QUIT"]


def test_a_bad_reply_to_quit_after_the_250_does_not_undo_the_delivery(quit_server):
    # Treating it as a failure would send the email again: a certain duplicate.
    recorder, config = quit_server
    recorder.quit_reply = "421 Closing for maintenance"

    assert SmtpBackend(config).send(OUTGOING) == OUTGOING.message_id
    close_kept_connection()
    assert len(recorder.messages) == 1


def _outgoing(n: int) -> Outgoing:
    return replace(OUTGOING, recipient=f"applicant{n}@example.com", message_id=f"<m{n}@test>")


def test_one_smtp_connection_carries_many_emails(quit_server):
    recorder, config = quit_server

    for n in range(25):
        SmtpBackend(config).send(_outgoing(n))

    assert len(recorder.messages) == 25
    assert len(recorder.sessions) == 1
    assert "client said QUIT" not in recorder.events


def test_a_connection_the_server_dropped_is_replaced_and_no_email_is_lost(quit_server):
    recorder, config = quit_server
    SmtpBackend(config).send(_outgoing(1))

    # The server goes away while the connection sits idle (a restart, an idle time-out).
    from aiosmtpd.controller import Controller

    recorder.controller.stop()
    restarted = Controller(recorder, hostname="127.0.0.1", port=config["MAIL_PORT"])
    restarted.start()
    try:
        SmtpBackend(config).send(_outgoing(2))
        SmtpBackend(config).send(_outgoing(3))
    finally:
        restarted.stop()

    assert [m["To"] for m in recorder.messages] == [f"applicant{n}@example.com" for n in (1, 2, 3)]
    assert len(recorder.sessions) == 2


def test_a_kept_connection_is_not_reused_for_another_server(quit_server):
    recorder, config = quit_server
    other = SmtpRecorder()
    port = free_port()
    from aiosmtpd.controller import Controller

    controller = Controller(other, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        SmtpBackend(config).send(_outgoing(1))
        SmtpBackend(config | {"MAIL_PORT": port}).send(_outgoing(2))
        SmtpBackend(config).send(_outgoing(3))
    finally:
        controller.stop()

    assert [m["To"] for m in other.messages] == ["applicant2@example.com"]
    assert [m["To"] for m in recorder.messages] == [
        "applicant1@example.com",
        "applicant3@example.com",
    ]
    # Each change of server closed the connection it replaced.
    assert recorder.events.count("client said QUIT") == 1


def test_the_local_mailbox_keeps_each_email_as_a_file(tmp_path):
    name = LocalMailbox(tmp_path, "jobs@example.gov.uk").send(OUTGOING)

    saved = (tmp_path / name).read_text()
    assert "Subject: Your application" in saved
    assert "To: ada@example.com" in saved

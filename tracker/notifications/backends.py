"""Delivery backends: SMTP, GOV.UK Notify, and a local mailbox for development.

A backend sends one rendered email and returns the provider's reference, or raises
DeliveryError; the outbox decides whether to try again. The outbox hears of the acceptance the
moment the provider gives it (``on_accepted``), before the backend does anything else, so that
a crash loses as little as possible.

SMTP keeps its connection open between emails, one per worker process (and thread): connecting,
EHLO, STARTTLS and AUTH cost more than the email itself. A kept connection that has sat idle
for a while is asked NOOP before it carries the next email, so one the server has dropped is
replaced without a word; one used a moment ago (an outbox job sending its list) is not asked,
since the NOOP would be a fifth of the conversation. If such a connection fails before the
message's DATA, the server cannot have the email, so it is sent once more on a new connection.
A connection that fails once DATA has begun is closed and never reused, and the email is tried
again by the outbox as before.
"""

from __future__ import annotations

import smtplib
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from email import policy
from email.headerregistry import HeaderRegistry
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

from flask import current_app

from tracker.clock import utcnow
from tracker.notifications.rendering import RenderedEmail


class DeliveryError(Exception):
    """The email was not accepted; it may be tried again."""


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str  # with its parameters: "text/calendar; method=REQUEST"
    content: str


@dataclass(frozen=True)
class Outgoing:
    recipient: str
    rendered: RenderedEmail
    # Stable per outbox row, so a receiving system can spot a duplicate delivery.
    message_id: str
    reference: str
    attachments: tuple[Attachment, ...] = ()


# Told the provider's reference the moment the provider has accepted an email.
OnAccepted = Callable[[str], None]


class Backend(Protocol):
    def send(self, email: Outgoing, on_accepted: OnAccepted | None = None) -> str:
        """Send EMAIL and return the provider's reference; call on_accepted(reference) the
        moment the provider has accepted it, before anything else (QUIT, logging)."""


class _HeaderClasses(HeaderRegistry):
    """The standard header registry, but each header's class is made once, not each time a
    header is set: the standard one calls type() for every header, which was a third of the
    time build_message took (some 15 headers a message). The classes, and so the message's
    bytes, are the same."""

    def __init__(self) -> None:
        super().__init__()
        self._made: dict[str, type] = {}

    def __getitem__(self, name: str) -> type:
        key = name.lower()
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = super().__getitem__(name)
        return made


_POLICY = policy.default.clone(header_factory=_HeaderClasses())


def build_message(email: Outgoing, sender: str, sent_at) -> EmailMessage:
    message = EmailMessage(policy=_POLICY)
    message["From"] = sender
    message["To"] = email.recipient
    message["Subject"] = email.rendered.subject
    message["Date"] = format_datetime(sent_at)
    message["Message-ID"] = email.message_id
    message["X-Tracker-Reference"] = email.reference
    message.set_content(email.rendered.text)
    message.add_alternative(email.rendered.html, subtype="html")
    for attachment in email.attachments:
        _attach(message, attachment)
    return message


def _attach(message: EmailMessage, attachment: Attachment) -> None:
    """A text part of its own (the message becomes multipart/mixed). A calendar invitation
    keeps its ``method`` parameter: that is what makes mail clients offer to accept it."""
    kind, *parameters = (part.strip() for part in attachment.content_type.split(";"))
    maintype, subtype = kind.split("/", 1)
    if maintype != "text":
        raise ValueError(f"only text attachments can be sent, not {kind}")
    params = dict(p.split("=", 1) for p in parameters if "=" in p)
    message.add_attachment(
        attachment.content,
        subtype=subtype,
        filename=attachment.filename,
        params=params,
    )


def attachments_supported(config: dict) -> bool:
    """Whether the configured backend sends attachments. GOV.UK Notify sends only its own
    template's text, so an email whose attachment matters gives a link to it instead."""
    return config["EMAIL_BACKEND"] != "notify"


class SmtpBackend:
    def __init__(self, config: dict):
        self.config = config

    def _server(self) -> tuple:
        """What a kept connection must match to be reused for this configuration."""
        c = self.config
        return (
            c["MAIL_SERVER"],
            c["MAIL_PORT"],
            c["MAIL_USE_SSL"],
            c["MAIL_USE_TLS"],
            c["MAIL_USERNAME"],
            c["MAIL_PASSWORD"],
        )

    def _connect(self) -> _Smtp:
        c = self.config
        host, port, timeout = c["MAIL_SERVER"], c["MAIL_PORT"], c["MAIL_TIMEOUT"]
        if c["MAIL_USE_SSL"]:
            return _SmtpSsl(host, port, timeout=timeout, context=ssl.create_default_context())
        smtp = _Smtp(host, port, timeout=timeout)
        if c["MAIL_USE_TLS"]:
            smtp.starttls(context=ssl.create_default_context())
        return smtp

    def _open(self) -> _Smtp:
        """A new, signed-in connection; DeliveryError if the server cannot be reached or
        refuses the credentials."""
        smtp = None
        try:
            smtp = self._connect()
            if self.config["MAIL_USERNAME"]:
                smtp.login(self.config["MAIL_USERNAME"], self.config["MAIL_PASSWORD"] or "")
        except (smtplib.SMTPException, OSError) as exc:
            if smtp is not None:
                _quit(smtp)
            raise DeliveryError(f"SMTP: {type(exc).__name__}: {exc}") from exc
        return smtp

    def send(self, email: Outgoing, on_accepted: OnAccepted | None = None) -> str:
        """Send one email on this process's kept connection (a new one if there is none, or the
        server dropped it).

        on_accepted runs as soon as the server has replied 250 to DATA, before anything else:
        from that reply on the email is the server's.
        """
        message = build_message(email, self.config["MAIL_FROM"], utcnow())
        server = self._server()
        smtp, unchecked = _KEPT.take(server)
        smtp = smtp or self._open()
        try:
            smtp.send_message(message)
        except (smtplib.SMTPException, OSError) as exc:
            # Its state is unknown now (half an envelope, say): never reuse it.
            _quit(smtp)
            if not unchecked or smtp.began_data:
                raise DeliveryError(f"SMTP: {type(exc).__name__}: {exc}") from exc
            # A kept connection we did not check failed before DATA: the server has nothing
            # of this email, so a new connection cannot send it twice.
            smtp = self._open()
            try:
                smtp.send_message(message)
            except (smtplib.SMTPException, OSError) as again:
                _quit(smtp)
                raise DeliveryError(f"SMTP: {type(again).__name__}: {again}") from again
        try:
            if on_accepted is not None:
                on_accepted(email.message_id)
        finally:
            _KEPT.keep(server, smtp)
        return email.message_id


class _Smtp(smtplib.SMTP):
    """smtplib's client, noting when it begins DATA: from then on the server may have the
    email, and a failure must not be answered by sending it again at once."""

    began_data = False

    def data(self, msg):
        self.began_data = True
        return super().data(msg)


class _SmtpSsl(smtplib.SMTP_SSL, _Smtp):
    """The same over TLS from the start (SMTP_SSL's connect, _Smtp's data)."""


# A kept connection used this recently is reused without a NOOP: a job sending its list keeps
# it busy, and one the server dropped meanwhile fails before DATA and is replaced (see send).
UNCHECKED_REUSE_SECONDS = 1.0


class _KeptConnection(threading.local):
    """This worker process's (and thread's) open SMTP connection, between emails."""

    smtp: _Smtp | None = None
    server: tuple | None = None
    kept_at: float = 0.0

    def take(self, server: tuple) -> tuple[_Smtp | None, bool]:
        """The kept connection if it is to this server and still answers, else None (and it
        is closed); and whether it was used too recently to be worth asking (unchecked)."""
        smtp, self.smtp = self.smtp, None
        if smtp is None:
            return None, False
        if self.server == server:
            if time.monotonic() - self.kept_at < UNCHECKED_REUSE_SECONDS:
                smtp.began_data = False
                return smtp, True
            try:
                if smtp.noop()[0] == 250:
                    smtp.began_data = False
                    return smtp, False
            except (smtplib.SMTPException, OSError):
                pass  # dropped while it sat idle: nothing of ours was on it
        _quit(smtp)
        return None, False

    def keep(self, server: tuple, smtp: _Smtp) -> None:
        # Nothing else is kept meanwhile: take() emptied the slot, and a thread has its own.
        self.smtp, self.server, self.kept_at = smtp, server, time.monotonic()

    def close(self) -> None:
        smtp, self.smtp = self.smtp, None
        if smtp is not None:
            _quit(smtp)


_KEPT = _KeptConnection()


def close_kept_connection() -> None:
    """Say QUIT on this process's kept SMTP connection, if it has one (a worker stopping)."""
    _KEPT.close()


def _quit(smtp: smtplib.SMTP) -> None:
    """Say goodbye if the server is still listening; the email's fate is already settled."""
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()


class NotifyBackend:
    """GOV.UK Notify, with one Notify template whose body is ((body)) and subject ((subject)).

    Notify cannot attach arbitrary files: attachments are not sent, and the templates of
    emails that have them link to the file instead (see ``attachments_supported``).
    """

    def __init__(self, config: dict):
        from notifications_python_client.notifications import NotificationsAPIClient

        self.template_id = config["NOTIFY_TEMPLATE_ID"]
        self.client = NotificationsAPIClient(
            config["NOTIFY_API_KEY"], base_url=config["NOTIFY_BASE_URL"], timeout=30
        )

    def send(self, email: Outgoing, on_accepted: OnAccepted | None = None) -> str:
        """Send one email; the reference Notify keeps with it is the outbox's idempotency key."""
        from notifications_python_client.errors import APIError
        from requests import RequestException

        try:
            response = self.client.send_email_notification(
                email_address=email.recipient,
                template_id=self.template_id,
                personalisation={"subject": email.rendered.subject, "body": email.rendered.text},
                reference=email.reference,
            )
        except (APIError, RequestException) as exc:
            raise DeliveryError(f"Notify: {exc}") from exc
        notification_id = str(response["id"])
        if on_accepted is not None:
            on_accepted(notification_id)
        return notification_id

    def find_accepted(self, email: Outgoing) -> str | None:
        """Notify's id for this email if an earlier attempt reached Notify, else None.

        Notify keeps our reference with each notification (for 7 days), so an attempt whose
        outcome was lost when its worker died can be looked up instead of sent again.
        """
        from notifications_python_client.errors import APIError
        from requests import RequestException

        try:
            found = self.client.get_all_notifications(
                template_type="email", reference=email.reference
            )
        except (APIError, RequestException) as exc:
            raise DeliveryError(f"Notify: could not look for an earlier attempt: {exc}") from exc
        notifications = found.get("notifications") or []
        return str(notifications[0]["id"]) if notifications else None


class LocalMailbox:
    """Development only: each email becomes a file that the dev mailbox page shows."""

    def __init__(self, folder: Path, sender: str):
        self.folder = folder
        self.sender = sender

    def send(self, email: Outgoing, on_accepted: OnAccepted | None = None) -> str:
        now = utcnow()
        self.folder.mkdir(parents=True, exist_ok=True)
        name = f"{now:%Y%m%dT%H%M%S%f}-{email.reference.replace(':', '-')[:80]}.eml"
        (self.folder / name).write_bytes(bytes(build_message(email, self.sender, now)))
        if on_accepted is not None:
            on_accepted(name)
        return name


def look_up_earlier_attempt(backend: Backend, email: Outgoing) -> tuple[bool, str | None]:
    """Whether the provider could be asked about an earlier attempt of EMAIL, and if so its
    reference for the email when it has one (it accepted the attempt) or None (it did not).

    Only Notify can be asked; an SMTP server keeps no record we could read.
    """
    if isinstance(backend, NotifyBackend):
        return True, backend.find_accepted(email)
    return False, None


def mailbox_folder() -> Path:
    return Path(current_app.instance_path) / "mailbox"


def get_backend() -> Backend:
    config = current_app.config
    backend = config["EMAIL_BACKEND"]
    if backend == "smtp":
        return SmtpBackend(config)
    if backend == "notify":
        return NotifyBackend(config)
    return LocalMailbox(mailbox_folder(), config["MAIL_FROM"])


def message_id_for(email_id: int) -> str:
    """The same Message-ID every time this outbox row is sent."""
    host = urlsplit(current_app.config["PUBLIC_BASE_URL"]).hostname or "localhost"
    return f"<tracker-email-{email_id}@{host}>"

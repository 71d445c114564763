"""The outbox's attachments: kept on the row as queued, sent by SMTP as parts of their own,
never sent to Notify (which cannot take them), and refused when incomplete."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import func, select

from tests.notifications.fake_notify import API_KEY, FakeNotify
from tracker.clock import utcnow
from tracker.extensions import db
from tracker.notifications.backends import (
    Attachment,
    NotifyBackend,
    Outgoing,
    attachments_supported,
    build_message,
)
from tracker.notifications.models import Email
from tracker.notifications.rendering import RenderedEmail
from tracker.notifications.services import queue_email

INVITATION = {
    "filename": "invitation.ics",
    "content_type": "text/calendar; method=REQUEST",
    "content": "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n",
}
OUTGOING = Outgoing(
    recipient="ada@example.com",
    rendered=RenderedEmail(subject="Invitation", text="See the file.\n", html="<p>See.</p>"),
    message_id="<tracker-email-1@tracker.test>",
    reference="panel-invitation:1:1",
    attachments=(Attachment(**INVITATION),),
)


def test_an_attachment_is_a_part_of_its_own_beside_the_text_and_html():
    message = build_message(OUTGOING, "Apprenticeships <a@example.gov.uk>", utcnow())

    assert message.get_content_type() == "multipart/mixed"
    assert message.get_body(("plain",)).get_content() == "See the file.\n"
    [part] = message.iter_attachments()
    assert part.get_content_type() == "text/calendar"
    assert part.get_param("method") == "REQUEST"
    assert part.get_filename() == "invitation.ics"
    assert part.get_content().replace("\r\n", "\n") == INVITATION["content"].replace("\r\n", "\n")


def test_an_email_without_attachments_is_as_before():
    message = build_message(replace(OUTGOING, attachments=()), "a@example.gov.uk", utcnow())

    assert message.get_content_type() == "multipart/alternative"


def test_only_text_files_can_be_attached():
    binary = Attachment(filename="cv.pdf", content_type="application/pdf", content="%PDF")

    with pytest.raises(ValueError, match="only text attachments"):
        build_message(replace(OUTGOING, attachments=(binary,)), "a@example.gov.uk", utcnow())


def test_notify_is_sent_the_text_only(notify_server):
    NotifyBackend(
        {
            "NOTIFY_API_KEY": API_KEY,
            "NOTIFY_TEMPLATE_ID": "template-1",
            "NOTIFY_BASE_URL": f"http://127.0.0.1:{notify_server.server_port}",
        }
    ).send(OUTGOING)

    [request] = FakeNotify.requests
    assert set(request["body"]) == {"email_address", "template_id", "personalisation", "reference"}
    assert attachments_supported({"EMAIL_BACKEND": "notify"}) is False
    assert attachments_supported({"EMAIL_BACKEND": "smtp"}) is True


def test_attachments_are_kept_as_queued_and_the_key_still_means_one_email(app):
    first = queue_email(
        actor="test",
        to="ada@example.com",
        template="test_email",
        context={"requested_by": "x"},
        attachments=[INVITATION],
        idempotency_key="attachments:1",
    )
    again = queue_email(
        actor="test",
        to="ada@example.com",
        template="test_email",
        context={"requested_by": "x"},
        attachments=[INVITATION | {"content": "changed"}],
        idempotency_key="attachments:1",
    )
    db.session.expire_all()

    assert again.id == first.id
    assert db.session.get(Email, first.id).attachments == [INVITATION]


def test_an_incomplete_attachment_is_refused_and_nothing_is_queued(app):
    with pytest.raises(ValueError, match="an attachment needs content"):
        queue_email(
            actor="test",
            to="ada@example.com",
            template="test_email",
            context={"requested_by": "x"},
            attachments=[{"filename": "a.ics", "content_type": "text/calendar"}],
            idempotency_key="attachments:2",
        )

    assert db.session.scalar(select(func.count()).select_from(Email)) == 0

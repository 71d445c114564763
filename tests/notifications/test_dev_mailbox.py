"""The development mailbox: a developer reads what the local backend 'sent'. Never elsewhere."""

from __future__ import annotations

from tracker.notifications.backends import LocalMailbox, Outgoing
from tracker.notifications.rendering import render_email


def test_a_developer_reads_a_sent_email_on_the_mailbox_page(make_app, monkeypatch, tmp_path):
    monkeypatch.setenv("TRACKER_ENV", "development")
    monkeypatch.setenv("EMAIL_BACKEND", "local")
    dev = make_app()
    dev.instance_path = str(tmp_path)
    with dev.test_request_context():
        rendered = render_email("test_email", {"requested_by": "A developer"})
        name = LocalMailbox(tmp_path / "mailbox", "jobs@example.gov.uk").send(
            Outgoing("ada@example.com", rendered, "<tracker-email-9@localhost>", "test:9")
        )
    client = dev.test_client()

    index = client.get("/_dev/mailbox/").get_data(as_text=True)
    page = client.get(f"/_dev/mailbox/{name}").get_data(as_text=True)

    assert "ada@example.com" in index
    assert (
        f'href="/_dev/mailbox/{name}">Test email from ICT and digital apprenticeships</a>' in index
    )
    assert "A developer sent it to check that emails from the service arrive." in page
    assert client.get("/_dev/mailbox/../../etc/passwd").status_code == 404
    assert client.get("/_dev/mailbox/nope.eml").status_code == 404


def test_there_is_no_mailbox_page_outside_development(client):
    assert client.get("/_dev/mailbox/").status_code == 404


def test_the_mailbox_is_not_served_to_other_machines(make_app, monkeypatch):
    monkeypatch.setenv("TRACKER_ENV", "development")
    monkeypatch.setenv("EMAIL_BACKEND", "local")
    dev = make_app()
    client = dev.test_client()

    assert client.get("/_dev/mailbox/").status_code == 200
    remote = client.get("/_dev/mailbox/", environ_base={"REMOTE_ADDR": "203.0.113.7"})
    assert remote.status_code == 404

"""The development mailbox keeps a copy of every email 'sent' locally: erasure and retention
take an applicant's copies out of it too (the pages and the .eml files), and nobody else's."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.factories import CampaignFactory, RoleFactory, UserFactory
from tracker import clock
from tracker.accounts.models import StaffRole
from tracker.applicants.models import Applicant
from tracker.applications.states import Status
from tracker.extensions import db
from tracker.notifications.backends import LocalMailbox, Outgoing, message_id_for
from tracker.notifications.models import Email, EmailStatus
from tracker.notifications.rendering import RenderedEmail
from tracker.privacy import services as privacy


@pytest.fixture
def instance(app, monkeypatch, tmp_path):
    """The app's instance folder, where the dev mailbox keeps its files, in a temporary place."""
    folder = tmp_path / "instance"
    folder.mkdir()
    monkeypatch.setattr(app, "instance_path", str(folder))
    return folder


@pytest.fixture
def dev_client(make_app, monkeypatch, instance):
    """A browser on a development app, the only kind that shows the mailbox."""
    monkeypatch.setenv("TRACKER_ENV", "development")
    monkeypatch.setenv("EMAIL_BACKEND", "local")
    dev = make_app()
    dev.instance_path = str(instance)
    return dev.test_client()


def _deliver(instance, *, to: str, subject: str, email_id: int) -> str:
    """What the local backend does when the outbox sends row ``email_id``: a file."""
    return LocalMailbox(instance / "mailbox", "jobs@example.gov.uk").send(
        Outgoing(
            to,
            RenderedEmail(subject=subject, text=f"{subject}\n", html=f"<p>{subject}</p>"),
            message_id_for(email_id),
            f"test:{email_id}",
        )
    )


def _mail_for(instance, person) -> list[str]:
    """Three copies of this person's mail: their outbox email, a sign-in email whose outbox row
    is long gone, and an email about their application to someone else (a referee)."""
    seeded = db.session.scalars(select(Email).where(Email.recipient == person.email)).one()
    about = Email(
        idempotency_key=f"reference:{person.application_id}",
        recipient=f"referee.{person.application_id}@example.org",
        template="application_unsuccessful",
        context={"application_id": person.application_id},
        queued_by="test",
        status=EmailStatus.SENT,
        subject=f"A reference for {person.name}",
        attempts=1,
        next_attempt_at=clock.utcnow(),
        sent_at=clock.utcnow(),
    )
    db.session.add(about)
    db.session.flush()
    return [
        _deliver(instance, to=person.email, subject=seeded.subject, email_id=seeded.id),
        _deliver(instance, to=person.email.upper(), subject="Sign in", email_id=999_999),
        _deliver(instance, to=about.recipient, subject=about.subject, email_id=about.id),
    ]


def _assert_forgotten(dev_client, instance, gone, gone_names, kept, kept_names):
    left = {path.name for path in (instance / "mailbox").iterdir()}
    assert left.isdisjoint(gone_names)
    assert set(kept_names) <= left
    index = dev_client.get("/_dev/mailbox/").get_data(as_text=True)
    assert gone.name not in index and gone.email not in index
    assert kept.name in index and kept.email in index
    for name in gone_names:
        assert dev_client.get(f"/_dev/mailbox/{name}").status_code == 404
    for name in kept_names:
        assert dev_client.get(f"/_dev/mailbox/{name}").status_code == 200


def test_erasure_removes_their_mail_from_the_dev_mailbox(seed_person, instance, dev_client):
    hr = UserFactory(roles=[StaffRole.ADMIN])
    erased, other = seed_person("Gone", status=Status.WITHDRAWN), seed_person("Kept")
    erased_mail, other_mail = _mail_for(instance, erased), _mail_for(instance, other)

    privacy.erase_applicant(actor=hr, applicant=db.session.get(Applicant, erased.applicant_id))
    db.session.commit()

    _assert_forgotten(dev_client, instance, erased, erased_mail, other, other_mail)


def test_an_erasure_that_rolls_back_keeps_the_mail(seed_person, instance):
    hr = UserFactory(roles=[StaffRole.ADMIN])
    person = seed_person("Undo", status=Status.WITHDRAWN)
    mail = _mail_for(instance, person)

    privacy.erase_applicant(actor=hr, applicant=db.session.get(Applicant, person.applicant_id))
    db.session.rollback()

    assert {path.name for path in (instance / "mailbox").iterdir()} == set(mail)


def test_retention_removes_their_mail_from_the_dev_mailbox(seed_person, instance, dev_client):
    closed = clock.today() - timedelta(days=213)  # kept for 6 months: now past retention
    expired = RoleFactory(
        campaign=CampaignFactory(
            opens_on=closed - timedelta(days=42),
            closes_on=closed,
            expected_start_on=closed + timedelta(days=30),
            retention_months=6,
        ),
        criteria=["You enjoy solving problems"],
    )
    anonymised = seed_person("Old", role=expired, status=Status.UNSUCCESSFUL)
    current = seed_person("New", status=Status.UNSUCCESSFUL)
    old_mail, current_mail = _mail_for(instance, anonymised), _mail_for(instance, current)

    result = privacy.run_retention(today=clock.today(), dry_run=False, actor_label="test")
    db.session.commit()

    assert result.applicants == 1
    _assert_forgotten(dev_client, instance, anonymised, old_mail, current, current_mail)

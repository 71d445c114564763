"""The emails we sent an applicant or about their applications, and the development
mailbox's copies of them (see tracker.data_subject for what each function is for).

Unsent emails are dropped. Retention redacts sent and failed ones, kept as a count for the
outbox's figures; erasure deletes them. The development mailbox's copies of them, and of
anything else sent to the address, go after the commit (mailbox.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, or_, select

from tracker.data_subject import Subject, plain
from tracker.extensions import db
from tracker.notifications import mailbox
from tracker.notifications.models import Email, EmailStatus

REDACTED = "[redacted]"
# The key names the event and ids only, never the address: it stays as it is, unique.
PERSONAL_COLUMNS = {"email": ("recipient", "subject", "context", "last_error")}


def email_filter(address: str, application_ids: Sequence[int]):
    """Outbox rows to this address, or about any of these applications."""
    about = Email.context["application_id"].as_integer().in_(application_ids)
    return or_(Email.recipient == address, about) if application_ids else Email.recipient == address


def export_subject(subject: Subject) -> dict:
    emails = db.session.scalars(
        select(Email)
        .where(email_filter(subject.email, subject.application_ids))
        .order_by(Email.created_at)
    )
    return {
        "emails": [
            {
                "to": e.recipient,
                "subject": e.subject,
                "kind": e.template,
                "status": e.status.value,
                "queued_at": plain(e.created_at),
                "sent_at": plain(e.sent_at),
            }
            for e in emails
        ]
    }


def _forget(address: str, application_ids: Sequence[int], *, redact: bool) -> None:
    matching = email_filter(address, application_ids)
    mailbox.forget_after_commit(
        addresses=[address] if address else [],
        email_ids=db.session.scalars(select(Email.id).where(matching)).all(),
    )
    db.session.execute(
        delete(Email)
        .where(matching, Email.status.in_((EmailStatus.PENDING, EmailStatus.SENDING)))
        .execution_options(synchronize_session=False)
    )
    if not redact:
        db.session.execute(
            delete(Email).where(matching).execution_options(synchronize_session=False)
        )
        return
    for email in db.session.scalars(select(Email).where(matching)):
        email.recipient = REDACTED
        email.subject = REDACTED if email.subject else None
        email.context = {}
        email.last_error = REDACTED if email.last_error else None


def anonymise_applications(application_ids: list[int], *, now: datetime) -> None:
    """Emails about these applications, whoever they went to."""
    _forget("", application_ids, redact=True)


def anonymise_subject(subject: Subject, *, now: datetime) -> None:
    """Everything sent to them, once nothing of theirs is kept."""
    _forget(subject.email, subject.application_ids, redact=True)


def erase(subject: Subject) -> None:
    _forget(subject.email, subject.application_ids, redact=False)


def erasure_counts(subject: Subject) -> dict[str, int]:
    matching = select(Email.id).where(email_filter(subject.email, subject.application_ids))
    count = select(func.count()).select_from(matching.subquery())
    return {"emails": db.session.scalar(count) or 0}

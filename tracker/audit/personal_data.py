"""What the audit log says an applicant did (see tracker.data_subject for what each function
is for). It names them by id only (applicant:<id>), never by name or address, so retention
and erasure leave it as it is: it records that the data went, and who took it."""

from __future__ import annotations

from sqlalchemy import select

from tracker.audit.models import AuditEvent
from tracker.data_subject import Subject, plain
from tracker.extensions import db

PERSONAL_COLUMNS: dict[str, tuple[str, ...]] = {}


def export_subject(subject: Subject) -> dict:
    # As tracker.applicants.services.applicant_label names them.
    label = f"applicant:{subject.applicant_id}"
    return {
        "activity": [
            {"at": plain(e.occurred_at), "action": e.action}
            for e in db.session.scalars(
                select(AuditEvent)
                .where(AuditEvent.actor_label == label)
                .order_by(AuditEvent.occurred_at)
            )
        ]
    }

"""Recording audit events. Each event is a row and one JSON log line.

JSON keeps every value on its line: a newline typed into a form is written as \\n, so user
input can never forge a second log entry.
"""

from __future__ import annotations

import json
import logging

from flask import has_request_context, request

from tracker.audit.models import AuditEvent
from tracker.clock import utcnow
from tracker.extensions import db

log = logging.getLogger("tracker.audit")


def _client_ip() -> str | None:
    return request.remote_addr if has_request_context() else None


def record_event(
    *,
    actor,
    action: str,
    object_type: str | None = None,
    object_id: object | None = None,
    details: dict | None = None,
    actor_label: str | None = None,
) -> AuditEvent:
    """Add an audit event to the session (the caller commits) and write its log line.

    ``actor`` is a staff user or None; ``actor_label`` names an actor without an account
    (such as the email typed into a failed sign-in).
    """
    event = AuditEvent(
        occurred_at=utcnow(),
        actor_id=getattr(actor, "id", None),
        actor_label=(actor_label or getattr(actor, "email", None) or "anonymous")[:320],
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        ip=_client_ip(),
        details=details or {},
    )
    db.session.add(event)
    db.session.flush()
    log.info(
        json.dumps(
            {
                "audit": event.action,
                "at": event.occurred_at.isoformat(),
                "actor": event.actor_label,
                "object": f"{object_type}:{event.object_id}" if object_type else None,
                "ip": event.ip,
                "details": event.details,
            },
            ensure_ascii=True,
        )
    )
    return event


def record_download(*, actor, details: dict, rows: int) -> AuditEvent:
    """The audit log's own download is audited: who took which events, and how many."""
    return record_event(
        actor=actor, action="audit.downloaded", details={"filters": details, "rows": rows}
    )

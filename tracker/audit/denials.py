"""Refused access, audited: the error handler's 403s and the pages that refuse with a page
of their own (a CV withheld during the sift).

The one recording that commits by itself, because the request's work must not be kept
while the refusal must be: it rolls back what the request did and commits the event alone.
"""

from __future__ import annotations

from flask import request
from flask_login import current_user

from tracker.audit.services import record_event
from tracker.extensions import db


def record_denied(reason: str) -> None:
    """Refused access is audited, in its own transaction: the request's work is not kept."""
    db.session.rollback()
    user = current_user if current_user.is_authenticated else None
    record_event(
        actor=user,
        action="access.denied",
        object_type="path",
        object_id=request.path[:100],
        details={"method": request.method, "reason": reason},
    )
    db.session.commit()

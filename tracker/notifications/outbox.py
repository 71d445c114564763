"""Enqueue send jobs only after the transaction that wrote the emails has committed.

Enqueuing before the commit would race the worker against the row; enqueuing a row that is
then rolled back would send an email about something that never happened. So services record
the new row's id on the session, and this module enqueues those ids after a commit and forgets
them after a rollback. If the broker is down the rows stay pending and the sweeper sends them.
"""

from __future__ import annotations

import logging

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from tracker.extensions import db

log = logging.getLogger(__name__)
_KEY = "outbox_email_ids"
SEND_TASK = "tracker.notifications.tasks.send_email"


def enqueue_after_commit(email_id: int) -> None:
    db.session.info.setdefault(_KEY, []).append(email_id)


def enqueue_send(email_id: int, *, countdown: float | None = None) -> bool:
    """Put one send job on the broker now; False (and logged) if the broker is unreachable."""
    celery = current_app.extensions["celery"]
    try:
        # retry=False: with the broker down, fail at once rather than hold up the request.
        celery.send_task(SEND_TASK, args=[email_id], countdown=countdown, retry=False)
    except Exception:
        log.warning("Could not enqueue email %s; the sweeper will send it", email_id)
        return False
    return True


def _after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint was released; the outer transaction may still roll back
    for email_id in session.info.pop(_KEY, []):
        if not enqueue_send(email_id):
            break  # the broker is down: the sweeper sends the rest, no need to wait on each


def _after_soft_rollback(session: Session, previous_transaction) -> None:
    # A savepoint rolled back (a caught IntegrityError, say) leaves the outer transaction, and
    # the emails it queued, alive; only the outermost rollback forgets them.
    if previous_transaction.parent is None:
        session.info.pop(_KEY, None)


def init_outbox() -> None:
    """Listen on every session (idempotent, so tests may build many apps)."""
    listeners = (("after_commit", _after_commit), ("after_soft_rollback", _after_soft_rollback))
    for name, listener in listeners:
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)

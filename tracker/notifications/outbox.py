"""Enqueue send jobs only after the transaction that wrote the emails has committed.

Enqueuing before the commit would race the worker against the row; enqueuing a row that is
then rolled back would send an email about something that never happened. So services record
the new row's id on the session, and this module enqueues those ids after a commit and forgets
them after a rollback. If the broker is down the rows stay pending and the sweeper sends them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from tracker.extensions import db

log = logging.getLogger(__name__)
_KEY = "outbox_email_ids"
SEND_TASK = "tracker.notifications.tasks.send_emails"
# Emails per send job. A job costs the worker a broker round trip, an acknowledgement and a
# commit of its own, so one per email would cost more than the email; much larger and a worker
# killed mid-job leaves more emails waiting for the sweeper (their job is only redelivered
# after Redis's visibility timeout, an hour).
BATCH_SIZE = 50
# SQLite (make run) has one write lock for the whole database and no queue for it: a job that
# went from one email's commit straight into the next email's transaction would take the lock
# back before a web request waiting on its busy timeout woke, again and again, until the
# request gave up ("database is locked"). A job per email leaves each request the gap of a
# broker round trip, as before jobs took lists; make run needs no more speed than that.


def enqueue_after_commit(email_id: int) -> None:
    db.session.info.setdefault(_KEY, []).append(email_id)


def batches(email_ids: Iterable[int]) -> Iterator[list[int]]:
    """The ids, each once, in jobs of at most BATCH_SIZE (of one on SQLite)."""
    unique = list(dict.fromkeys(email_ids))
    size = 1 if db.engine.dialect.name == "sqlite" else BATCH_SIZE
    for start in range(0, len(unique), size):
        yield unique[start : start + size]


def enqueue_sends(email_ids: list[int], *, countdown: float | None = None) -> bool:
    """Put one send job for these emails on the broker now; False (and logged) if the broker
    is unreachable."""
    celery = current_app.extensions["celery"]
    try:
        # retry=False: with the broker down, fail at once rather than hold up the request.
        celery.send_task(SEND_TASK, args=[email_ids], countdown=countdown, retry=False)
    except Exception:
        log.warning("Could not enqueue emails %s; the sweeper will send them", email_ids)
        return False
    return True


def enqueue_send(email_id: int, *, countdown: float | None = None) -> bool:
    """A send job for one email (a retry after its countdown, say)."""
    return enqueue_sends([email_id], countdown=countdown)


def _after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint was released; the outer transaction may still roll back
    for batch in batches(session.info.pop(_KEY, [])):
        if not enqueue_sends(batch):
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

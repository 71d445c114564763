"""Background jobs for the outbox. They take ids and commit their own work.

A send job takes a list of emails (those one transaction queued, up to outbox.BATCH_SIZE) and
sends them one after another on the worker's kept SMTP connection. Each email is still claimed,
staged and recorded on its own, as if it had a job of its own: the list only saves the broker
round trips, and lets the claim of the next email ride on the commit that records this one.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from celery import shared_task
from celery.signals import worker_process_shutdown, worker_shutdown, worker_shutting_down
from flask import current_app
from jinja2 import TemplateError
from sqlalchemy.orm import Session

from tracker.extensions import db
from tracker.notifications import services
from tracker.notifications.backends import (
    Attachment,
    DeliveryError,
    Outgoing,
    close_kept_connection,
    get_backend,
    look_up_earlier_attempt,
    message_id_for,
)
from tracker.notifications.models import Email
from tracker.notifications.outbox import batches, enqueue_send, enqueue_sends
from tracker.notifications.rendering import render_email
from tracker.notifications.services import Claimed

log = logging.getLogger(__name__)

# How long one job keeps taking emails from its list before it hands the rest back as a new
# job. A prefork child never hears that its worker is stopping (only the solo pool's process
# does, below), and a list of 50 to a stalled server could otherwise hold a graceful stop for
# minutes; 5 s stays well inside `docker stop`'s 10 s.
BATCH_SECONDS = 5.0
_STOPPING = threading.Event()


@worker_process_shutdown.connect  # a prefork pool's child process
@worker_shutdown.connect  # the solo pool's one process
def _say_quit_to_the_mail_server(**_) -> None:
    close_kept_connection()


@worker_shutting_down.connect  # SIGTERM: finish the email in hand, hand back the rest
def _stop_taking_emails(**_) -> None:
    _STOPPING.set()


@shared_task(name="tracker.notifications.tasks.send_emails")
def send_emails(email_ids: list[int]) -> dict[str, int]:
    """Send these outbox emails, in id order, each at most once however often this job runs.

    The one exception is a worker that dies in the instant between its provider accepting
    an email and the commit that records it: then the sweeper sends it again, and marks it
    as possibly sent twice. That instant is kept to a single COMMIT (see stage_sent), and a
    worker is only ever in it for one email.

    Returns how many emails ended each way ("sent", "retrying", "skipped": another job had
    it, ...), leaving out the ways none did.
    """
    with _one_database_connection():
        return _send_in_turn(sorted(set(email_ids)))


def _send_in_turn(ids: list[int]) -> dict[str, int]:
    deadline = time.monotonic() + BATCH_SECONDS
    outcomes: Counter[str] = Counter()
    claimed = services.claim_next(ids=ids, after=0)
    db.session.commit()  # the claim is visible to every other worker before we send
    last, handing_back = 0, False
    try:
        while claimed is not None:
            last = claimed.id
            handing_back = time.monotonic() >= deadline or _STOPPING.is_set()
            outcome, claimed = _send_one(claimed, () if handing_back else ids)
            outcomes[outcome] += 1
    except Exception:
        handing_back = True
        raise
    finally:
        rest = [i for i in ids if i > last] if handing_back else []
        if rest:
            enqueue_sends(rest)
            outcomes["handed_back"] = len(rest)
    outcomes["skipped"] = len(ids) - sum(outcomes.values())
    return {outcome: n for outcome, n in outcomes.items() if n}


@contextmanager
def _one_database_connection() -> Iterator[None]:
    """The job's statements on one database connection, taken from the pool once.

    Each email still commits on its own, but a session hands its connection back to the pool
    at every commit, and the pool checks a connection (SELECT 1, pool_pre_ping) each time it
    lends it: a round trip in five of each email's. A session bound to one connection keeps
    it between commits; if the database drops it, the failing email is rolled back and the
    connection is replaced (SQLAlchemy reconnects an invalidated connection on next use).
    """
    db.session.remove()
    with db.engine.connect() as connection:
        db.session.registry.set(Session(bind=connection))
        try:
            yield
        finally:
            db.session.remove()


@shared_task(name="tracker.notifications.tasks.send_email")
def send_email(email_id: int) -> dict[str, int]:
    """One email: jobs queued before send jobs took lists may still be in Redis at a deploy."""
    return send_emails([email_id])


def _send_one(claimed: Claimed, more: Sequence[int]) -> tuple[str, Claimed | None]:
    """Send one claimed email; returns how it ended and the next email claimed from MORE."""
    acceptance = _Acceptance(claimed.id)
    try:
        return _send_claimed(claimed, more, acceptance)
    except Exception as exc:
        db.session.rollback()  # the staged `sent` did not come true, nor the next claim
        if acceptance.accepted:
            # The provider has the email but the commit failed (the database went away).
            # The row is `sending` again; the sweeper will send it again, marked uncertain.
            log.exception("Email %s was accepted but could not be recorded as sent", claimed.id)
            raise
        outcome, delay = _record_failure(claimed, exc)
        following = services.claim_next(ids=more, after=claimed.id)
        db.session.commit()
        if delay is not None:
            enqueue_send(claimed.id, countdown=delay)
        return outcome, following


@dataclass
class _Acceptance:
    """Called by the backend the moment the provider accepts the email: records it first,
    before QUIT, logging, or anything else."""

    email_id: int
    message_id: str | None = None
    accepted: bool = False

    def __call__(self, reference: str) -> None:
        self.accepted = True
        if reference != self.message_id:
            services.set_provider_reference(email_id=self.email_id, reference=reference)
        db.session.commit()


def _send_claimed(
    claimed: Claimed, more: Sequence[int], acceptance: _Acceptance
) -> tuple[str, Claimed | None]:
    """Render and send a claimed email: "sent", "found" (an earlier worker's send reached
    the provider) or "abandoned" (the claim lapsed), with the next email claimed from MORE;
    raises when sending fails."""
    backend = get_backend()
    rendered = render_email(claimed.template, claimed.context)
    outgoing = Outgoing(
        recipient=claimed.recipient,
        rendered=rendered,
        message_id=message_id_for(claimed.id),
        reference=claimed.idempotency_key,
        attachments=tuple(Attachment(**a) for a in claimed.attachments or ()),
    )
    acceptance.message_id = outgoing.message_id
    doubt_settled = False
    if claimed.uncertain_since is not None:
        # A worker died sending this. If the provider can tell us whether it got the email,
        # ask, rather than risk sending it twice.
        asked, found = look_up_earlier_attempt(backend, outgoing)
        if found:
            email = db.session.get_one(Email, claimed.id)
            services.record_found_sent(email=email, subject=rendered.subject, reference=found)
            following = services.claim_next(ids=more, after=claimed.id)
            db.session.commit()
            log.info("Email %s had reached the provider before its worker stopped", claimed.id)
            return "found", following
        doubt_settled = asked  # the provider has no copy: this send will be the only one
    # The next email's claim rides on this email's transaction, so the commit at the 250
    # records this one as sent and claims the next at once: the claim runs before the message
    # goes, so nothing but that COMMIT stands between acceptance and record. Should the send
    # fail, the rollback undoes both, and the next email is claimed again after.
    staged, following = services.stage_sent_and_claim_next(
        email=claimed,
        subject=rendered.subject,
        reference=outgoing.message_id,
        hold_for=current_app.config["EMAIL_CLAIM_TIMEOUT_SECONDS"],
        doubt_settled=doubt_settled,
        ids=more,
    )
    if not staged:
        # The sweeper freed this slow claim, and another job will send it: not us.
        db.session.rollback()
        following = services.claim_next(ids=more, after=claimed.id)
        db.session.commit()
        return "abandoned", following
    backend.send(outgoing, on_accepted=acceptance)
    return "sent", following


def _record_failure(claimed: Claimed, exc: Exception) -> tuple[str, float | None]:
    """Record a failed attempt (uncommitted): how it ended, and the delay before a retry."""
    config = current_app.config
    # A template error will not mend itself: give up at once rather than retry.
    permanent = isinstance(exc, TemplateError | KeyError)
    email = db.session.get_one(Email, claimed.id)
    if not services.still_claimed(email, claimed.claimed_at):
        return "abandoned", None
    delay = services.record_failure(
        email=email,
        error=str(exc) if isinstance(exc, DeliveryError) else f"{type(exc).__name__}: {exc}",
        max_attempts=email.attempts if permanent else config["EMAIL_MAX_ATTEMPTS"],
        base=config["EMAIL_RETRY_BASE_SECONDS"],
        ceiling=config["EMAIL_RETRY_MAX_SECONDS"],
    )
    if delay is None:
        # By id only: the server's error text can hold the address, and logs must hold no
        # personal data that erasure could not reach. The error is on the row (and HR's page).
        log.error("Email %s failed for good after %s attempts", claimed.id, email.attempts)
        return "failed", None
    return "retrying", delay


@shared_task(name="tracker.notifications.tasks.sweep_outbox")
def sweep_outbox() -> dict:
    """Free abandoned claims and re-enqueue emails whose queue message never arrived."""
    config = current_app.config
    freed = services.free_abandoned_claims(
        claim_timeout=config["EMAIL_CLAIM_TIMEOUT_SECONDS"],
        max_attempts=config["EMAIL_MAX_ATTEMPTS"],
    )
    db.session.commit()
    overdue = services.overdue_email_ids(overdue_after=config["EMAIL_SWEEP_AFTER_SECONDS"])
    enqueued = 0
    for batch in batches(freed + overdue):
        if not enqueue_sends(batch):
            break  # the broker is down: the next sweep tries again
        enqueued += len(batch)
    if freed or enqueued:
        log.info("Outbox sweep: freed %s abandoned, enqueued %s", len(freed), enqueued)
    return {"freed": len(freed), "enqueued": enqueued}

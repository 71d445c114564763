"""Background jobs for the outbox. They take ids, reload rows, and commit their own work."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from celery import shared_task
from celery.signals import worker_process_shutdown, worker_shutdown
from flask import current_app
from jinja2 import TemplateError

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
from tracker.notifications.outbox import enqueue_send
from tracker.notifications.rendering import render_email

log = logging.getLogger(__name__)


@worker_process_shutdown.connect  # a prefork pool's child process
@worker_shutdown.connect  # the solo pool's one process
def _say_quit_to_the_mail_server(**_) -> None:
    close_kept_connection()


@shared_task(name="tracker.notifications.tasks.send_email")
def send_email(email_id: int) -> str:
    """Send one outbox email, at most once however often this job runs.

    The one exception is a worker that dies in the instant between its provider accepting
    the email and the commit that records it: then the sweeper sends it again, and marks it
    as possibly sent twice. That instant is kept to a single COMMIT (see stage_sent).
    """
    email = services.claim_email(email_id=email_id)
    db.session.commit()  # the claim is visible to every other worker before we send
    if email is None:
        return "skipped"
    claimed_at = email.claimed_at
    acceptance = _Acceptance(email_id)
    try:
        return _send_claimed(email, claimed_at, acceptance)
    except Exception as exc:
        db.session.rollback()  # the staged `sent` did not come true
        if acceptance.accepted:
            # The provider has the email but the commit failed (the database went away).
            # The row is `sending` again; the sweeper will send it again, marked uncertain.
            log.exception("Email %s was accepted but could not be recorded as sent", email_id)
            raise
        return _record_failure(email, claimed_at, exc)


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


def _send_claimed(email, claimed_at, acceptance: _Acceptance) -> str:
    """Render and send a claimed email: "sent", "found" (an earlier worker's send reached
    the provider) or "abandoned" (the claim lapsed); raises when sending fails."""
    backend = get_backend()
    rendered = render_email(email.template, email.context)
    outgoing = Outgoing(
        recipient=email.recipient,
        rendered=rendered,
        message_id=message_id_for(email.id),
        reference=email.idempotency_key,
        attachments=tuple(Attachment(**a) for a in email.attachments or ()),
    )
    acceptance.message_id = outgoing.message_id
    doubt_settled = False
    if email.uncertain_since is not None:
        # A worker died sending this. If the provider can tell us whether it got the email,
        # ask, rather than risk sending it twice.
        asked, found = look_up_earlier_attempt(backend, outgoing)
        if found:
            services.record_found_sent(email=email, subject=rendered.subject, reference=found)
            db.session.commit()
            log.info("Email %s had reached the provider before its worker stopped", email.id)
            return "found"
        doubt_settled = asked  # the provider has no copy: this send will be the only one
    staged = services.stage_sent(
        email=email,
        claimed_at=claimed_at,
        subject=rendered.subject,
        reference=outgoing.message_id,
        hold_for=current_app.config["EMAIL_CLAIM_TIMEOUT_SECONDS"],
        doubt_settled=doubt_settled,
    )
    if not staged:
        # The sweeper freed this slow claim, and another job will send it: not us.
        db.session.rollback()
        return "abandoned"
    backend.send(outgoing, on_accepted=acceptance)
    return "sent"


def _record_failure(email, claimed_at, exc: Exception) -> str:
    config = current_app.config
    # A template error will not mend itself: give up at once rather than retry.
    permanent = isinstance(exc, TemplateError | KeyError)
    if not services.still_claimed(email, claimed_at):
        db.session.commit()
        return "abandoned"
    delay = services.record_failure(
        email=email,
        error=str(exc) if isinstance(exc, DeliveryError) else f"{type(exc).__name__}: {exc}",
        max_attempts=email.attempts if permanent else config["EMAIL_MAX_ATTEMPTS"],
        base=config["EMAIL_RETRY_BASE_SECONDS"],
        ceiling=config["EMAIL_RETRY_MAX_SECONDS"],
    )
    db.session.commit()
    if delay is None:
        # By id only: the server's error text can hold the address, and logs must hold no
        # personal data that erasure could not reach. The error is on the row (and HR's page).
        log.error("Email %s failed for good after %s attempts", email.id, email.attempts)
        return "failed"
    enqueue_send(email.id, countdown=delay)
    return "retrying"


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
    enqueued = sum(enqueue_send(email_id) for email_id in dict.fromkeys(freed + overdue))
    if freed or enqueued:
        log.info("Outbox sweep: freed %s abandoned, enqueued %s", len(freed), enqueued)
    return {"freed": len(freed), "enqueued": enqueued}

"""Background jobs for the outbox. They take ids, reload rows, and commit their own work."""

from __future__ import annotations

import logging

from celery import shared_task
from flask import current_app
from jinja2 import TemplateError

from tracker.extensions import db
from tracker.notifications import services
from tracker.notifications.backends import DeliveryError, Outgoing, get_backend, message_id_for
from tracker.notifications.outbox import enqueue_send
from tracker.notifications.rendering import render_email

log = logging.getLogger(__name__)


@shared_task(name="tracker.notifications.tasks.send_email")
def send_email(email_id: int) -> str:
    """Send one outbox email, at most once however often this job runs."""
    email = services.claim_email(email_id=email_id)
    db.session.commit()  # the claim is visible to every other worker before we send
    if email is None:
        return "skipped"
    config = current_app.config
    claimed_at = email.claimed_at
    try:
        rendered = render_email(email.template, email.context)
        reference = get_backend().send(
            Outgoing(
                recipient=email.recipient,
                rendered=rendered,
                message_id=message_id_for(email.id),
                reference=email.idempotency_key,
            )
        )
    except Exception as exc:
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
    if not services.still_claimed(email, claimed_at, sent=True):
        # Another worker took this row after the sweeper freed it: it may arrive twice.
        log.warning("Email %s was sent after its claim expired; it may arrive twice", email.id)
        db.session.commit()
        return "late"
    services.record_sent(email=email, subject=rendered.subject, reference=reference)
    db.session.commit()
    return "sent"


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

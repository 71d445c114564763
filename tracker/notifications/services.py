"""Outbox verbs. They flush and never commit: the caller's transaction decides.

Queueing writes the row in the caller's transaction and marks it to be enqueued once that
transaction commits (see outbox.py). Delivery claims a row before sending, so that two workers
never send the same email, and records the outcome afterwards.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Update, exists, func, literal, or_, select, true, update
from sqlalchemy.exc import IntegrityError

from tracker.clock import utcnow
from tracker.extensions import db, rows_matched
from tracker.notifications import outbox
from tracker.notifications.models import Email, EmailStatus
from tracker.notifications.rendering import REGISTRY
from tracker.refusals import Refused


class UnknownTemplate(ValueError):
    pass


class NotRetryable(Refused):
    """An email the outbox will not send again, with a message for HR."""


UNCERTAIN_ERROR = (
    "The worker stopped while sending this email, so it may have been sent already; "
    "it is being sent again and may arrive twice."
)
UNCERTAIN_LAST_ERROR = (
    "The worker stopped while making the last attempt to send this email, so it may or may "
    "not have been sent."
)


def queue_email(
    *,
    actor: str,
    to: str,
    template: str,
    context: dict,
    idempotency_key: str,
    attachments: list[dict] | None = None,
) -> Email:
    """Add an email to the outbox, or return the one already queued under this key.

    attachments: files to send with it, each {"filename", "content_type", "content"} with
    text content; kept on the row as they are now, so a retry sends the same file.
    """
    if template not in REGISTRY:
        raise UnknownTemplate(f"no email template called {template!r}")
    existing = db.session.scalar(select(Email).where(Email.idempotency_key == idempotency_key))
    if existing is not None:
        return existing
    email = Email(
        idempotency_key=idempotency_key,
        recipient=to.strip(),
        template=template,
        context=context,
        attachments=[_attachment(a) for a in attachments or ()],
        queued_by=actor,
        status=EmailStatus.PENDING,
        attempts=0,
        next_attempt_at=utcnow(),
    )
    try:
        with db.session.begin_nested():
            db.session.add(email)
    except IntegrityError:
        # Another transaction queued the same key first: theirs is the one email.
        return db.session.scalars(
            select(Email).where(Email.idempotency_key == idempotency_key)
        ).one()
    outbox.enqueue_after_commit(email.id)
    return email


def _attachment(given: dict) -> dict:
    missing = {"filename", "content_type", "content"} - set(given)
    if missing:
        raise ValueError(f"an attachment needs {', '.join(sorted(missing))}")
    return {key: str(given[key]) for key in ("filename", "content_type", "content")}


def retry_email(*, actor: str, email: Email) -> Email:
    """Give a failed email a fresh set of attempts."""
    if email.status is not EmailStatus.FAILED:
        raise NotRetryable(f"only failed emails can be retried; this one is {email.status.value}")
    email.status = EmailStatus.PENDING
    email.attempts = 0
    email.failed_at = None
    email.next_attempt_at = utcnow()
    email.last_error = f"{email.last_error} (retried by {actor})"
    db.session.flush()
    outbox.enqueue_after_commit(email.id)
    return email


def claim_email(*, email_id: int) -> Email | None:
    """Mark a due, pending email as being sent by this worker; None if it is not ours to send.

    A single conditional UPDATE, so it is atomic on PostgreSQL and SQLite alike.
    """
    now = utcnow()
    claimed = rows_matched(
        update(Email)
        .where(
            Email.id == email_id,
            Email.status == EmailStatus.PENDING,
            # A message may arrive a moment before its countdown ends; a second's grace.
            Email.next_attempt_at <= now + timedelta(seconds=1),
        )
        .values(status=EmailStatus.SENDING, claimed_at=now, attempts=Email.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    if not claimed:
        return None
    return db.session.get(Email, email_id, populate_existing=True)


@dataclass(frozen=True)
class Claimed:
    """What a worker needs to send an email it has claimed, as the claim's UPDATE returned it:
    nothing is read again after the claim commits."""

    id: int
    claimed_at: datetime
    attempts: int
    recipient: str
    template: str
    context: dict
    attachments: list
    idempotency_key: str
    uncertain_since: datetime | None


def claim_next(*, ids: Sequence[int], after: int) -> Claimed | None:
    """Claim the lowest-numbered due, pending email among IDS above AFTER; None if none is left.

    One UPDATE ... RETURNING, so the claim and the row's contents arrive in one round trip.
    SKIP LOCKED passes over a row another worker holds (a sweeper's second job for the same
    email) instead of waiting for it; on SQLite, which has no row locks, the clause is left
    out and its one writer at a time does the same job.
    """
    if not ids:
        return None
    row = db.session.execute(_claim(ids, after).returning(*_CLAIMED)).one_or_none()
    return None if row is None else Claimed(*row)


_CLAIMED = (
    Email.id,
    Email.claimed_at,
    Email.attempts,
    Email.recipient,
    Email.template,
    Email.context,
    Email.attachments,
    Email.idempotency_key,
    Email.uncertain_since,
)


def _claim(ids: Sequence[int], after: int) -> Update:
    now = utcnow()
    candidate = (
        select(Email.id)
        .where(
            Email.id.in_(ids),
            Email.id > after,
            Email.status == EmailStatus.PENDING,
            # A message may arrive a moment before its countdown ends; a second's grace.
            Email.next_attempt_at <= now + timedelta(seconds=1),
        )
        .order_by(Email.id)
        .limit(1)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    return (
        update(Email.__table__)
        .where(Email.id == candidate, Email.status == EmailStatus.PENDING)
        .values(status=EmailStatus.SENDING, claimed_at=now, attempts=Email.attempts + 1)
    )


def still_claimed(email: Email, claimed_at) -> bool:
    """Whether this worker may record a failure: the sweeper may have freed a slow send."""
    db.session.refresh(email, with_for_update=True)
    return email.status is EmailStatus.SENDING and email.claimed_at == claimed_at


def stage_sent(
    *,
    email: Email | Claimed,
    claimed_at,
    subject: str,
    reference: str,
    hold_for: float,
    doubt_settled: bool = False,
) -> bool:
    """Write `sent` ahead of the send, uncommitted; False if this worker's claim has lapsed.

    The caller commits the moment the provider accepts the email, so that a crash then loses
    as little as possible: between acceptance and the record there is one COMMIT and nothing
    else. If the provider refuses, or the worker dies, the write is rolled back (PostgreSQL
    does that when the connection drops) and the email is `sending` again, for the sweeper.

    The UPDATE also locks the row until then, and the sweeper skips locked rows, so it cannot
    free (and so send again) an email whose send is under way. `hold_for` (the claim timeout)
    bounds that lock: if this worker's machine vanishes, PostgreSQL ends its session after
    that long idle in the transaction, rather than when TCP notices, hours later.

    doubt_settled: the provider said it never got an earlier attempt, so once this one is
    accepted the email has gone exactly once, and is no longer shown as perhaps doubled.
    """
    staging = _stage(email.id, claimed_at, subject, reference, hold_for, doubt_settled)
    return bool(rows_matched(staging))


def stage_sent_and_claim_next(
    *,
    email: Claimed,
    subject: str,
    reference: str,
    hold_for: float,
    doubt_settled: bool,
    ids: Sequence[int],
) -> tuple[bool, Claimed | None]:
    """stage_sent, then claim_next(ids=IDS, after=EMAIL.id) in the same transaction, so that
    the commit at the provider's acceptance records this email and claims the next at once.

    On PostgreSQL it is one statement (the claim in a WITH after the stage, taken only if
    the stage was), so it costs one round trip, not two.
    """
    staging = _stage(email.id, email.claimed_at, subject, reference, hold_for, doubt_settled)
    if not ids or db.session.get_bind().dialect.name != "postgresql":
        staged = bool(rows_matched(staging))
        return staged, (claim_next(ids=ids, after=email.id) if staged else None)
    staged_ids = staging.returning(Email.id).cte("staged")
    claiming = _claim(ids, email.id).where(exists(select(staged_ids.c.id)))
    claimed = claiming.returning(*_CLAIMED).cte("claimed")
    one = select(literal(1).label("one")).subquery("one")
    row = db.session.execute(
        select(
            select(func.count()).select_from(staged_ids).scalar_subquery(), *claimed.c
        ).select_from(one.outerjoin(claimed, true()))
    ).one()
    return bool(row[0]), (None if row[1] is None else Claimed(*row[1:]))


def _stage(email_id, claimed_at, subject, reference, hold_for, doubt_settled) -> Update:
    held = [
        Email.id == email_id,
        Email.status == EmailStatus.SENDING,
        Email.claimed_at == claimed_at,
    ]
    if db.session.get_bind().dialect.name == "postgresql":
        # In the UPDATE's own WHERE, so that it costs no round trip of its own (one of the few
        # left per email). set_config is volatile, so PostgreSQL runs it on the row it finds;
        # if there is no such row, nothing is staged and the transaction is rolled back anyway.
        timeout = str(max(1, int(hold_for * 1000)))
        held.append(
            func.set_config("idle_in_transaction_session_timeout", timeout, True).is_not(None)
        )
    return (
        update(Email.__table__)
        .where(*held)
        .values(
            status=EmailStatus.SENT,
            sent_at=utcnow(),
            subject=subject,
            provider_reference=reference,
            last_error=None,
            **({"uncertain_since": None} if doubt_settled else {}),
        )
    )


def set_provider_reference(*, email_id: int, reference: str) -> None:
    """The provider's own id for a staged send, once it has given one (Notify does)."""
    db.session.execute(
        update(Email)
        .where(Email.id == email_id)
        .values(provider_reference=reference[:200])
        .execution_options(synchronize_session=False)
    )


def record_found_sent(*, email: Email, subject: str, reference: str) -> None:
    """The provider already has this email from an attempt whose outcome was lost: it went
    once after all, so it is sent, and no longer in doubt."""
    email.status = EmailStatus.SENT
    email.sent_at = utcnow()
    email.subject = subject
    email.provider_reference = reference[:200]
    email.last_error = None
    email.uncertain_since = None
    db.session.flush()


def backoff_seconds(attempts: int, *, base: float, ceiling: float) -> float:
    """Exponential: base, twice base, four times base, and so on, capped at the ceiling."""
    return min(ceiling, base * 2 ** max(0, attempts - 1))


def record_failure(*, email: Email, error: str, max_attempts: int, base: float, ceiling: float):
    """Schedule another attempt, or give up after the last; returns the delay, or None."""
    email.last_error = error[:2000]
    email.claimed_at = None
    if email.attempts >= max_attempts:
        email.status = EmailStatus.FAILED
        email.failed_at = utcnow()
        db.session.flush()
        return None
    delay = backoff_seconds(email.attempts, base=base, ceiling=ceiling)
    email.status = EmailStatus.PENDING
    email.next_attempt_at = utcnow() + timedelta(seconds=delay)
    db.session.flush()
    return delay


def free_abandoned_claims(*, claim_timeout: float, max_attempts: int) -> list[int]:
    """Emails a worker claimed and never finished (it died): back to pending, or failed.

    Nobody knows how far that worker got: if its mail server had accepted the email, sending
    it again delivers it twice. So each one is marked uncertain, for staff to see.
    Returns the ids put back to pending, for the caller to enqueue once this commits.
    """
    cutoff = utcnow() - timedelta(seconds=claim_timeout)
    abandoned = db.session.scalars(
        select(Email)
        .where(Email.status == EmailStatus.SENDING, Email.claimed_at < cutoff)
        .with_for_update(skip_locked=True)
    ).all()
    now = utcnow()
    for email in abandoned:
        email.claimed_at = None
        email.uncertain_since = email.uncertain_since or now
        if email.attempts >= max_attempts:
            email.status = EmailStatus.FAILED
            email.failed_at = now
            email.last_error = UNCERTAIN_LAST_ERROR
        else:
            email.status = EmailStatus.PENDING
            email.next_attempt_at = now
            email.last_error = UNCERTAIN_ERROR
    db.session.flush()
    return [e.id for e in abandoned if e.status is EmailStatus.PENDING]


def overdue_email_ids(*, overdue_after: float, limit: int = 500) -> list[int]:
    """Pending emails that should have been sent by now: their queue message was lost."""
    cutoff = utcnow() - timedelta(seconds=overdue_after)
    return list(
        db.session.scalars(
            select(Email.id)
            .where(
                Email.status == EmailStatus.PENDING,
                or_(Email.next_attempt_at < cutoff, Email.next_attempt_at.is_(None)),
            )
            .order_by(Email.next_attempt_at)
            .limit(limit)
        )
    )

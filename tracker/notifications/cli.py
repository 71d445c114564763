"""`flask emails ...`: check delivery, see the outbox, retry what failed."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from tracker.clock import utcnow
from tracker.extensions import db
from tracker.notifications import queries, services
from tracker.notifications.models import Email

emails_cli = AppGroup("emails", help="The email outbox.")


@emails_cli.command("send-test")
@click.argument("address")
def send_test(address: str) -> None:
    """Queue a test email to ADDRESS, to check that delivery works end to end."""
    email = services.queue_email(
        actor="command line",
        to=address,
        template="test_email",
        context={"requested_by": "An administrator"},
        idempotency_key=f"test_email:{address}:{utcnow().isoformat()}",
    )
    db.session.commit()
    click.echo(f"Queued email {email.id} to {address}; a worker will send it.")


@emails_cli.command("status")
def status() -> None:
    """Count emails by status, list those that failed and those that may have gone twice, and
    fail if nothing is sending."""
    for state, count in queries.count_by_status().items():
        click.echo(f"{state.value:>8}: {count}")
    for email in queries.failed_emails():
        click.echo(f"failed {email.id} to {email.recipient} ({email.template}): {email.last_error}")
    uncertain = queries.count_uncertain()
    click.echo(f"may have been sent twice: {uncertain}")
    if uncertain:
        click.echo(
            "  A worker stopped while sending these, so nobody can tell whether the mail server"
            " already had them; each was sent again."
        )
    for email in queries.uncertain_emails():
        click.echo(
            f"uncertain {email.id} to {email.recipient} ({email.template}), now"
            f" {email.status.value}: its worker stopped mid-send at"
            f" {email.uncertain_since:%Y-%m-%d %H:%M:%S} UTC"
        )
    stalled, oldest = queries.stalled_pending()
    if stalled:
        minutes = max(1, round((utcnow() - oldest).total_seconds() / 60))
        raise click.ClickException(
            f"{stalled} pending emails are overdue, the oldest by {minutes} minutes: nothing is "
            "sending email. Check that a Celery worker with beat is running and can reach the "
            "broker (its log says why it stopped; `make run` restarts it)."
        )


@emails_cli.command("retry")
@click.argument("email_id", type=int)
def retry(email_id: int) -> None:
    """Try a failed email again, with a fresh set of attempts."""
    email = db.session.get(Email, email_id)
    if email is None:
        raise click.ClickException(f"There is no email {email_id}.")
    try:
        services.retry_email(actor="command line", email=email)
    except services.NotRetryable as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"Email {email_id} will be tried again.")

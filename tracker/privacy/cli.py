"""`flask retention run [--dry-run]`: anonymise applicants past their campaign's retention."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from tracker import clock
from tracker.extensions import db
from tracker.privacy import services

retention_cli = AppGroup("retention", help="Personal data past its retention period.")


@retention_cli.command("run")
@click.option("--dry-run", is_flag=True, help="List what would be anonymised; change nothing.")
def run(dry_run: bool) -> None:
    """Anonymise unsuccessful and withdrawn applicants past their campaign's retention."""
    result = services.run_retention(
        today=clock.today(), dry_run=dry_run, actor_label="flask retention run"
    )
    verb = "Would anonymise" if dry_run else "Anonymised"
    for due in result.applications:
        click.echo(
            f"{verb} {due.reference or 'draft ' + str(due.application_id)} "
            f"({due.status.value}, {due.campaign}, retention ended {due.retention_ended_on})"
        )
    click.echo(
        f"{verb} {len(result.applications)} application(s); "
        f"{'would remove' if dry_run else 'removed'} {result.applicants} applicant "
        "email address(es)."
    )
    if not dry_run:
        db.session.commit()

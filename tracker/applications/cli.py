"""`flask applications recount [--check]` and `flask applications fold`: the tally the staff
pages count from (tracker/applications/counts.py), checked and repaired by an operator."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from tracker.applications import counts
from tracker.extensions import db

applications_cli = AppGroup("applications", help="Submitted applications and their counts.")


@applications_cli.command("recount")
@click.option("--check", is_flag=True, help="Only report groups whose count is wrong.")
def recount(check: bool) -> None:
    """Rebuild the stage counts from the applications (after a restore, say, or to repair).
    Changes to applications wait for the few seconds it takes."""
    wrong = counts.drift(current_app.config["WAITING_DAYS"])
    for *group, tallied, counted in wrong:
        click.echo(f"{' '.join(map(str, group))}: counted {tallied}, really {counted}")
    if check:
        click.echo(f"{len(wrong)} group(s) wrong.")
        raise SystemExit(1 if wrong else 0)
    counts.recount()
    db.session.commit()
    click.echo(f"Recounted: {len(wrong)} group(s) were wrong and are now right.")


@applications_cli.command("fold")
def fold() -> None:
    """Sum the counts' appended rows into one per group (beat does this every minute)."""
    rows = counts.fold(current_app.config["WAITING_DAYS"])
    db.session.commit()
    click.echo(f"Folded {rows} row(s).")

"""`flask catalogue load FILE`: load a council's catalogue file."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from tracker import clock
from tracker.catalogue.schema import CatalogueInvalid, parse_catalogue
from tracker.catalogue.services import load_catalogue
from tracker.extensions import db

catalogue_cli = AppGroup("catalogue", help="Manage the campaign, tracks and roles.")


@catalogue_cli.command("load")
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
def load_command(file: Path | None) -> None:
    """Create or update the catalogue from FILE (default: the configured CATALOGUE_FILE).

    Safe to run again: entries are matched by slug. An invalid file changes nothing.
    """
    path = file or Path(current_app.config["CATALOGUE_FILE"])
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise click.ClickException(f"Cannot read {path}: {exc.strerror}") from exc
    try:
        document = parse_catalogue(text, source=str(path), today=clock.today())
    except CatalogueInvalid as invalid:
        click.echo(f"{path} has {len(invalid.problems)} problem(s); nothing was loaded:", err=True)
        for problem in invalid.problems:
            click.echo(f"  {problem}", err=True)
        raise SystemExit(1) from invalid
    report = load_catalogue(document=document)
    db.session.commit()
    for line in report.lines():
        click.echo(line)

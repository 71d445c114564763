"""`flask catalogue load FILE`: load a council's catalogue file."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from redis.exceptions import RedisError
from sqlalchemy import select

from tracker import clock
from tracker.catalogue.models import Campaign
from tracker.catalogue.schema import CatalogueInvalid, parse_catalogue
from tracker.catalogue.services import load_catalogue
from tracker.extensions import db
from tracker.page_cache import forget_shared_pages

catalogue_cli = AppGroup("catalogue", help="Manage the campaign, tracks and roles.")


@catalogue_cli.command("load")
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--if-empty",
    is_flag=True,
    help="Load only when no campaign exists yet (for first deployments).",
)
def load_command(file: Path | None, if_empty: bool) -> None:
    """Create or update the catalogue from FILE (default: the configured CATALOGUE_FILE).

    Safe to run again: entries are matched by slug. An invalid file changes nothing.
    """
    if if_empty and db.session.scalar(select(Campaign.id).limit(1)) is not None:
        click.echo("A campaign already exists; nothing loaded (--if-empty).")
        return
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
    # After the commit: a page rendered from here on shows the catalogue just loaded.
    try:
        forget_shared_pages()
    except (RedisError, OSError) as error:
        raise click.ClickException(
            f"The catalogue was loaded, but the page cache could not be told ({error}): the "
            "public pages show the old one until tomorrow. Run this command again."
        ) from error

"""`flask users create-admin EMAIL`: the first administrator."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from tracker.accounts import second_factor, users
from tracker.accounts.models import User
from tracker.extensions import db

users_cli = AppGroup("users", help="Staff accounts.")


@users_cli.command("create-admin")
@click.argument("email")
@click.option("--name", prompt="Full name", help="The administrator's full name.")
@click.password_option(
    "--password", prompt="Password (at least 12 characters)", help="Asked for if not given."
)
def create_admin(email: str, name: str, password: str) -> None:
    """Create an administrator (HR) who can sign in and invite everyone else.

    They set up security codes (an authenticator app) the first time they sign in.
    """
    try:
        user = users.create_admin(
            created_by="command line", email=email, name=name, password=password
        )
    except users.AccountError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"Created administrator {user.email}. Sign in at /staff/sign-in.")


@users_cli.command("reset-second-factor")
@click.argument("email")
def reset_second_factor(email: str) -> None:
    """For an administrator who lost their phone: they set up a new app at next sign-in."""
    user = db.session.scalar(select(User).where(User.email == users.normalise_email(email)))
    if user is None:
        raise click.ClickException(f"There is no user with the email {email}.")
    second_factor.reset_second_factor(actor_label="command line", user=user)
    db.session.commit()
    click.echo(f"{user.email} will set up security codes again at their next sign-in.")

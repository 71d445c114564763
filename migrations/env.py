"""Alembic environment, run through Flask-Migrate inside the app (`flask db ...`)."""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app
from sqlalchemy import text

from tracker.sqlite import set_foreign_keys

config = context.config
# Keep the app's own loggers (and pytest's capture) working when migrations run in-process.
fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

target_db = current_app.extensions["migrate"].db
engine = target_db.engine
config.set_main_option(
    "sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%")
)


def run_migrations_offline():
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_db.metadata,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    def process_revision_directives(context, revision, directives):
        # An autogenerate that finds nothing to do should not write an empty migration.
        if getattr(config.cmd_opts, "autogenerate", False):
            script = directives[0]
            if script.upgrade_ops.is_empty():
                directives[:] = []
                logger.info("No changes in schema detected.")

    conf_args = dict(current_app.extensions["migrate"].configure_args)
    conf_args.setdefault("process_revision_directives", process_revision_directives)

    with engine.connect() as connection:
        # SQLite rebuilds a table to alter it (batch operations): with foreign keys on, dropping
        # the old copy would cascade-delete, or refuse, the rows that refer to it. They are off
        # for the migration only, checked afterwards, and on again before the connection goes
        # back to the pool.
        set_foreign_keys(connection, False)
        try:
            context.configure(
                connection=connection, target_metadata=target_db.metadata, **conf_args
            )
            with context.begin_transaction():
                context.run_migrations()
            _refuse_broken_references(connection)
        finally:
            if connection.in_transaction():
                connection.rollback()
            set_foreign_keys(connection, True)


def _refuse_broken_references(connection) -> None:
    """With enforcement off, a migration could leave a reference to a missing row: say so."""
    if connection.dialect.name != "sqlite":
        return
    broken = connection.execute(text("PRAGMA foreign_key_check")).all()
    connection.rollback()
    if broken:
        raise RuntimeError(f"The migration left rows that refer to missing rows: {broken[:10]}")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()

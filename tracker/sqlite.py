"""SQLite (the zero-setup local database) made to keep transactions as PostgreSQL does.

Python's sqlite3 driver starts transactions lazily and lets RELEASE SAVEPOINT commit one
that was begun by the savepoint itself, so a service's begin_nested() could commit the
request's work early. SQLAlchemy's documented remedy: leave transaction control to
SQLAlchemy and emit BEGIN ourselves.

BEGIN IMMEDIATE, not a plain BEGIN: a transaction that read first and wrote later could
otherwise fail at once with "database is locked" when the worker writes at the same moment.
Taking the write lock up front makes the other side wait (the driver's 5-second busy
timeout) instead. That serialises transactions, which is fine for one person trying the
service locally; production runs on PostgreSQL.

Foreign keys are switched on for every connection: SQLite ignores them (and so never runs
ON DELETE CASCADE) unless asked, so erasing an applicant would leave their notes, timeline,
equality answers and sessions behind. The pragma is a no-op inside a transaction, which is
why it is set at connect time, while the driver is in autocommit mode. Migrations switch
them off for their own connection (migrations/env.py): SQLite's table rebuilds would
otherwise cascade-delete the rows of the tables that refer to the one being rebuilt.
"""

from __future__ import annotations

import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Engine


def _on_connect(dbapi_connection, connection_record) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.isolation_level = None
        dbapi_connection.execute("PRAGMA foreign_keys = ON")


def _on_begin(connection) -> None:
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def set_foreign_keys(connection, enabled: bool) -> None:
    """Switch foreign key enforcement for one SQLAlchemy connection, outside any transaction
    (SQLite ignores the pragma inside one); other databases are left alone."""
    if connection.dialect.name != "sqlite":
        return
    if connection.in_transaction():
        raise RuntimeError("PRAGMA foreign_keys has no effect inside a transaction")
    # The raw driver connection: going through SQLAlchemy would BEGIN first (see _on_begin).
    connection.connection.driver_connection.execute(
        f"PRAGMA foreign_keys = {'ON' if enabled else 'OFF'}"
    )


def init_sqlite_transactions() -> None:
    """Listen on every engine (idempotent); engines that are not SQLite are left alone."""
    for name, listener in (("connect", _on_connect), ("begin", _on_begin)):
        if not event.contains(Engine, name, listener):
            event.listen(Engine, name, listener)

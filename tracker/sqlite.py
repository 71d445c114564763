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
"""

from __future__ import annotations

import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Engine


def _on_connect(dbapi_connection, connection_record) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.isolation_level = None


def _on_begin(connection) -> None:
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def init_sqlite_transactions() -> None:
    """Listen on every engine (idempotent); engines that are not SQLite are left alone."""
    for name, listener in (("connect", _on_connect), ("begin", _on_begin)):
        if not event.contains(Engine, name, listener):
            event.listen(Engine, name, listener)

"""The floor a page is measured against: the SQL one request ran, timed alone.

A page's own time is its queries plus Flask, the ORM and the template; the same statements
run through one raw DB-API connection are what the database must do for that page whatever
the code around it, so "page / SQL" says how much the rest costs.
"""

from __future__ import annotations

import statistics
import time

from sqlalchemy import event


class Recorder:
    """The SQL one request runs, to time the same statements alone (the floor)."""

    def __init__(self, engine):
        self.statements: list[tuple[str, object]] = []
        self.on = False
        event.listen(engine, "before_cursor_execute", self._record)

    def _record(self, conn, cursor, statement, parameters, context, executemany):
        if self.on:
            self.statements.append((statement, parameters))

    def record(self, client, path: str) -> list[tuple[str, object]]:
        self.statements, self.on = [], True
        try:
            assert client.get(path).status_code == 200
        finally:
            self.on = False
        return self.statements


def time_sql(engine, statements, requests: int) -> tuple[float, float]:
    """The same statements through one raw DB-API connection: the database's work alone."""
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()

        def run():
            for statement, parameters in statements:
                cursor.execute(statement, parameters)
                if cursor.description is not None:
                    cursor.fetchall()
            connection.rollback()

        for _ in range(5):
            run()
        timings = []
        for _ in range(requests):
            start = time.perf_counter()
            run()
            timings.append(time.perf_counter() - start)
    finally:
        connection.close()
    timings.sort()
    return statistics.median(timings) * 1000, timings[int(len(timings) * 0.95) - 1] * 1000

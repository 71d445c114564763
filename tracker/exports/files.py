"""Writing a shortlist as CSV or as an Excel workbook, one candidate at a time.

On PostgreSQL the database writes the cells (copy_csv.py, xlsx_rows.py); the Python path
here is kept for SQLite (`make run`) and one-column CSV files, and gives the same cells.
Both take the rows as an iterator and keep none of them: CSV is yielded in small chunks as
it is written, and the workbook's rows are deflated into a temporary file as they arrive
(xlsx.py). Memory stays flat however many rows there are.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import IO

from tracker.accounts.models import User
from tracker.applications.models import Application
from tracker.catalogue.models import Role
from tracker.exports import copy_csv, queries, xlsx, xlsx_rows
from tracker.exports.cells import safe_text
from tracker.exports.columns import CRITERION_KEY, Column, Value, needs, row
from tracker.exports.extras import Extra

Rows = Iterable[tuple[Application, Extra]]

CSV = "csv"
XLSX = "xlsx"
MEDIA_TYPES = {
    CSV: "text/csv; charset=utf-8",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# Excel reads a CSV file as UTF-8 only when it starts with a byte order mark.
_BOM = "\ufeff"
_CHUNK = 64 * 1024


def _csv_cell(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        # A spreadsheet opening a CSV file runs text like =HYPERLINK(...) or +44 ... as a
        # formula, so such text gets a leading apostrophe.
        return safe_text(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")  # UK time, as the column says
    return value.isoformat() if isinstance(value, date) else str(value)


def csv_chunks(columns: list[Column], applications: Rows) -> Iterator[bytes]:
    """The CSV file, UTF-8 with a byte order mark, in chunks of about 64 KB."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(_BOM)
    writer.writerow([column.header for column in columns])
    for application, extra in applications:
        writer.writerow([_csv_cell(v) for v in row(columns, application, extra)])
        if buffer.tell() >= _CHUNK:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def xlsx_rows_of(columns: list[Column], applications: Rows) -> Iterator[bytes]:
    """The Shortlist sheet's data rows as XML, numbered from 2, from Python values."""
    for number, (application, extra) in enumerate(applications, start=2):
        yield xlsx.row_xml(number, row(columns, application, extra))


def csv_body(
    user: User, shortlist: queries.Shortlist, columns: list[Column], roles: list[Role]
) -> Iterator[bytes]:
    """The CSV file in chunks: from COPY on PostgreSQL (the same bytes, at the database's
    speed), else written here."""
    if copy_csv.possible(columns):
        return copy_csv.csv_chunks(columns, copy_csv.csv_query(user, shortlist, columns, roles))
    return csv_chunks(columns, queries.candidates(user, shortlist, roles, needs(columns)))


def workbook(
    user: User, shortlist: queries.Shortlist, columns: list[Column], roles: list[Role]
) -> IO[bytes]:
    """The workbook in a temporary file: its rows written by PostgreSQL where it is the
    database, else here."""
    if copy_csv.on_postgresql():
        rows = xlsx_rows.rows(xlsx_rows.query(user, shortlist, columns, roles))
    else:
        rows = xlsx_rows_of(columns, queries.candidates(user, shortlist, roles, needs(columns)))
    criteria = any(CRITERION_KEY.match(column.key) for column in columns)
    return xlsx.xlsx_file(columns, rows, roles, criteria=criteria)


def read_and_close(handle: IO[bytes]) -> Iterator[bytes]:
    """The file in chunks. It is closed (and so deleted) once read, or when the response is
    closed or dropped unread: the generator is started here so that its ``finally`` runs."""

    def chunks() -> Iterator[bytes]:
        try:
            yield b""
            while chunk := handle.read(_CHUNK):
                yield chunk
        finally:
            handle.close()

    body = chunks()
    next(body)
    return body

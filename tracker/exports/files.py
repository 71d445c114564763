"""Writing a shortlist as CSV or as an Excel workbook, one candidate at a time.

Both take the applications as an iterator and keep none of them: CSV is yielded in small
chunks as it is written, and the workbook is openpyxl's write-only kind, which writes each
row to a temporary file as it is appended. Memory stays flat however many rows there are.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import IO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from tracker.applications.models import Application
from tracker.catalogue.models import Role
from tracker.exports.columns import CRITERION_KEY, Column, Value, clean_text, row, safe_text
from tracker.exports.extras import Extra, criterion_key, criterion_label

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


def _xlsx_cell(sheet, value: Value, *, bold: bool = False) -> WriteOnlyCell | Value:
    if value is None or isinstance(value, int):
        return value
    if isinstance(value, Decimal):
        return float(value)  # an average to two places: a number the sheet can sort and sum
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        # Always a string cell: openpyxl would otherwise store text starting with = as a
        # formula. A string cell is never run, so it needs no apostrophe (which would show, as
        # in '+33 1 42 68 53 00): the text is written exactly as given.
        cell.data_type = "s"
    elif isinstance(value, datetime):
        cell.number_format = "dd/mm/yyyy hh:mm"
    else:
        cell.number_format = "dd/mm/yyyy"
    if bold:
        cell.font = Font(bold=True)
    return cell


def xlsx_file(columns: list[Column], applications: Rows, roles: list[Role]) -> IO[bytes]:
    """The workbook in an anonymous temporary file, rewound; closing it deletes it.

    With criterion columns, a second sheet "Criteria" lists each role's criteria by key, so
    that "Essential 2 average" can be read for every role of a track or campaign."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Shortlist")
    for number, column in enumerate(columns, start=1):
        width = max(12, min(40, len(column.header) + 2))
        sheet.column_dimensions[get_column_letter(number)].width = width
    sheet.freeze_panes = "A2"
    sheet.append([_xlsx_cell(sheet, column.header, bold=True) for column in columns])
    for application, extra in applications:
        sheet.append([_xlsx_cell(sheet, v) for v in row(columns, application, extra)])
    if any(CRITERION_KEY.match(column.key) for column in columns):
        _criteria_sheet(workbook, roles)
    target = tempfile.TemporaryFile()  # noqa: SIM115 (handed to the response, which closes it)
    try:
        workbook.save(target)
    except BaseException:
        target.close()
        raise
    target.seek(0)
    return target


def _criteria_sheet(workbook: Workbook, roles: list[Role]) -> None:
    sheet = workbook.create_sheet("Criteria")
    for letter, width in zip("ABCD", (40, 12, 14, 80), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    headers = ("Role", "Level", "Criterion", "Words")
    sheet.append([_xlsx_cell(sheet, header, bold=True) for header in headers])
    for role in roles:
        for criterion in role.criteria:
            label = criterion_label(criterion_key(criterion))
            cells = (clean_text(role.title), role.level, label, clean_text(criterion.text))
            sheet.append([_xlsx_cell(sheet, v) for v in cells])


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

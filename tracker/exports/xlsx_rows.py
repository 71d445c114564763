"""The Shortlist sheet's rows as XML, written by PostgreSQL: each row one text value.

The cells are sql_cells' values (the same as columns.row gives on the Python path), written
as xlsx.row_xml writes them: text as an inline string (escaped as xlsx.escape does), numbers
as numbers, days and times as Excel serial numbers with their UK formats, an empty cell left
out. Python then only copies each row's bytes into the archive.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import Select, Text, case, func, literal, literal_column
from sqlalchemy.sql.elements import ColumnElement

from tracker.accounts.models import User
from tracker.applications.models import Application
from tracker.catalogue.models import Role
from tracker.exports import copy_csv, queries, sql_cells, sql_parts, xlsx
from tracker.exports.columns import HIDDEN, Column
from tracker.extensions import db

_EPOCH_DAY = literal_column("DATE '1899-12-30'")
_EPOCH = literal_column("TIMESTAMP '1899-12-30 00:00'")


def _text(*parts) -> ColumnElement:
    """Parts joined as text (NULL if any part is NULL: an empty cell is left out)."""
    joined: ColumnElement = literal("", Text)
    for part in parts:
        joined = joined + (literal(part, Text) if isinstance(part, str) else part)
    return joined


def _escape(text: ColumnElement) -> ColumnElement:
    """xlsx.escape in SQL."""
    text = func.replace(func.replace(func.replace(text, "&", "&amp;"), "<", "&lt;"), ">", "&gt;")
    text = func.replace(text, "_x", "_x005F_x")
    for character, reference in ((13, "&#13;"), (10, "&#10;"), (9, "&#9;")):
        text = func.replace(text, literal_column(f"chr({character})"), reference)
    return text


def _string(ref: ColumnElement, text: ColumnElement) -> ColumnElement:
    return _text(
        '<c r="',
        ref,
        '" t="inlineStr"><is><t xml:space="preserve">',
        _escape(func.nullif(text, "")),
        "</t></is></c>",
    )


def _cell(column: Column, scope: sql_parts.Scope, ref: ColumnElement) -> ColumnElement:
    twin = sql_cells.sql_column(column.key)
    value = twin.value(scope)
    if twin.kind == sql_parts.TEXT:
        cell = _string(ref, value)
    elif twin.kind == sql_parts.DAY:
        days = func.cast(value - _EPOCH_DAY, Text)
        cell = _text('<c r="', ref, f'" s="{xlsx.DAY_STYLE}"><v>', days, "</v></c>")
    elif twin.kind == sql_parts.TIME:
        serial = func.cast(func.extract("epoch", value - _EPOCH) / 86400, Text)
        cell = _text('<c r="', ref, f'" s="{xlsx.TIME_STYLE}"><v>', serial, "</v></c>")
    else:
        cell = _text('<c r="', ref, '"><v>', func.cast(value, Text), "</v></c>")
    if column.score and scope.hide_scores_from is not None:
        hidden = _string(ref, literal(HIDDEN, Text))
        return case((sql_cells.hidden(scope), hidden), else_=cell)
    return cell


def query(
    user: User, shortlist: queries.Shortlist, columns: list[Column], roles: list[Role]
) -> Select:
    """The shortlist's data rows, numbered from 2, each as one ``<row>`` of XML."""
    scope = copy_csv.scope(user, roles, columns)
    order = (Role.position, Role.id, Application.reference)
    number = func.cast(func.row_number().over(order_by=order) + 1, Text)
    cells = [
        _cell(column, scope, _text(xlsx.letter(index), number))
        for index, column in enumerate(columns, start=1)
    ]
    row = _text('<row r="', number, '">', func.concat(*cells), "</row>")
    return queries.cells(user, shortlist, [row], scope.laterals(c.key for c in columns))


def rows(statement: Select) -> Iterator[bytes]:
    """Each row's XML, from COPY in its text format (no Python object per row).

    COPY's text format writes a backslash as two and escapes line breaks, tabs and a few
    control characters; the XML holds none of those (line breaks and tabs are character
    references, the rest are removed from every cell), so doubled backslashes are the only
    escape to undo. Each row ends with a line feed: whitespace between rows, which XML
    ignores."""
    copy_csv.tune_the_transaction()
    connection = db.session.connection().connection.driver_connection
    with (
        connection.cursor() as cursor,
        cursor.copy(copy_csv.copy_statement(statement, "text")) as copy,
    ):
        for data in copy:
            xml = bytes(data)
            yield xml.replace(b"\\\\", b"\\") if b"\\" in xml else xml

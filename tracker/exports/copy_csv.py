"""The shortlist CSV as PostgreSQL writes it: ``COPY (SELECT ...) TO STDOUT``, streamed.

Every cell is computed and made safe in SQL (sql_cells.py) and PostgreSQL's CSV writer quotes
it; this module only adds what COPY cannot: the byte order mark and header line, and CRLF
line endings (the csv module's, which COPY does not offer). It holds one chunk at a time,
so memory stays flat however many rows there are. files.csv_chunks is the Python twin, kept
for SQLite (`make run`); the two give the same bytes (tests/exports/test_copy_identical.py).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from sqlalchemy import Select, text

from tracker.accounts.models import User
from tracker.accounts.permissions import Permission, can
from tracker.catalogue.models import Role
from tracker.clock import today
from tracker.exports import queries, sql_cells, sql_parts
from tracker.exports.columns import CRITERION_KEY, Column
from tracker.exports.extras import criterion_key
from tracker.extensions import db

_BOM = "\ufeff"
_CHUNK = 64 * 1024
_QUOTE = ord('"')


def on_postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def possible(columns: list[Column]) -> bool:
    """Whether COPY can write this export byte for byte as the csv module would.

    Not on SQLite, and not for a single column, where the two disagree: the csv module
    writes a lone empty cell as "" (COPY writes NULL as nothing) and a lone backslash and
    full stop bare (COPY quotes it, as it would end COPY's own input). One column is a short
    file, so the Python path costs little there."""
    return on_postgresql() and len(columns) > 1


def scope(user: User, roles: list[Role], columns: list[Column]) -> sql_parts.Scope:
    """What the cells depend on beyond the row, as extras.load and decisions read it."""
    hide = None if can(user, Permission.SEE_SCORES_UNSCORED) else user.id
    criteria: dict[str, list[int]] = {}
    if any(CRITERION_KEY.match(column.key) for column in columns):
        for role in roles:  # loaded with their criteria (queries.roles(criteria=True))
            for criterion in role.criteria:
                criteria.setdefault(criterion_key(criterion), []).append(criterion.id)
    return sql_parts.Scope(
        today=today(),
        criteria=tuple((key, tuple(ids)) for key, ids in criteria.items()),
        hide_scores_from=hide,
    )


def csv_query(
    user: User, shortlist: queries.Shortlist, columns: list[Column], roles: list[Role]
) -> Select:
    """The shortlist's rows as CSV cells, each computed and made safe by PostgreSQL."""
    found = scope(user, roles, columns)
    cells = [sql_cells.csv_text(column, found) for column in columns]
    return queries.cells(user, shortlist, cells, found.laterals(c.key for c in columns))


def _header(columns: list[Column]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerow([column.header for column in columns])
    return (_BOM + buffer.getvalue()).encode("utf-8")


def tune_the_transaction() -> None:
    """For the rest of this transaction, no JIT compilation, and room to sort in memory.

    PostgreSQL would spend seconds compiling the export's many correlated subqueries (3.7 s
    of 4.8 s for 10,000 rows of every column), more than running them costs. The rows are
    sorted with their cells (a few hundred bytes each): at 100,000 rows the default 4 MB
    sorts on disk, so the export's one sort gets 64 MB, for this transaction only."""
    db.session.execute(text("SET LOCAL jit = off"))
    db.session.execute(text("SET LOCAL work_mem = '64MB'"))


def copy_statement(query: Select, file_format: str = "csv") -> str:
    """The query as SQL text with its values written in: COPY takes no parameters. Every
    value is one of ours (ids, stages, dates, labels), quoted by SQLAlchemy's dialect."""
    compiled = query.compile(
        dialect=db.session.get_bind().dialect, compile_kwargs={"literal_binds": True}
    )
    return f"COPY ({compiled}) TO STDOUT (FORMAT {file_format}, ENCODING 'UTF8')"


class _LineEndings:
    """COPY ends each line with LF; the csv module with CRLF. A line break inside a quoted
    cell stays as it is, so the quotes seen so far say which LFs end a line."""

    def __init__(self) -> None:
        self.quoted = False

    def __call__(self, data: bytes) -> bytes:
        if not self.quoted and _QUOTE not in data:
            return data.replace(b"\n", b"\r\n")
        parts = data.split(b'"')
        for index, part in enumerate(parts):
            if not self.quoted:
                parts[index] = part.replace(b"\n", b"\r\n")
            if index < len(parts) - 1:
                self.quoted = not self.quoted
        return b'"'.join(parts)


def csv_chunks(columns: list[Column], query: Select) -> Iterator[bytes]:
    """The CSV file, UTF-8 with a byte order mark, in chunks of about 64 KB, from COPY of
    ``query`` (sql_cells.csv_text of each column, from queries.cells)."""
    yield _header(columns)
    convert = _LineEndings()
    tune_the_transaction()
    connection = db.session.connection().connection.driver_connection
    pending: list[bytes] = []
    size = 0
    with connection.cursor() as cursor, cursor.copy(copy_statement(query)) as copy:
        for data in copy:
            pending.append(convert(bytes(data)))
            size += len(data)
            if size >= _CHUNK:
                yield b"".join(pending)
                pending.clear()
                size = 0
    yield b"".join(pending)

"""A report's table: what the page shows and the CSV file holds, from the same rows. Pure.

Each row starts with its label. A cell is a number, None (not applicable, for example a
percentage of nobody) or HIDDEN (a count suppressed for the equality report).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from tracker.reports.suppression import MARKER


class Kind(Enum):
    TEXT = "text"
    COUNT = "count"
    PERCENT = "percent"
    DAYS = "days"
    CHANGE = "change"  # a difference in a count: +12, -3
    POINTS = "points"  # a difference in percentage points: +4.5, -10


class _Hidden:
    """A suppressed count: shown as the marker, never as the number."""

    def __repr__(self) -> str:
        return "HIDDEN"

    def __str__(self) -> str:
        return MARKER


HIDDEN = _Hidden()

# Excel, LibreOffice and Google Sheets treat text starting with these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Excel reads a CSV file as UTF-8 only when it starts with a byte order mark.
_BOM = "\ufeff"


@dataclass(frozen=True)
class Column:
    label: str
    kind: Kind = Kind.COUNT

    @property
    def numeric(self) -> bool:
        return self.kind is not Kind.TEXT


@dataclass(frozen=True)
class Table:
    key: str  # names the table in its CSV link: ?table=<key>
    caption: str
    columns: tuple[Column, ...]
    rows: tuple[tuple, ...]
    # A last row of totals, shown apart from the rest (and last in the CSV).
    total: tuple | None = None

    @property
    def all_rows(self) -> tuple[tuple, ...]:
        return (*self.rows, self.total) if self.total is not None else self.rows

    def shown(self, row: Sequence) -> list[str | None]:
        """The row as the page shows it; None where a value does not apply."""
        pairs = zip(row, self.columns, strict=True)
        return [display(value, column.kind) for value, column in pairs]


def number(value: float) -> str:
    """Up to one decimal place, and none when it is whole: 40, 33.3 (and never "-0")."""
    text = f"{value:.1f}".removesuffix(".0")
    return "0" if text == "-0" else text


def display(value, kind: Kind) -> str | None:
    if value is None:
        return None
    if value is HIDDEN:
        return MARKER
    if kind is Kind.COUNT:
        return f"{value:,}"
    if kind is Kind.PERCENT:
        return f"{number(value)}%"
    if kind is Kind.DAYS:
        return number(value)
    if kind in (Kind.CHANGE, Kind.POINTS):
        shown = f"{value:,}" if kind is Kind.CHANGE else number(value)
        # A plus sign for a rise, so that a change reads as one; a fall has its minus.
        return f"+{shown}" if value > 0 and shown != "0" else shown
    return str(value)


def _csv_value(value, kind: Kind) -> str:
    if value is None:
        return ""
    if value is HIDDEN:
        return MARKER
    if kind in (Kind.COUNT, Kind.CHANGE):
        # A plain number (a fall as -3): a spreadsheet reads it as one, never as a formula.
        return str(value)
    if kind in (Kind.PERCENT, Kind.DAYS, Kind.POINTS):
        return number(value)
    return escape_formula(str(value))


def escape_formula(text: str) -> str:
    """Text a spreadsheet would run as a formula, made plain with a leading apostrophe."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def to_csv(table: Table) -> str:
    buffer = io.StringIO()
    buffer.write(_BOM)
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([escape_formula(column.label) for column in table.columns])
    for row in table.all_rows:
        pairs = zip(row, table.columns, strict=True)
        writer.writerow([_csv_value(value, column.kind) for value, column in pairs])
    return buffer.getvalue()


def percent(part: int, whole: int) -> float | None:
    """``part`` as a percentage of ``whole``; None (not applicable) when whole is zero."""
    return None if whole == 0 else 100 * part / whole

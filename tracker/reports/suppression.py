"""Which counts a published table must hide so that nobody can be picked out. Pure.

A count from 1 to 4 could point at someone, so it is hidden (primary suppression). Where a
line's total is shown, a single hidden count in that line could be worked out by taking the
others from the total, so the next smallest non-zero count in the line is hidden as well
(secondary suppression), again and again until no line gives one away. A line is a row, a
column, and, when both kinds of total are shown, the row of column totals and the column of
row totals (whose total is the grand total).

Zeros are shown: hiding a zero hides nothing about anyone. A total from 1 to 4 is hidden like
any small count; a larger total is hidden only when it is all that is left to protect a hidden
count (every other count in its line is zero).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

SMALLEST_SHOWN = 5
# What a hidden count reads as, in tables and CSV files alike.
MARKER = "[c]"

Key = tuple  # ("cell", row, column) | ("row", row) | ("column", column) | ("grand",)


def is_small(count: int) -> bool:
    return 1 <= count < SMALLEST_SHOWN


@dataclass(frozen=True)
class Suppressed:
    cells: frozenset[tuple[int, int]]
    row_totals: frozenset[int]
    column_totals: frozenset[int]
    grand_total: bool

    def cell(self, row: int, column: int) -> bool:
        return (row, column) in self.cells

    @property
    def count(self) -> int:
        return (
            len(self.cells) + len(self.row_totals) + len(self.column_totals) + int(self.grand_total)
        )


@dataclass(frozen=True)
class _Line:
    members: tuple[Key, ...]
    total: Key


def _lines(rows: int, columns: int, *, row_totals: bool, column_totals: bool) -> list[_Line]:
    lines = []
    if row_totals:
        lines += [
            _Line(tuple(("cell", r, c) for c in range(columns)), ("row", r)) for r in range(rows)
        ]
    if column_totals:
        lines += [
            _Line(tuple(("cell", r, c) for r in range(rows)), ("column", c)) for c in range(columns)
        ]
    if row_totals and column_totals:
        lines.append(_Line(tuple(("row", r) for r in range(rows)), ("grand",)))
        lines.append(_Line(tuple(("column", c) for c in range(columns)), ("grand",)))
    return lines


def _values(
    counts: Sequence[Sequence[int]], *, row_totals: bool, column_totals: bool
) -> dict[Key, int]:
    values: dict[Key, int] = {}
    for r, row in enumerate(counts):
        for c, count in enumerate(row):
            values[("cell", r, c)] = count
    columns = len(counts[0]) if counts else 0
    if row_totals:
        for r, row in enumerate(counts):
            values[("row", r)] = sum(row)
    if column_totals:
        for c in range(columns):
            values[("column", c)] = sum(row[c] for row in counts)
    if row_totals and column_totals:
        values[("grand",)] = sum(sum(row) for row in counts)
    return values


def suppress(
    counts: Sequence[Sequence[int]], *, row_totals: bool = True, column_totals: bool = True
) -> Suppressed:
    """The cells and totals to hide in ``counts`` (rows of equal length, counts >= 0).

    ``row_totals`` and ``column_totals`` say which totals the published table shows: a
    total that is not shown cannot give a hidden count away.
    """
    if any(len(row) != len(counts[0]) for row in counts):
        raise ValueError("Every row of the table must have the same number of counts")
    if any(count < 0 for row in counts for count in row):
        raise ValueError("Counts cannot be negative")
    values = _values(counts, row_totals=row_totals, column_totals=column_totals)
    columns = len(counts[0]) if counts else 0
    lines = _lines(len(counts), columns, row_totals=row_totals, column_totals=column_totals)
    hidden = {key for key, count in values.items() if is_small(count)}
    changed = True
    while changed:
        changed = False
        for line in lines:
            if line.total in hidden:
                continue
            alone = [k for k in line.members if values[k] > 0 and k in hidden]
            if len(alone) != 1:
                continue
            others = [k for k in line.members if values[k] > 0 and k not in hidden]
            if others:
                # The smallest other count; the first of equals, so the result is repeatable.
                hidden.add(min(others, key=lambda k: values[k]))
            else:
                # The total is the hidden count itself.
                hidden.add(line.total)
            changed = True
    return Suppressed(
        cells=frozenset((k[1], k[2]) for k in hidden if k[0] == "cell"),
        row_totals=frozenset(k[1] for k in hidden if k[0] == "row"),
        column_totals=frozenset(k[1] for k in hidden if k[0] == "column"),
        grand_total=("grand",) in hidden,
    )

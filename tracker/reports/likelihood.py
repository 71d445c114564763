"""Each group's share of each stage, and its relative likelihood of progressing from each
stage, read from an equality table as published. Pure.

Both are worked out from the counts the table shows and nothing else: a share or a ratio
whose counts are not all shown is hidden too, since it could give a hidden count away. So
neither can tell a reader more than the counts already do (tests/reports/auditor.py checks
every one shown has its counts shown).

Relative likelihood is as the NHS Workforce Race Equality Standard reports "relative
likelihood of appointment from shortlisting": the share of a group at a stage who reached the
next, divided by that share for a reference group. Here the reference group is the answer
most people gave, among the answers whose number of applicants is shown ("Prefer not to
say" and no answer are never the reference). 1.00 means as likely as the reference group; 0.50,
half as likely.
"""

from __future__ import annotations

from tracker.reports.equality import PARENTS, STAGE_LABELS, STAGES, Cell, EqualityTable
from tracker.reports.tables import HIDDEN, Column, Kind, Table

# (from, to): each stage and the stage everyone there passed through first.
STEPS: tuple[tuple[int, int], ...] = tuple(
    (parent, stage) for stage, parent in enumerate(PARENTS) if parent is not None
)
_NEVER_REFERENCE = "prefer_not_to_say"


def step_label(step: tuple[int, int]) -> str:
    start, end = step
    return f"{STAGE_LABELS[STAGES[start]]} to {STAGE_LABELS[STAGES[end]].lower()}"


def _share(cell: Cell, total: Cell):
    if cell.hidden or total.hidden:
        return HIDDEN
    return None if total.count == 0 else 100 * cell.count / total.count


def shares(table: EqualityTable) -> Table:
    """Of the people (or applications) at each stage, the percentage with each answer."""
    return Table(
        key=f"{table.key}-shares",
        caption=f"{table.measure.title}: share of each stage, by answer",
        columns=(
            Column("Answer", Kind.TEXT),
            *(Column(STAGE_LABELS[stage], Kind.PERCENT) for stage in STAGES),
        ),
        rows=tuple(
            (row.label, *(_share(c, t) for c, t in zip(row.cells, table.total.cells, strict=True)))
            for row in table.rows
        ),
    )


def reference(table: EqualityTable) -> int | None:
    """The row the others are compared with: the most applicants among those shown."""
    answered = [
        (row.cells[0].count, -n)
        for n, row in enumerate(table.rows[: len(table.measure.answers)])
        if table.measure.answers[n][0] != _NEVER_REFERENCE
        and not row.cells[0].hidden
        and row.cells[0].count > 0
    ]
    return -max(answered)[1] if answered else None


def _rate(cells: tuple[Cell, ...], step: tuple[int, int]) -> float | None:
    start, end = cells[step[0]], cells[step[1]]
    return None if start.count == 0 else end.count / start.count


def _ratio(cells: tuple[Cell, ...], base_cells: tuple[Cell, ...], step: tuple[int, int]):
    """The row's rate over the reference's: hidden unless all four counts are shown, and
    not applicable where either rate is 0 people of 0, or the reference's rate is 0."""
    if any(c[s].hidden for c in (cells, base_cells) for s in step):
        return HIDDEN
    rate, base = _rate(cells, step), _rate(base_cells, step)
    if rate is None or not base:
        return None
    return f"{rate / base:.2f}"


def likelihood(table: EqualityTable) -> tuple[Table, str | None]:
    """Each answer's relative likelihood of progressing at each step, and the reference."""
    found = reference(table)
    columns = (Column("Answer", Kind.TEXT), *(Column(step_label(s), Kind.TEXT) for s in STEPS))
    caption = f"{table.measure.title}: relative likelihood of progressing from each stage"
    if found is None:
        rows = tuple((row.label, *(None for _ in STEPS)) for row in table.rows)
        return Table(f"{table.key}-likelihood", caption, columns, rows), None
    base = table.rows[found].cells
    rows = tuple(
        (row.label, *(_ratio(row.cells, base, step) for step in STEPS)) for row in table.rows
    )
    return Table(f"{table.key}-likelihood", caption, columns, rows), table.rows[found].label

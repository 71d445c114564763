"""The equality report's CSV files: for each table, the same figures the page shows, hidden
alike: each stage's count and pass-through, each answer's share of each stage, and its
relative likelihood of progressing from each stage; and, when the council has loaded them,
the area's population shares as a last column (public figures, never hidden). Pure."""

from __future__ import annotations

from collections.abc import Iterable

from tracker.reports.equality import STAGE_LABELS, STAGES, EqualityTable, Row
from tracker.reports.likelihood import STEPS, likelihood, shares, step_label
from tracker.reports.population import COLUMN, Population
from tracker.reports.tables import HIDDEN, Column, Kind, Table


def _columns() -> list[Column]:
    columns = [Column(STAGE_LABELS[STAGES[0]])]
    for stage in STAGES[1:]:
        columns += [
            Column(f"Reached {STAGE_LABELS[stage].lower()}"),
            Column(f"Reached {STAGE_LABELS[stage].lower()} (%)", Kind.PERCENT),
        ]
    columns += [Column(f"Share of {STAGE_LABELS[s].lower()} (%)", Kind.PERCENT) for s in STAGES]
    columns += [Column(f"Relative likelihood: {step_label(s).lower()}", Kind.TEXT) for s in STEPS]
    return [*columns, Column("Relative likelihood compared with", Kind.TEXT)]


def _cells(row: Row) -> list:
    values: list = [HIDDEN if row.cells[0].hidden else row.cells[0].count]
    for cell in row.cells[1:]:
        values.append(HIDDEN if cell.hidden else cell.count)
        values.append(HIDDEN if cell.percent_hidden else cell.percent)
    return values


def _rows(table: EqualityTable) -> list[list]:
    """Each row's cells, then its shares and likelihoods (none for the total row)."""
    share_rows = shares(table).rows
    likely, reference = likelihood(table)
    found = [
        [row.label, *_cells(row), *share[1:], *ratios[1:], reference]
        for row, share, ratios in zip(table.rows, share_rows, likely.rows, strict=True)
    ]
    total = table.total
    everyone = [100.0 if not c.hidden and c.count else None for c in total.cells]
    everyone = [HIDDEN if c.hidden else v for c, v in zip(total.cells, everyone, strict=True)]
    return [*found, [total.label, *_cells(total), *everyone, *(None for _ in STEPS), None]]


def _with_population(
    table: EqualityTable, rows: list[list], population: Population | None
) -> list[list]:
    """Each row with the population's share of its answer (100 for everyone)."""
    if population is None:
        return rows
    has = table.measure.key in population.shares
    found = [population.share(table.measure, n) for n in range(len(table.rows))]
    return [
        [*row, share] for row, share in zip(rows, [*found, 100.0 if has else None], strict=True)
    ]


def _population_column(population: Population | None) -> tuple[Column, ...]:
    return () if population is None else (Column(COLUMN, Kind.PERCENT),)


def csv_table(
    table: EqualityTable, key: str | None = None, *, population: Population | None = None
) -> Table:
    if population is not None and table.measure.key not in population.shares:
        population = None  # no column of nothing
    rows = _with_population(table, _rows(table), population)
    return Table(
        key=key or table.key,
        caption=table.measure.title,
        columns=(
            Column(table.measure.title, Kind.TEXT),
            *_columns(),
            *_population_column(population),
        ),
        rows=tuple(map(tuple, rows[:-1])),
        total=tuple(rows[-1]),
    )


def combined_csv_table(
    found: Iterable[EqualityTable], key: str = "all", *, population: Population | None = None
) -> Table:
    """Every measure's table, one after another, in one file."""
    rows = []
    for table in found:
        rows += [
            (table.measure.title, *row) for row in _with_population(table, _rows(table), population)
        ]
    return Table(
        key=key,
        caption="Equality report",
        columns=(
            Column("Measure", Kind.TEXT),
            Column("Answer", Kind.TEXT),
            *_columns(),
            *_population_column(population),
        ),
        rows=tuple(rows),
    )

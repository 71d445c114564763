"""The funnel report's tables and charts, laid out from the figures funnel.py works out. Pure.

Each chart is drawn from the table shown beside it, and the CSV file is one of the tables.
"""

from __future__ import annotations

from tracker.applications.states import Status
from tracker.reports.charts import bar_chart, bars_from
from tracker.reports.funnel import (
    EXIT_LABELS,
    EXITS,
    GROUPINGS,
    STAGE_LABELS,
    STAGES,
    Funnel,
    FunnelReport,
    StageFigures,
)
from tracker.reports.tables import Column, Kind, Table, percent


def stages_table(funnel: Funnel) -> Table:
    """What the funnel chart draws."""
    return Table(
        key="stages",
        caption="Applications reaching each stage",
        columns=(
            Column("Stage", Kind.TEXT),
            Column("Applications"),
            Column("% of all applications", Kind.PERCENT),
        ),
        rows=tuple(
            (STAGE_LABELS[f.stage], f.reached, percent(f.reached, funnel.applications))
            for f in funnel.stages
        ),
    )


_PROGRESS_COLUMNS = (
    Column("Reached"),
    Column("Now at this stage"),
    Column("Moved on to a later stage"),
    Column("Moved on (%)", Kind.PERCENT),
    Column(EXIT_LABELS[Status.UNSUCCESSFUL]),
    Column(EXIT_LABELS[Status.WITHDRAWN]),
    Column(EXIT_LABELS[Status.OFFER_DECLINED]),
    Column("Median days at this stage", Kind.DAYS),
    Column("Applications timed"),
)


def _progress_cells(f: StageFigures) -> tuple:
    if f.is_last:
        return (f.reached, f.now_here, None, None, None, None, None, None, None)
    return (
        f.reached,
        f.now_here,
        f.moved_on,
        f.moved_on_percent,
        f.unsuccessful,
        f.withdrew,
        f.declined if f.stage is Status.OFFER else None,
        f.median_days,
        f.timed,
    )


def progress_table(funnel: Funnel, *, key: str = "progress") -> Table:
    return Table(
        key=key,
        caption=f"Moving on and leaving at each stage: {funnel.label}",
        columns=(Column("Stage", Kind.TEXT), *_PROGRESS_COLUMNS),
        rows=tuple((STAGE_LABELS[f.stage], *_progress_cells(f)) for f in funnel.stages),
    )


def applications_table(report: FunnelReport) -> Table:
    """What the chart of applications by group draws."""
    name = GROUPINGS[report.grouping]
    return Table(
        key="applications",
        caption=f"Applications and hires by {name.lower()}",
        columns=(Column(name, Kind.TEXT), Column("Applications"), Column("Hired")),
        rows=tuple(
            (g.label, g.applications, g.figures(Status.HIRED).reached) for g in report.groups
        ),
        total=(
            report.overall.label,
            report.overall.applications,
            report.overall.figures(Status.HIRED).reached,
        ),
    )


def _group_row(funnel: Funnel) -> tuple:
    return (
        funnel.label,
        *(funnel.figures(stage).reached for stage in STAGES),
        *(funnel.left_total(exit_status) for exit_status in EXITS),
    )


def groups_table(report: FunnelReport) -> Table:
    name = GROUPINGS[report.grouping]
    return Table(
        key="by-group",
        caption=f"Stages reached and ways out, by {name.lower()}",
        columns=(
            Column(name, Kind.TEXT),
            *(Column(STAGE_LABELS[stage]) for stage in STAGES),
            *(Column(EXIT_LABELS[exit_status]) for exit_status in EXITS),
        ),
        rows=tuple(_group_row(g) for g in report.groups),
        total=_group_row(report.overall),
    )


def detail_table(report: FunnelReport) -> Table:
    """Every group's stages with every measure: for the CSV file."""
    name = GROUPINGS[report.grouping]
    return Table(
        key="detail",
        caption=f"The funnel by {name.lower()}, stage by stage",
        columns=(Column(name, Kind.TEXT), Column("Stage", Kind.TEXT), *_PROGRESS_COLUMNS),
        rows=tuple(
            (g.label, STAGE_LABELS[f.stage], *_progress_cells(f))
            for g in (report.overall, *report.groups)
            for f in g.stages
        ),
    )


def tables(report: FunnelReport) -> dict[str, Table]:
    found = [
        stages_table(report.overall),
        progress_table(report.overall),
        applications_table(report),
        groups_table(report),
        detail_table(report),
    ]
    return {table.key: table for table in found}


def charts(report: FunnelReport, found: dict[str, Table], *, campaign_name: str) -> dict:
    """The page's two charts, each drawn from the table shown beside it."""
    name = GROUPINGS[report.grouping].lower()
    return {
        "stages": bar_chart(
            chart_id="chart-stages",
            title=found["stages"].caption,
            summary=f"Bar chart of how many of the {report.overall.applications:,} "
            f"applications to {campaign_name} reached each stage.",
            bars=bars_from(found["stages"], 1),
        ),
        "applications": bar_chart(
            chart_id="chart-applications",
            title=f"Applications by {name}",
            summary=f"Bar chart of the number of applications to each {name}.",
            bars=bars_from(found["applications"], 1),
        ),
    }

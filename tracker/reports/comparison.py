"""The funnel for applications submitted between two dates, side by side with the previous
campaign's. Pure.

The previous campaign is the one that opened before the chosen one. When HR gives dates,
the previous campaign is counted over the same days after it opened (the dates moved by the
days between the two openings), so that two weeks after opening is set beside two weeks
after opening; the page says which dates that is. Without dates each side is its whole
campaign, except while the chosen campaign is still running: then, unless HR gives a "to" date,
both sides end at today's point (today, and the same number of days after the previous campaign
opened), so that a half-run campaign is not set against a whole one. A date is a UK date: an
application submitted at 11:30pm UK time on 31 March counts for 31 March.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime

from tracker.clock import UK
from tracker.formatting import long_date
from tracker.reports import funnel
from tracker.reports.charts import NO_APPLICATIONS, Bar, Pair, bar_chart, paired_bar_chart
from tracker.reports.tables import Column, Kind, Table, display


@dataclass(frozen=True)
class Period:
    """Whose applications one side counts: a campaign's, submitted between two dates (either
    may be open)."""

    campaign_name: str
    opens_on: date
    start: date | None = None
    end: date | None = None
    # The end was not given but set at today, because the campaign is still running.
    to_today: bool = False

    @property
    def dates(self) -> str:
        if self.start and self.end:
            return f"submitted from {long_date(self.start)} to {long_date(self.end)}"
        if self.start:
            return f"submitted on or after {long_date(self.start)}"
        if self.end:
            return f"submitted on or before {long_date(self.end)}"
        return "all applications"

    def contains(self, submitted_at: datetime | None) -> bool:
        if submitted_at is None:
            return self.start is None and self.end is None
        day = submitted_at.astimezone(UK).date()
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)

    def same_days_in(self, name: str, opens_on: date) -> Period:
        """The same days after opening, in a campaign that opened on ``opens_on``."""
        by = opens_on - self.opens_on
        return Period(
            campaign_name=name,
            opens_on=opens_on,
            start=self.start + by if self.start else None,
            end=self.end + by if self.end else None,
            to_today=self.to_today,
        )


def within(period: Period, rows: Iterable[funnel.ApplicationRow]) -> list[funnel.ApplicationRow]:
    return [row for row in rows if period.contains(row.submitted_at)]


@dataclass(frozen=True)
class Side:
    period: Period
    funnel: funnel.Funnel


@dataclass(frozen=True)
class Comparison:
    this: Side
    previous: Side | None


def _share(f: funnel.Funnel, stage) -> float | None:
    reached = f.figures(stage).reached
    return None if not f.applications else 100 * reached / f.applications


def _row(comparison: Comparison, stage) -> tuple:
    this = comparison.this.funnel
    cells: list = [funnel.STAGE_LABELS[stage], this.figures(stage).reached, _share(this, stage)]
    if comparison.previous is not None:
        before = comparison.previous.funnel
        now_share, then_share = _share(this, stage), _share(before, stage)
        cells += [
            before.figures(stage).reached,
            then_share,
            this.figures(stage).reached - before.figures(stage).reached,
            None if now_share is None or then_share is None else now_share - then_share,
        ]
    return tuple(cells)


def table(comparison: Comparison) -> Table:
    this = comparison.this.period.campaign_name
    columns = [
        Column("Stage", Kind.TEXT),
        Column(f"{this}: applications"),
        Column(f"{this}: % of applied", Kind.PERCENT),
    ]
    caption = f"Applications reaching each stage: {this}, {comparison.this.period.dates}"
    if comparison.previous is not None:
        before = comparison.previous.period
        columns += [
            Column(f"{before.campaign_name}: applications"),
            Column(f"{before.campaign_name}: % of applied", Kind.PERCENT),
            Column("Change in applications", Kind.CHANGE),
            Column("Change in % of applied (percentage points)", Kind.POINTS),
        ]
        caption += f", against {before.campaign_name}, {before.dates}"
    return Table(
        key="comparison",
        caption=caption,
        columns=tuple(columns),
        rows=tuple(_row(comparison, stage) for stage in funnel.STAGES),
    )


def _bar(f: funnel.Funnel, stage) -> Bar | None:
    share = _share(f, stage)
    if share is None:
        return None
    reached = f.figures(stage).reached
    return Bar(label="", value=share, text=f"{display(share, Kind.PERCENT)} ({reached:,})")


def chart(comparison: Comparison):
    this, before = comparison.this, comparison.previous
    if before is None:
        return bar_chart(
            chart_id="chart-comparison",
            title="Share of applications reaching each stage",
            summary="Bar chart of the percentage of applications reaching each stage (with "
            f"the number in brackets), for {this.period.campaign_name}, {this.period.dates}.",
            bars=[
                replace(
                    _bar(this.funnel, stage) or Bar("", 0, NO_APPLICATIONS),
                    label=funnel.STAGE_LABELS[stage],
                )
                for stage in funnel.STAGES
            ],
        )
    series = (
        f"{this.period.campaign_name}, {this.period.dates}",
        f"{before.period.campaign_name}, {before.period.dates}",
    )
    return paired_bar_chart(
        chart_id="chart-comparison",
        title="Share of applications reaching each stage",
        summary="Paired bar chart of the percentage of applications reaching each stage "
        "(with the number in brackets), the first bar of each pair for "
        f"{series[0]} and the second, outlined, for {series[1]}.",
        series=series,
        pairs=[
            Pair(
                label=funnel.STAGE_LABELS[stage],
                first=_bar(this.funnel, stage),
                second=_bar(before.funnel, stage),
            )
            for stage in funnel.STAGES
        ],
        largest=100,
    )


def previous_campaign(campaigns: list, chosen) -> object | None:
    """The campaign that opened before ``chosen``, from every campaign newest first (as
    queries.campaigns gives them)."""
    ids = [c.id for c in campaigns]
    at = ids.index(chosen.id)
    return campaigns[at + 1] if at + 1 < len(campaigns) else None

"""Time to offer, time to hire and offers accepted, overall and by role, track or level. Pure.

Time to offer runs from submission to the timeline row that moved the application to offer;
time to hire, to the row that moved it to hired. Applications without such a row (imported
part-way through, or not there yet) are not timed. An offer is answered when the applicant
accepted it (reached pre-employment checks) or declined it; the acceptance rate is accepted
out of answered. Offers still open are waiting; the rest ended another way (the applicant
withdrew, or the offer was withdrawn as unsuccessful).

Built only from what anonymisation keeps: role, status, submitted_at and the timeline.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from tracker.applications.states import Status
from tracker.reports import funnel
from tracker.reports.charts import Bar, bar_chart
from tracker.reports.spread import Spread, spread
from tracker.reports.spread_chart import spread_chart
from tracker.reports.tables import Column, Kind, Table, display, percent


@dataclass(frozen=True)
class Offers:
    made: int = 0
    accepted: int = 0
    declined: int = 0
    waiting: int = 0

    @property
    def answered(self) -> int:
        return self.accepted + self.declined

    @property
    def ended_otherwise(self) -> int:
        return self.made - self.answered - self.waiting

    @property
    def acceptance_rate(self) -> float | None:
        return percent(self.accepted, self.answered)


@dataclass(frozen=True)
class Timing:
    """One group's figures (a role, a track, a level, or all applications)."""

    label: str
    to_offer: Spread
    to_hire: Spread
    offers: Offers


@dataclass(frozen=True)
class TimingReport:
    grouping: str
    overall: Timing
    groups: tuple[Timing, ...]


@dataclass(frozen=True)
class Outcome:
    """What one application says about offers and timing."""

    status: Status
    reached: frozenset[Status]
    days_to_offer: float | None
    days_to_hire: float | None


def _days(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return max(0.0, (end - start).total_seconds() / funnel.SECONDS_IN_A_DAY)


def outcome(row: funnel.ApplicationRow, moves: Sequence[funnel.Move]) -> Outcome:
    arrived: dict[Status, datetime] = {}
    for move in sorted(moves, key=lambda m: m.occurred_at):
        arrived.setdefault(move.to_status, move.occurred_at)
    journey = funnel.journey(row.status, row.submitted_at, moves)
    return Outcome(
        status=row.status,
        reached=journey.reached,
        days_to_offer=_days(row.submitted_at, arrived.get(Status.OFFER)),
        days_to_hire=_days(row.submitted_at, arrived.get(Status.HIRED)),
    )


def summarise(label: str, outcomes: Iterable[Outcome]) -> Timing:
    to_offer: list[float] = []
    to_hire: list[float] = []
    made = accepted = declined = waiting = 0
    for one in outcomes:
        if one.days_to_offer is not None:
            to_offer.append(one.days_to_offer)
        if one.days_to_hire is not None:
            to_hire.append(one.days_to_hire)
        if Status.OFFER in one.reached:
            made += 1
            accepted += Status.PRE_EMPLOYMENT_CHECKS in one.reached
            declined += one.status is Status.OFFER_DECLINED
            waiting += one.status is Status.OFFER
    return Timing(
        label=label,
        to_offer=spread(to_offer),
        to_hire=spread(to_hire),
        offers=Offers(made=made, accepted=accepted, declined=declined, waiting=waiting),
    )


def build(
    grouping: str,
    roles: Sequence[funnel.RoleInfo],
    applications: Iterable[funnel.ApplicationRow],
    moves: Iterable[funnel.Move],
) -> TimingReport:
    ordered, group_of = funnel.groups(grouping, roles)
    by_application: dict[int, list[funnel.Move]] = defaultdict(list)
    for move in moves:
        by_application[move.application_id].append(move)
    grouped: dict[object, list[Outcome]] = defaultdict(list)
    everything: list[Outcome] = []
    for row in applications:
        one = outcome(row, by_application.get(row.id, ()))
        everything.append(one)
        grouped[group_of.get(row.role_id)].append(one)
    return TimingReport(
        grouping=grouping,
        overall=summarise("All applications", everything),
        groups=tuple(summarise(label, grouped[key]) for key, label in ordered),
    )


# Tables and charts --------------------------------------------------------------------------

_SPREAD_COLUMNS = (
    Column("Median days", Kind.DAYS),
    Column("Lower quartile (days)", Kind.DAYS),
    Column("Upper quartile (days)", Kind.DAYS),
    Column("Shortest (days)", Kind.DAYS),
    Column("Longest (days)", Kind.DAYS),
)


def _spread_table(report: TimingReport, *, key: str, caption: str, timed: str, pick) -> Table:
    name = funnel.GROUPINGS[report.grouping]
    return Table(
        key=key,
        caption=f"{caption}, by {name.lower()}",
        columns=(Column(name, Kind.TEXT), Column(timed), *_SPREAD_COLUMNS),
        rows=tuple((g.label, *pick(g).cells) for g in report.groups),
        total=(report.overall.label, *pick(report.overall).cells),
    )


def _offer_cells(offers: Offers) -> tuple:
    return (
        offers.made,
        offers.accepted,
        offers.declined,
        offers.acceptance_rate,
        offers.waiting,
        offers.ended_otherwise,
    )


def offers_table(report: TimingReport) -> Table:
    name = funnel.GROUPINGS[report.grouping]
    return Table(
        key="offers",
        caption=f"Offers made and accepted, by {name.lower()}",
        columns=(
            Column(name, Kind.TEXT),
            Column("Offers made"),
            Column("Accepted"),
            Column("Declined"),
            Column("Acceptance rate (% of answered)", Kind.PERCENT),
            Column("Still waiting for an answer"),
            Column("Ended another way"),
        ),
        rows=tuple((g.label, *_offer_cells(g.offers)) for g in report.groups),
        total=(report.overall.label, *_offer_cells(report.overall.offers)),
    )


def tables(report: TimingReport) -> dict[str, Table]:
    found = [
        _spread_table(
            report,
            key="time-to-offer",
            caption="Days from applying to an offer",
            timed="Offers timed",
            pick=lambda g: g.to_offer,
        ),
        _spread_table(
            report,
            key="time-to-hire",
            caption="Days from applying to being hired",
            timed="Hires timed",
            pick=lambda g: g.to_hire,
        ),
        offers_table(report),
    ]
    return {table.key: table for table in found}


def _acceptance_bars(report: TimingReport) -> list[Bar]:
    """The groups with answered offers, and everyone: the rate beside each bar, and how many
    answered in its label (a long text beside a full bar would run off the chart)."""
    bars = []
    for g in (*report.groups, report.overall):
        offers = g.offers
        if offers.answered or g is report.overall:
            bars.append(
                Bar(
                    label=f"{g.label} ({offers.answered:,} answered)",
                    value=offers.acceptance_rate or 0,
                    text=display(offers.acceptance_rate, Kind.PERCENT) or "no answers yet",
                )
            )
    return bars


def charts(report: TimingReport, found: dict[str, Table], *, campaign_name: str) -> dict:
    """Each chart draws the groups with something to show, and all applications; the table
    beside it has every group."""
    name = funnel.GROUPINGS[report.grouping].lower()

    def timed(pick) -> list[tuple[str, Spread]]:
        shown = [(g.label, pick(g)) for g in report.groups if pick(g).count]
        return [*shown, (report.overall.label, pick(report.overall))]

    left_out = f"Any {name} with nothing timed yet is in the table only."
    return {
        "time-to-offer": spread_chart(
            chart_id="chart-time-to-offer",
            title=found["time-to-offer"].caption,
            summary=f"Chart of the days from applying to an offer at {campaign_name}, for "
            f"each {name} and for all applications: the median, the middle half and the "
            f"range. {left_out}",
            rows=timed(lambda g: g.to_offer),
        ),
        "time-to-hire": spread_chart(
            chart_id="chart-time-to-hire",
            title=found["time-to-hire"].caption,
            summary=f"Chart of the days from applying to being hired at {campaign_name}, for "
            f"each {name} and for all applications: the median, the middle half and the "
            f"range. {left_out}",
            rows=timed(lambda g: g.to_hire),
        ),
        "offers": bar_chart(
            chart_id="chart-offers",
            title=f"Acceptance rate, by {name}",
            summary=f"Bar chart of the percentage of answered offers that were accepted, for "
            f"each {name} with offers answered and for all applications.",
            bars=_acceptance_bars(report),
        ),
    }

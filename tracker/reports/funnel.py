"""The recruitment funnel: how far each application got, where people left and how long
each stage took. Pure: queries.py hands it compact rows, one per application and per move;
funnel_tables.py lays the result out as the page's tables and charts.

An application reached a stage if it is in that stage now, if its timeline shows it entering
the stage, or if the pipeline gives no way to where it got without passing through the stage
(nobody reaches interview without the sift, so an application imported at interview with no
timeline still counts for the sift). It reaches submitted by being submitted.

The days in a stage run from entering it (submitted_at for submitted, else the timeline row
that moved it there) to the timeline row that moved it on, for those who have left it.

Built only from what anonymisation keeps: status, role, submitted_at and the timeline.
"""

from __future__ import annotations

import functools
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from tracker.applications.states import (
    ACTIVE,
    PIPELINE_ORDER,
    STAFF_LABELS,
    TERMINAL,
    TRANSITIONS,
    Status,
)
from tracker.reports.tables import percent

# The stages an application moves forward through, in order, and the ways out.
STAGES: tuple[Status, ...] = tuple(
    s for s in PIPELINE_ORDER if s not in TERMINAL or s is Status.HIRED
)
EXITS: tuple[Status, ...] = tuple(s for s in PIPELINE_ORDER if s in TERMINAL and s not in STAGES)
_ORDER = {stage: n for n, stage in enumerate(STAGES)}

# What the reports call each stage: where an application got to, not where it is now.
STAGE_LABELS: dict[Status, str] = STAFF_LABELS | {
    Status.SUBMITTED: "Applied",
    Status.SIFT: "Sift",
    Status.OFFER: "Offer",
}
EXIT_LABELS: dict[Status, str] = {
    Status.UNSUCCESSFUL: "Unsuccessful",
    Status.WITHDRAWN: "Withdrew",
    Status.OFFER_DECLINED: "Declined the offer",
}

SECONDS_IN_A_DAY = 24 * 60 * 60


def _required() -> dict[Status, frozenset[Status]]:
    """For each stage, the stages every way to it from submitted passes through (itself
    included), worked out from the pipeline's transitions."""
    before: dict[Status, set[Status]] = {stage: set() for stage in STAGES}
    for transition in TRANSITIONS.values():
        if transition.target in before:
            before[transition.target] |= {s for s in transition.sources if s in before}
    required = {stage: set(STAGES) for stage in STAGES}
    required[Status.SUBMITTED] = {Status.SUBMITTED}
    changed = True
    while changed:
        changed = False
        for stage in STAGES[1:]:
            through = [required[p] for p in before[stage]]
            found = {stage} | (set.intersection(*through) if through else set())
            if found != required[stage]:
                required[stage], changed = found, True
    return {stage: frozenset(stages) for stage, stages in required.items()}


REQUIRED = _required()


@functools.cache
def furthest(stages: frozenset[Status]) -> Status:
    return max(stages, key=_ORDER.__getitem__)


@functools.cache
def _with_required(seen: frozenset[Status]) -> frozenset[Status]:
    # Few distinct sets occur, and tens of thousands of applications share them.
    return frozenset().union(*(REQUIRED[stage] for stage in seen))


class Move(NamedTuple):
    """One timeline row: all the funnel needs of it. (A named tuple: there are many.)"""

    application_id: int
    from_status: Status
    to_status: Status
    occurred_at: datetime


@dataclass(frozen=True)
class Journey:
    """Where one application got to, the stage it left at (for those who left), and the
    days it spent in each stage it has left."""

    status: Status
    reached: frozenset[Status]
    left_from: Status | None
    days_in: dict[Status, float] = field(default_factory=dict)


def journey(status: Status, submitted_at: datetime | None, moves: Iterable[Move]) -> Journey:
    entered: dict[Status, datetime] = {}
    left: dict[Status, datetime] = {}
    exit_from: Status | None = None
    if submitted_at is not None:
        entered[Status.SUBMITTED] = submitted_at
    for move in sorted(moves, key=lambda m: m.occurred_at):
        if move.to_status in _ORDER:
            entered.setdefault(move.to_status, move.occurred_at)
        if move.from_status in _ORDER:
            left.setdefault(move.from_status, move.occurred_at)
        if move.to_status in EXITS:
            exit_from = move.from_status
    seen = {Status.SUBMITTED, *entered}
    if status in _ORDER:
        seen.add(status)
    reached = _with_required(frozenset(seen))
    left_from = None
    if status in EXITS:
        left_from = exit_from if exit_from in reached else furthest(reached)
    days_in = {
        stage: max(0.0, (left[stage] - entered[stage]).total_seconds() / SECONDS_IN_A_DAY)
        for stage in left
        if stage in entered
    }
    return Journey(status=status, reached=reached, left_from=left_from, days_in=days_in)


@dataclass(frozen=True)
class StageFigures:
    stage: Status
    reached: int = 0
    now_here: int = 0
    moved_on: int = 0  # reached a later stage
    unsuccessful: int = 0
    withdrew: int = 0
    declined: int = 0
    median_days: float | None = None
    timed: int = 0  # how many left the stage: the median is over them

    @property
    def left(self) -> int:
        return self.unsuccessful + self.withdrew + self.declined

    @property
    def is_last(self) -> bool:
        """Nobody moves on from, or leaves, the last stage."""
        return self.stage is STAGES[-1]

    @property
    def moved_on_percent(self) -> float | None:
        return None if self.is_last else percent(self.moved_on, self.reached)


@dataclass(frozen=True)
class Funnel:
    """The funnel of one group of applications (a role, a track, a level, or all)."""

    key: object
    label: str
    stages: tuple[StageFigures, ...]
    current: dict[Status, int]  # applications in each status now

    @property
    def applications(self) -> int:
        return self.stages[0].reached

    def figures(self, stage: Status) -> StageFigures:
        return self.stages[_ORDER[stage]]

    def left_total(self, exit_status: Status) -> int:
        return self.current.get(exit_status, 0)


def summarise(key: object, label: str, journeys: Iterable[Journey]) -> Funnel:
    reached: Counter[Status] = Counter()
    now_here: Counter[Status] = Counter()
    moved_on: Counter[Status] = Counter()
    left: dict[Status, Counter[Status]] = {exit_status: Counter() for exit_status in EXITS}
    days: dict[Status, list[float]] = defaultdict(list)
    current: Counter[Status] = Counter()
    # Applications that ended up alike are counted together: there are only a few kinds.
    kinds: Counter[tuple[Status, frozenset[Status], Status | None]] = Counter()
    for one in journeys:
        kinds[one.status, one.reached, one.left_from] += 1
        for stage, spent in one.days_in.items():
            days[stage].append(spent)
    for (status, stages, left_from), count in kinds.items():
        current[status] += count
        top = furthest(stages)
        for stage in stages:
            reached[stage] += count
            if stage is not top:
                moved_on[stage] += count
        if status in left:
            left[status][left_from] += count
        elif status in _ORDER:
            now_here[status] += count
    return Funnel(
        key=key,
        label=label,
        stages=tuple(
            StageFigures(
                stage=stage,
                reached=reached[stage],
                now_here=now_here[stage],
                moved_on=moved_on[stage],
                unsuccessful=left[Status.UNSUCCESSFUL][stage],
                withdrew=left[Status.WITHDRAWN][stage],
                declined=left[Status.OFFER_DECLINED][stage],
                median_days=statistics.median(days[stage]) if days[stage] else None,
                timed=len(days[stage]),
            )
            for stage in STAGES
        ),
        current=dict(current),
    )


def headline(funnel: Funnel) -> list[tuple[str, int]]:
    """Where the applications are now, in a few words."""
    now = funnel.current
    return [
        ("Applications submitted", funnel.applications),
        ("Still in progress", sum(n for status, n in now.items() if status in ACTIVE)),
        ("Hired", now.get(Status.HIRED, 0)),
        *((EXIT_LABELS[status], now.get(status, 0)) for status in EXITS),
    ]


# Grouping ---------------------------------------------------------------------------------

GROUPINGS: dict[str, str] = {"role": "Role", "track": "Track", "level": "Level"}
DEFAULT_GROUPING = "role"


@dataclass(frozen=True)
class RoleInfo:
    id: int
    title: str
    level: int
    position: int
    track_id: int
    track_name: str
    track_position: int


def groups(grouping: str, roles: Sequence[RoleInfo]) -> tuple[list[tuple[object, str]], dict]:
    """The groups in the order the page shows them, and each role's group."""
    if grouping == "track":
        ordered = sorted(roles, key=lambda r: (r.track_position, r.track_name, r.track_id))
        keyed = [(r.id, r.track_id, r.track_name) for r in ordered]
    elif grouping == "level":
        ordered = sorted(roles, key=lambda r: r.level)
        keyed = [(r.id, r.level, f"Level {r.level}") for r in ordered]
    elif grouping == "role":
        ordered = sorted(roles, key=lambda r: (r.position, r.title, r.id))
        keyed = [(r.id, r.id, r.title) for r in ordered]
    else:
        raise ValueError(f"Unknown grouping {grouping!r}")
    labels: dict[object, str] = {}
    for _, key, label in keyed:
        labels.setdefault(key, label)
    return list(labels.items()), {role_id: key for role_id, key, _ in keyed}


class ApplicationRow(NamedTuple):
    id: int
    role_id: int
    status: Status
    submitted_at: datetime | None


@dataclass(frozen=True)
class FunnelReport:
    grouping: str
    overall: Funnel
    groups: tuple[Funnel, ...]


def build(
    grouping: str,
    roles: Sequence[RoleInfo],
    applications: Iterable[ApplicationRow],
    moves: Iterable[Move],
) -> FunnelReport:
    ordered, group_of = groups(grouping, roles)
    by_application: dict[int, list[Move]] = defaultdict(list)
    for move in moves:
        by_application[move.application_id].append(move)
    journeys: dict[object, list[Journey]] = defaultdict(list)
    everything: list[Journey] = []
    for row in applications:
        one = journey(row.status, row.submitted_at, by_application.get(row.id, ()))
        everything.append(one)
        journeys[group_of.get(row.role_id)].append(one)
    return FunnelReport(
        grouping=grouping,
        overall=summarise(None, "All applications", everything),
        groups=tuple(summarise(key, label, journeys[key]) for key, label in ordered),
    )

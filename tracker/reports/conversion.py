"""Conversion by source: for each answer to "where did you hear of us", how many people
applied and the share who reached the sift, interview, an offer and a hire. Pure.

People are counted as on the heard-about table: each applicant once, with the latest answer
they gave in the campaign, however many roles they applied for; they reached a stage if any
of their applications did.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tracker.applications.forms import HEARD_ABOUT
from tracker.applications.states import Status
from tracker.reports import funnel
from tracker.reports.charts import Bar, bar_chart
from tracker.reports.sources import NO_LONGER_ASKED, NOT_GIVEN
from tracker.reports.tables import Column, Kind, Table, display, percent

STAGES: tuple[Status, ...] = (Status.SIFT, Status.INTERVIEW, Status.OFFER, Status.HIRED)
STAGE_NAMES: dict[Status, str] = {
    Status.SIFT: "Reached sift",
    Status.INTERVIEW: "Reached interview",
    Status.OFFER: "Offered",
    Status.HIRED: "Hired",
}


@dataclass(frozen=True)
class Person:
    heard_about: str | None
    reached: frozenset[Status]


def _cells(people: list[Person]) -> tuple:
    cells: list = [len(people)]
    for stage in STAGES:
        count = sum(stage in p.reached for p in people)
        cells += [count, percent(count, len(people))]
    return tuple(cells)


def conversion_table(people: Iterable[Person]) -> Table:
    by_answer: dict[str, list[Person]] = {}
    everyone = list(people)
    for person in everyone:
        answer = person.heard_about
        label = NOT_GIVEN if answer is None else HEARD_ABOUT.get(answer, NO_LONGER_ASKED)
        by_answer.setdefault(label, []).append(person)
    labels = [*HEARD_ABOUT.values()]
    if by_answer.get(NO_LONGER_ASKED):
        labels.append(NO_LONGER_ASKED)
    labels.append(NOT_GIVEN)
    columns = [Column("Where they heard of it", Kind.TEXT), Column("Applicants")]
    for stage in STAGES:
        columns += [Column(STAGE_NAMES[stage]), Column(f"{STAGE_NAMES[stage]} (%)", Kind.PERCENT)]
    return Table(
        key="conversion",
        caption="What happened to applicants from each source",
        columns=tuple(columns),
        rows=tuple((label, *_cells(by_answer.get(label, []))) for label in labels),
        total=("All applicants", *_cells(everyone)),
    )


def people(
    applications: Iterable[tuple[int, str | None, funnel.ApplicationRow]],
    moves: Iterable[funnel.Move],
) -> list[Person]:
    """From (applicant id, heard_about, application) in the order they were submitted, and
    every move: each applicant once, with their latest answer and every stage reached."""
    by_application: dict[int, list[funnel.Move]] = {}
    for move in moves:
        by_application.setdefault(move.application_id, []).append(move)
    answer: dict[int, str | None] = {}
    reached: dict[int, frozenset[Status]] = {}
    for applicant_id, heard_about, row in applications:
        if heard_about is not None or applicant_id not in answer:
            answer[applicant_id] = heard_about
        journey = funnel.journey(row.status, row.submitted_at, by_application.get(row.id, ()))
        reached[applicant_id] = reached.get(applicant_id, frozenset()) | journey.reached
    return [Person(answer[applicant], reached[applicant]) for applicant in answer]


def chart(table: Table, *, campaign_name: str):
    interview = [c.label for c in table.columns].index(f"{STAGE_NAMES[Status.INTERVIEW]} (%)")
    return bar_chart(
        chart_id="chart-conversion",
        title=f"{table.caption}: the share who reached interview",
        summary=f"Bar chart of the percentage of applicants to {campaign_name} from each "
        "source who reached an interview.",
        bars=[
            Bar(
                label=row[0],
                value=row[interview] or 0,
                text=display(row[interview], Kind.PERCENT) or "no applicants",
            )
            for row in table.rows
        ],
    )

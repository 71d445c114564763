"""The equality report for the public sector equality duty. Pure.

For each protected characteristic and local measure, a table: one row per answer (with
"Prefer not to say" where the question offers it, and "Not answered"), one column per stage,
and a last row for everyone. Each cell counts the people with that answer who reached that
stage, and their pass-through: the percentage of that row's applicants who did.

People, not applications: an applicant is counted once however many of the campaign's roles
they applied for. They reached a stage if any of their applications did, and their answer is
the latest one they gave.

Counts from 1 to 4 are hidden, and more counts (or totals) wherever what is shown would let
someone narrow a hidden count down to fewer than 5 values: the "All applicants" row, the
other tables sharing it, and the stages being nested (stage_suppression.py). A percentage is
shown only where its count and its row's number of applicants are both shown: otherwise it
would give them away.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from tracker.applications.equality import QUESTIONS
from tracker.applications.forms import YES_NO_NOT_SURE
from tracker.applications.states import Status
from tracker.reports import age_bands, stage_suppression, suppression
from tracker.reports.funnel import REQUIRED
from tracker.reports.tables import Kind, display, percent

STAGES: tuple[Status, ...] = (
    Status.SUBMITTED,
    Status.SIFT,
    Status.ASSESSMENT,
    Status.INTERVIEW,
    Status.OFFER,
    Status.HIRED,
)
STAGE_LABELS: dict[Status, str] = {
    Status.SUBMITTED: "Applied",
    Status.SIFT: "Sift",
    Status.ASSESSMENT: "Assessment",
    Status.INTERVIEW: "Interview",
    Status.OFFER: "Offer",
    Status.HIRED: "Hired",
}
# The stage everyone at each stage must have reached first (funnel.REQUIRED): interview can
# follow sift directly, so assessment and interview both come under sift.
PARENTS: tuple[int | None, ...] = tuple(
    max((STAGES.index(s) for s in REQUIRED[stage] if s in STAGES and s != stage), default=None)
    for stage in STAGES
)
NOT_ANSWERED = "Not answered"
EVERYONE = "All applicants"


@dataclass(frozen=True)
class Measure:
    key: str
    title: str
    question: str
    answers: tuple[tuple[str, str], ...]
    local: bool = False
    missing: str = NOT_ANSWERED  # the last row: no answer

    @property
    def labels(self) -> list[str]:
        return [label for _, label in self.answers] + [self.missing]


_TITLES = {
    "sex": "Sex",
    "gender_same_as_birth": "Gender identity",
    "sexual_orientation": "Sexual orientation",
    "ethnicity": "Ethnic group",
    "religion": "Religion or belief",
    "disability": "Disability",
    "care_experienced": "Care experience",
    "free_school_meals": "Free school meals",
}
PROTECTED = (
    "sex",
    "gender_same_as_birth",
    "sexual_orientation",
    "ethnicity",
    "religion",
    "disability",
)
# Local measures kept with the equality answers; "lives in the area" is on the application.
LOCAL_IN_EQUALITY = ("care_experienced", "free_school_meals")
LIVES_IN_AREA = "lives_in_area"

MEASURES: tuple[Measure, ...] = (
    Measure(
        age_bands.KEY,
        age_bands.TITLE,
        age_bands.QUESTION,
        age_bands.ANSWERS,
        missing=age_bands.MISSING,
    ),
    *(Measure(key, _TITLES[key], QUESTIONS[key][0], tuple(QUESTIONS[key][1])) for key in PROTECTED),
    *(
        Measure(key, _TITLES[key], QUESTIONS[key][0], tuple(QUESTIONS[key][1]), local=True)
        for key in LOCAL_IN_EQUALITY
    ),
    Measure(
        LIVES_IN_AREA,
        "Lives in the area",
        "Do you live in the area? (asked with the eligibility questions)",
        tuple(YES_NO_NOT_SURE),
        local=True,
    ),
)
# The columns of the equality table that queries.py reads.
EQUALITY_COLUMNS = PROTECTED + LOCAL_IN_EQUALITY


@dataclass(frozen=True)
class Person:
    """A person (or, in a breakdown, one of their applications) with their answers."""

    reached: frozenset[Status]
    answers: Mapping[str, str | None]  # measure key: answer code, or None


@dataclass(frozen=True)
class Cell:
    count: int
    hidden: bool
    percent: float | None  # pass-through; None where not applicable or not shown
    percent_hidden: bool = False

    @property
    def text(self) -> str:
        if self.hidden:
            return suppression.MARKER
        shown = display(self.count, Kind.COUNT)
        if self.percent is not None:
            shown += f" ({display(self.percent, Kind.PERCENT)})"
        return shown


@dataclass(frozen=True)
class Row:
    label: str
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class EqualityTable:
    measure: Measure
    rows: tuple[Row, ...]
    total: Row
    unit: str = "people"  # what each count counts: people, or applications in a breakdown

    @property
    def key(self) -> str:
        return self.measure.key.replace("_", "-")

    @property
    def hidden(self) -> int:
        return sum(c.hidden for row in (*self.rows, self.total) for c in row.cells)


def _row(label: str, counts: list[int], hidden: set[int] | frozenset[int]) -> Row:
    base_hidden = 0 in hidden
    cells = [Cell(count=counts[0], hidden=base_hidden, percent=None)]
    for column in range(1, len(counts)):
        withheld = column in hidden or base_hidden
        cells.append(
            Cell(
                count=counts[column],
                hidden=column in hidden,
                percent=None if withheld else percent(counts[column], counts[0]),
                percent_hidden=withheld,
            )
        )
    return Row(label, tuple(cells))


def _counts(measure: Measure, people: Iterable[Person]) -> list[list[int]]:
    """People reaching each stage, one row per answer and a last row for "Not answered"."""
    index = {code: n for n, (code, _) in enumerate(measure.answers)}
    counts = [[0] * len(STAGES) for _ in range(len(measure.answers) + 1)]
    # People alike (the same answer, the same stages) are counted together: few kinds.
    kinds = Counter((person.answers.get(measure.key), person.reached) for person in people)
    for (answer, reached), number in kinds.items():
        row = counts[index.get(answer, len(measure.answers))]
        for column, stage in enumerate(STAGES):
            if stage in reached:
                row[column] += number
    return counts


def counts(people: Iterable[Person]) -> tuple[list[list[list[int]]], list[int]]:
    """Every measure's counts (``[measure][row][stage]``) and the totals for each stage."""
    everyone = list(people)
    totals = [sum(1 for person in everyone if stage in person.reached) for stage in STAGES]
    return [_counts(measure, everyone) for measure in MEASURES], totals


def build(
    found: list[list[list[int]]],
    totals: list[int],
    hidden: stage_suppression.Protection,
    *,
    everyone: str = EVERYONE,
    unit: str = "people",
) -> list[EqualityTable]:
    """The tables, with what ``hidden`` hides."""
    built = []
    for t, measure in enumerate(MEASURES):
        rows = tuple(
            _row(label, found[t][r], {c for c in range(len(STAGES)) if hidden.cell(t, r, c)})
            for r, label in enumerate(measure.labels)
        )
        built.append(EqualityTable(measure, rows, _row(everyone, totals, hidden.totals), unit))
    return built


def tables(people: Iterable[Person]) -> list[EqualityTable]:
    """Every measure's table. They are hidden together: each splits the same people, so the
    "All applicants" row is the same in all of them and is hidden alike. (The report as
    published, with its breakdowns hidden alongside, is breakdowns.publish.)"""
    found, totals = counts(people)
    return build(found, totals, stage_suppression.suppress(found, totals, PARENTS))

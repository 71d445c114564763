"""The area's population, for comparing with who applied: a CSV file a council supplies
(Census 2021 shares), read line by line. Pure.

The file (docs/equality-report.md, docs/examples/population-example.csv)::

    measure,answer,percent
    area,Exampleshire County Council,
    source,"Census 2021, ONS, residents aged 16 to 64",
    sex,female,50.8
    sex,male,49.2

A measure is named by its key in the report (``sex``, ``age_band``) or its title ("Sex",
"Age"); an answer by its code (``female``, ``19-24``) or its label as the report shows it
("Female", "19 to 24", "Not answered"), in any case. A measure's shares must add up to 100,
give or take ``TOLERANCE`` for rounding; an answer the file leaves out has no figure. The
optional ``area`` and ``source`` lines name the population and where the figures came from.

Every problem is found, each naming its line, so a council can fix the file in one go; a
file with any problem is refused whole.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from tracker.refusals import Refused
from tracker.reports.equality import MEASURES, EqualityTable, Measure
from tracker.reports.likelihood import shares
from tracker.reports.tables import Column, Kind, Table

HEADER = ("measure", "answer", "percent")
MAX_BYTES = 100_000  # a full file is about 60 lines, under 3 KB
TOLERANCE = 1.0  # shares rounded to whole or one-decimal percentages rarely add to 100
AREA, SOURCE = "area", "source"
_TEXT_LIMITS = {AREA: 200, SOURCE: 500}
SHOWN_PROBLEMS = 20  # a file wrong on every line needs no more to be understood
COLUMN = "Area population (%)"


class BadPopulationFile(Refused):
    """A file that cannot be used: every problem found, each naming its line."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        first = problems[0]
        more = len(problems) - 1
        message = (
            first if not more else f"{first} (and {more} more {_problems(more)}, listed below)"
        )
        super().__init__(message, field="file")


def _problems(number: int) -> str:
    return "problem" if number == 1 else "problems"


@dataclass(frozen=True)
class Population:
    """The shares by measure key, then answer code (or ``Measure.missing``'s row, ``""``)."""

    shares: Mapping[str, Mapping[str, float]]
    area: str | None = None
    source: str | None = None

    def share(self, measure: Measure, row: int) -> float | None:
        """The population's share for the table's ``row`` (the last is "Not answered")."""
        found = self.shares.get(measure.key)
        if found is None:
            return None
        code = measure.answers[row][0] if row < len(measure.answers) else ""
        return found.get(code)


def _names() -> dict[str, Measure]:
    named: dict[str, Measure] = {}
    for measure in MEASURES:
        named[measure.key.lower()] = measure
        named[measure.key.replace("_", "-").lower()] = measure
        named[measure.title.lower()] = measure
    return named


def _answers(measure: Measure) -> dict[str, str]:
    """Code or label, lower case: the code stored ("" for the missing row)."""
    found = {measure.missing.lower(): ""}
    for code, label in measure.answers:
        found[label.lower()] = code
        found[code.lower()] = code
    return found


def _percent(text: str) -> float | None:
    try:
        value = float(text.strip().removesuffix("%").strip())
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def decode(data: bytes) -> str:
    """The file's text. :raise BadPopulationFile: when empty, too large or not UTF-8."""
    if len(data) > MAX_BYTES:
        raise BadPopulationFile([f"The file must be smaller than {MAX_BYTES // 1000} KB"])
    try:
        text = data.decode("utf-8-sig")  # Excel's "CSV UTF-8" starts with a byte order mark
    except UnicodeDecodeError:
        raise BadPopulationFile(
            ["The file must be saved as UTF-8 (in Excel, save it as “CSV UTF-8”)"]
        ) from None
    if not text.strip():
        raise BadPopulationFile(["The selected file is empty"])
    return text


def read(data: bytes) -> Population:
    """The population a file holds. :raise BadPopulationFile: naming every problem."""
    rows = list(csv.reader(io.StringIO(decode(data), newline="")))
    header = tuple(cell.strip().lower() for cell in rows[0]) if rows else ()
    if header != HEADER:
        raise BadPopulationFile(
            ["Line 1: the first line must be the column names “measure,answer,percent”"]
        )
    reading = _Reading()
    for number, row in enumerate(rows[1:], start=2):
        reading.line(number, [cell.strip() for cell in row])
    problems = [*reading.problems, *reading.sum_problems()]
    if not problems and not reading.found:
        problems.append("The file has no shares: add a line for each answer of a measure")
    if problems:
        problems.sort(key=_line_of)
        raise BadPopulationFile(problems[:SHOWN_PROBLEMS])
    texts = reading.texts
    return Population(reading.found, texts.get(AREA) or None, texts.get(SOURCE) or None)


@dataclass
class _Reading:
    """What the file's lines have given so far, and what is wrong with them."""

    problems: list[str] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)
    found: dict[str, dict[str, float]] = field(default_factory=dict)
    first_line: dict[str, int] = field(default_factory=dict)
    seen: dict[tuple[str, str], int] = field(default_factory=dict)
    # Measures with a bad line: their sum would only repeat it.
    faulty: set[str] = field(default_factory=set)
    names: dict[str, Measure] = field(default_factory=_names)

    def line(self, number: int, cells: list[str]) -> None:
        if not any(cells):
            return  # a blank line
        if len(cells) != 3:
            self.problems.append(f"Line {number}: expected 3 values (measure, answer, percent)")
            return
        name, answer, value = cells
        if name.lower() in _TEXT_LIMITS:
            self._text(number, name.lower(), answer)
            return
        measure = self.names.get(name.lower())
        if measure is None:
            self.problems.append(f"Line {number}: unknown measure “{name}”")
            return
        code = _answers(measure).get(answer.lower())
        share = _percent(value)
        problem = _problem(measure, code, answer, share, value, self.seen.get((measure.key, code)))
        if problem:
            self.problems.append(f"Line {number}: {problem}")
            self.faulty.add(measure.key)
            return
        self.seen[measure.key, code] = number
        self.first_line.setdefault(measure.key, number)
        self.found.setdefault(measure.key, {})[code] = share

    def _text(self, number: int, key: str, answer: str) -> None:
        """An ``area`` or ``source`` line."""
        if key in self.texts:
            self.problems.append(f"Line {number}: the {key} is given twice")
        elif len(answer) > _TEXT_LIMITS[key]:
            self.problems.append(
                f"Line {number}: the {key} must be {_TEXT_LIMITS[key]} characters or fewer"
            )
        else:
            self.texts[key] = answer

    def sum_problems(self) -> list[str]:
        """Each measure whose shares do not add up to 100, naming its first line."""
        problems = []
        for key, answered in self.found.items():
            if key in self.faulty:
                continue
            total = sum(answered.values())
            if abs(total - 100) > TOLERANCE:
                title = next(m.title for m in MEASURES if m.key == key)
                problems.append(
                    f"Line {self.first_line[key]}: the {title} shares add up to "
                    f"{round(total, 2):g}, not 100 (give or take {TOLERANCE:g})"
                )
        return problems


def _problem(
    measure: Measure,
    code: str | None,
    answer: str,
    share: float | None,
    value: str,
    seen: int | None,
) -> str | None:
    """What is wrong with a line of shares (its line number aside), if anything."""
    if code is None:
        return f"unknown answer “{answer}” for {measure.title}"
    if share is None:
        return f"the percent “{value}” is not a number"
    if not 0 <= share <= 100:
        return f"the percent “{value}” must be between 0 and 100"
    if seen is not None:
        return f"{measure.title}, “{answer}” is already on line {seen}"
    return None


def _line_of(problem: str) -> int:
    head = problem.removeprefix("Line ").split(":", 1)[0]
    return int(head) if head.isdigit() else 0


def comparison(table: EqualityTable, population: Population) -> Table | None:
    """Each answer's share of those who applied beside its share of the area's population;
    None when the file has no figures for the measure. An applicant share is hidden where
    the counts behind it are (likelihood.shares); the population's are public."""
    if table.measure.key not in population.shares:
        return None
    applied = shares(table).rows
    return Table(
        key=f"{table.key}-population",
        caption=f"{table.measure.title}: applicants compared with the area's population",
        columns=(
            Column("Answer", Kind.TEXT),
            Column("Applicants (%)", Kind.PERCENT),
            Column(COLUMN, Kind.PERCENT),
        ),
        rows=tuple(
            (row[0], row[1], population.share(table.measure, n)) for n, row in enumerate(applied)
        ),
    )

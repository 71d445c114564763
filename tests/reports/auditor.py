"""An auditor for the equality report that reads only what is published and, by exact integer
programming, works out how far each hidden count could be pinned down.

It knows nothing of how the report chooses what to hide. It knows what anyone reading the page
or the CSV file knows: every count and total shown; that each table's counts add up to its
"All applicants" row, which is the same people in every table; that no stage has more people
than the stage everyone there passed through (docs/stages.md: interview can follow sift
directly, so assessment and interview both come under sift); and that counts are whole numbers,
never negative. For every hidden count it finds the smallest and the largest value consistent
with all of that.

Given every page of a campaign's report (overall, and each role, track and level), it also
knows how they are linked (``Links``): a track's or level's page is the sum of its roles'
pages; each person applies at most once to a role and counts overall at a stage if any of
their applications reached it, so each role's count is at most the overall count and the
overall count at most the roles' counts added up. On the page that shows it, the people
guaranteed an interview under Disability Confident are at most the people interviewed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from tests.reports import pages
from tracker.reports.suppression import MARKER

STAGES = ["Applied", "Sift", "Assessment", "Interview", "Offer", "Hired"]
PARENT = {"Sift": "Applied", "Assessment": "Sift", "Interview": "Sift", "Offer": "Interview"}
PARENT["Hired"] = "Offer"
# Each step a relative likelihood is given for, in the order of its columns.
_STEPS = [(STAGES.index(PARENT[stage]), STAGES.index(stage)) for stage in STAGES[1:]]
EVERYONE = "All applicants"
EVERYONE_APPLYING = "All applications"
TOTALS = (EVERYONE, EVERYONE_APPLYING)
# What a share or ratio cell reads as when it gives no figure: hidden, or not applicable.
_NOT_A_FIGURE = (MARKER, "\u2013", "")
_GUARANTEED = re.compile(r'<dd[^>]*id="guaranteed-interviews"[^>]*>\s*([^<]*?)\s*</dd>')
# Larger than any count in a test: a bound this high means "no upper bound at all".
UNBOUNDED = 10_000

Value = int | None  # None: hidden


@dataclass
class Published:
    """One report as published: for each table, its answers' counts by stage, and the
    "All applicants" row."""

    tables: dict[str, dict[str, list[Value]]]
    totals: list[Value]
    guaranteed: Value | str = "not published"  # interviews under Disability Confident


@dataclass
class Links:
    """How a campaign's pages are linked: its role pages, and the roles each other breakdown
    page adds up (the catalogue says which roles are in which track and at which level)."""

    overall: str
    roles: list[str]
    sums: dict[str, list[str]]


def _count(text: str) -> Value:
    if text == MARKER:
        return None
    match = re.fullmatch(r"([\d,]+)(?: \((\d+(?:\.\d)?)%\))?", text)
    assert match, f"Not a count: {text!r}"
    return int(match.group(1).replace(",", ""))


def _merge_totals(found: list[list[Value]]) -> list[Value]:
    totals: list[Value] = [None] * len(STAGES)
    for row in found:
        for s, value in enumerate(row):
            if value is not None:
                assert totals[s] in (None, value), "Two tables disagree about everyone"
                totals[s] = value
    return totals


def _figures_follow_counts(html: str, tables: dict[str, dict[str, list[Value]]], totals) -> None:
    """Every share or ratio shown has every count behind it shown: it adds nothing."""
    for table in pages.tables(html):
        title = table.caption.split(":")[0]
        if "share of each stage" in table.caption:
            for label, *cells in table.body:
                for s, cell in enumerate(cells):
                    if cell not in _NOT_A_FIGURE:
                        assert tables[title][label][s] is not None, (title, label, cells)
                        assert totals[s] is not None, (title, label, cells)
        if "relative likelihood" in table.caption:
            reference = re.search(r"Compared with “([^”]*)”", html.split(table.caption)[0][-600:])
            for label, *cells in table.body:
                for (start, end), cell in zip(_STEPS, cells, strict=True):
                    if cell not in _NOT_A_FIGURE:
                        assert reference, (title, label)
                        for row in (label, reference.group(1)):
                            counts = tables[title][row]
                            assert counts[start] is not None and counts[end] is not None, (
                                title,
                                label,
                                cells,
                            )


def from_page(html: str) -> Published:
    tables, totals = {}, []
    for table in pages.tables(html):
        if "reaching each stage" not in table.caption:
            continue
        assert table.head == ["Answer", *STAGES]
        rows = {}
        for label, *cells in table.body:
            counts = [_count(cell) for cell in cells]
            # A percentage is shown only beside counts that are both shown: it adds nothing.
            for s, cell in enumerate(cells[1:], start=1):
                if "%" in cell:
                    assert counts[s] is not None and counts[0] is not None, (label, cells)
            rows[label] = counts
        totals.append(rows.pop(next(label for label in TOTALS if label in rows)))
        tables[table.caption.split(":")[0]] = rows
    merged = _merge_totals(totals)
    _figures_follow_counts(html, tables, merged)
    guaranteed = _GUARANTEED.search(html)
    return Published(tables, merged, _count(guaranteed.group(1)) if guaranteed else "not published")


def from_csv(rows: list[list[str]]) -> Published:
    head, body = rows[0], rows[1:]
    assert head[:3] == ["Measure", "Answer", "Applied"]
    counts_at = [2] + [head.index(f"Reached {stage.lower()}") for stage in STAGES[1:]]
    tables: dict[str, dict[str, list[Value]]] = {}
    totals = []
    shares_at = [head.index(f"Share of {stage.lower()} (%)") for stage in STAGES]
    likely_at = [i for i, name in enumerate(head) if name.startswith("Relative likelihood:")]
    assert len(likely_at) == len(_STEPS)
    for row in body:
        counts = [_count(row[i]) for i in counts_at]
        for s, i in enumerate(counts_at[1:], start=1):
            if row[i + 1] not in ("", MARKER):  # its percentage
                assert counts[s] is not None and counts[0] is not None, row
        if row[1] in TOTALS:
            totals.append(counts)
        else:
            tables.setdefault(row[0], {})[row[1]] = counts
    merged = _merge_totals(totals)
    for row in body:
        counts = [_count(row[i]) for i in counts_at]
        for s, i in enumerate(shares_at):
            if row[i] not in ("", MARKER):
                assert counts[s] is not None and merged[s] is not None, row
        shown = [(s, row[i]) for s, i in zip(_STEPS, likely_at, strict=True)]
        for (start, end), value in shown:
            if value not in ("", MARKER):
                # Beside shown counts only: its own and the reference's.
                reference = tables[row[0]][row[head.index("Relative likelihood compared with")]]
                for counts_used in (counts, reference):
                    assert counts_used[start] is not None and counts_used[end] is not None, row
    return Published(tables, merged)


class _Model:
    """The integer program: a variable for each hidden count and each hidden total, and a
    constraint for each column's total and each stage under its parent; across pages, one
    for each link."""

    def __init__(self, published: dict[str, Published], links: Links | None = None):
        self.names: list[tuple] = []
        self._index: dict[tuple, int] = {}
        self._rows: list[tuple[dict[int, int], float, float]] = []  # (coefficients, low, high)
        # For each page, every row by its name (the totals under EVERYONE), terms by stage.
        rows: dict[str, dict[tuple, list]] = {}
        for name, page in published.items():
            prefix = () if len(published) == 1 else (name,)
            totals = [
                self._term((*prefix, EVERYONE, stage), v)
                for stage, v in zip(STAGES, page.totals, strict=True)
            ]
            rows[name] = {(EVERYONE,): totals}
            for title, answers in page.tables.items():
                cells = {
                    answer: [
                        self._term((*prefix, title, answer, stage), v)
                        for stage, v in zip(STAGES, counts, strict=True)
                    ]
                    for answer, counts in answers.items()
                }
                rows[name] |= {(title, answer): row for answer, row in cells.items()}
                for s in range(len(STAGES)):
                    column = [(1, row[s]) for row in cells.values()]
                    self._constrain([*column, (-1, totals[s])], 0, 0)
            for row in rows[name].values():
                for s, stage in enumerate(STAGES[1:], start=1):
                    parent = STAGES.index(PARENT[stage])
                    self._constrain([(1, row[s]), (-1, row[parent])], -np.inf, 0)
            if page.guaranteed != "not published":
                # The people guaranteed an interview are among the people interviewed.
                term = self._term((*prefix, "Disability Confident interviews"), page.guaranteed)
                self._constrain([(1, term), (-1, totals[STAGES.index("Interview")])], -np.inf, 0)
        if links is not None:
            self._link(published, links, rows)
        matrix = np.zeros((len(self._rows), len(self.names)))
        for r, (coefficients, _, _) in enumerate(self._rows):
            for variable, coefficient in coefficients.items():
                matrix[r, variable] = coefficient
        self._constraints = LinearConstraint(
            matrix, [r[1] for r in self._rows], [r[2] for r in self._rows]
        )

    def _link(self, published: dict[str, Published], links: Links, rows) -> None:
        overall = rows[links.overall]
        for name, parts in links.sums.items():
            for key, row in rows[name].items():
                for s in range(len(STAGES)):
                    terms = [(1, row[s])] + [(-1, rows[part][key][s]) for part in parts]
                    self._constrain(terms, 0, 0)
        for key, row in overall.items() if links.roles else ():
            for s in range(len(STAGES)):
                for role in links.roles:
                    self._constrain([(1, rows[role][key][s]), (-1, row[s])], -np.inf, 0)
                terms = [(1, row[s])] + [(-1, rows[role][key][s]) for role in links.roles]
                self._constrain(terms, -np.inf, 0)

    def _term(self, key: tuple, value: Value) -> tuple[int | None, int]:
        """The variable for a hidden value, or the value itself."""
        if value is not None:
            return None, value
        if key not in self._index:
            self._index[key] = len(self.names)
            self.names.append(key)
        return self._index[key], 0

    def _constrain(self, terms: list, low: float, high: float) -> None:
        coefficients: dict[int, int] = {}
        constant = 0
        for sign, (variable, value) in terms:
            if variable is None:
                constant += sign * value
            else:
                coefficients[variable] = coefficients.get(variable, 0) + sign
        if coefficients:
            self._rows.append((coefficients, low - constant, high - constant))
        else:
            assert low <= constant <= high, "What is shown contradicts itself"

    def solve(self, objective: np.ndarray) -> np.ndarray:
        """A table consistent with everything published that minimises ``objective``."""
        result = milp(
            objective,
            constraints=self._constraints,
            bounds=Bounds(0, UNBOUNDED),
            integrality=np.ones(len(self.names)),
            # HiGHS's presolve (scipy 1.17.1) can report a worse optimum than a table that
            # fits; without it the search is exact, and these programs are small.
            options={"presolve": False},
        )
        assert result.success, f"No table fits what is published: {result.message}"
        solution = np.round(result.x).astype(int)
        # A range is only ever widened by tables that truly fit what is published.
        fitted = self._constraints.A @ solution
        assert (solution >= 0).all()
        assert (fitted >= self._constraints.lb - 1e-6).all()
        assert (fitted <= self._constraints.ub + 1e-6).all()
        return solution

    def extreme(self, variable: int, sign: int) -> np.ndarray:
        objective = np.zeros(len(self.names))
        objective[variable] = sign
        return self.solve(objective)


def hidden_ranges(published: Published) -> dict[tuple, tuple[int, int]]:
    """For each hidden count ((table, answer, stage), or (EVERYONE, stage) for a total), the
    smallest and largest values consistent with everything published."""
    model = _Model({"": published})
    return {
        key: (model.extreme(n, 1)[n], model.extreme(n, -1)[n]) for n, key in enumerate(model.names)
    }


def too_narrow(
    published: Published | dict[str, Published], width: int, links: Links | None = None
) -> dict[tuple, tuple[int, int]]:
    """The hidden counts someone could pin to a range narrower than ``width``, with that range:
    in one page, or in every page of a campaign (by name) with the links between them.

    Every table the solver finds is consistent with what is published, so the values a count
    takes in them already bound its range from inside: a count is solved for exactly only
    while those are closer together than ``width``."""
    model = _Model(published if isinstance(published, dict) else {"": published}, links)
    if not model.names:
        return {}
    seen_low = np.full(len(model.names), UNBOUNDED)
    seen_high = np.full(len(model.names), -1)

    def seen(solution: np.ndarray) -> None:
        np.minimum(seen_low, solution, out=seen_low)
        np.maximum(seen_high, solution, out=seen_high)

    # Push all the counts still too close together up at once, then down, while that helps;
    # then each one left on its own, up and down.
    while True:
        narrow = (seen_high - seen_low < width).astype(float)
        if not narrow.any():
            return {}
        seen(model.solve(-narrow))
        seen(model.solve(narrow))
        if ((seen_high - seen_low < width) == narrow.astype(bool)).all():
            break
    found = {}
    for n, key in enumerate(model.names):
        for sign in (1, -1):
            if seen_high[n] - seen_low[n] < width:
                seen(model.extreme(n, sign))
        if seen_high[n] - seen_low[n] < width:
            found[key] = (int(seen_low[n]), int(seen_high[n]))
    return found

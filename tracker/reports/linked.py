"""Whether the equality report's pages, taken together, pin any hidden count down. Pure.

The report is published overall (people) and for each role, track and level (applications),
and someone holding every page can combine them. Besides what each page shows (its counts and
totals, that each table's counts add up to its totals, that no stage has more than its parent
stage), they know how the pages are linked:

* a track's (or level's) page is the sum of its roles' pages, cell by cell;
* each person applies at most once to a role, and counts overall at a stage if any of their
  applications reached it: so for every answer and stage, each role's count is at most the
  overall count, and the overall count at most the roles' counts added up;
* the interviews guaranteed under Disability Confident are at most the interviews of the
  campaign (its roles' interview totals added up).

This module sets all of that up as an integer program over the hidden values and looks for
tables that fit everything published: each table found is a campaign someone could not tell
from the real one, so the values a hidden count takes in them bound its range from inside.
A hidden value is safe once two of them are at least WIDTH apart; one that is not is
reported, and the report hides more (breakdowns.py). Judged only by tables that truly fit,
the check can understate a range but never overstate it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_array

from tracker.reports.stage_suppression import WIDTH, Protection

# Larger than any count in a campaign: the bound stands for "no upper bound".
_FAR = 100_000
# The longest one search may take; the best table found by then is used.
_SECONDS = 2.0
# Beyond this many values left too narrow after searching them all at once, searching each on
# its own costs more than hiding them.
_ONE_BY_ONE = 40

Key = tuple  # ("cell", page, table, row, stage), ("total", page, stage) or ("guaranteed",)


@dataclass(frozen=True)
class Page:
    counts: Sequence[Sequence[Sequence[int]]]  # [table][row][stage]
    totals: Sequence[int]
    hidden: Protection
    roles: frozenset[int] | None  # the roles a breakdown page adds up; None for the overall
    role: int | None = None  # on a role's own page, that role


@dataclass(frozen=True)
class Linked:
    pages: Sequence[Page]
    parents: Sequence[int | None]
    interview: int  # the interview stage
    guaranteed: int
    guaranteed_hidden: bool


class _Program:
    def __init__(self, report: Linked):
        self.report = report
        self.keys: list[Key] = []
        self._index: dict[Key, int] = {}
        self._rows: list[tuple[dict[int, int], float, float]] = []
        self._build()

    def term(self, key: Key) -> tuple[int | None, int]:
        """The variable for a hidden value, or the value itself."""
        if key[0] == "guaranteed":
            value, hidden = self.report.guaranteed, self.report.guaranteed_hidden
        else:
            page = self.report.pages[key[1]]
            if key[0] == "total":
                value, hidden = page.totals[key[2]], key[2] in page.hidden.totals
            else:
                _, _, t, g, s = key
                value, hidden = page.counts[t][g][s], page.hidden.cell(t, g, s)
        if not hidden:
            return None, value
        if key not in self._index:
            self._index[key] = len(self.keys)
            self.keys.append(key)
        return self._index[key], 0

    def constrain(self, terms: list[tuple[int, Key]], low: float, high: float) -> None:
        coefficients: dict[int, int] = {}
        constant = 0
        for sign, key in terms:
            variable, value = self.term(key)
            if variable is None:
                constant += sign * value
            else:
                coefficients[variable] = coefficients.get(variable, 0) + sign
        if coefficients:
            self._rows.append((coefficients, low - constant, high - constant))

    def _places(self, p: int) -> list[tuple[Key, ...]]:
        """Page p's rows (each table's, then its totals), as keys by stage."""
        page, stages = self.report.pages[p], range(len(self.report.parents))
        rows = [
            tuple(("cell", p, t, g, s) for s in stages)
            for t, table in enumerate(page.counts)
            for g in range(len(table))
        ]
        return [*rows, tuple(("total", p, s) for s in stages)]

    def _build(self) -> None:
        report = self.report
        for p, page in enumerate(report.pages):
            for t, table in enumerate(page.counts):
                for s in range(len(report.parents)):
                    column = [(1, ("cell", p, t, g, s)) for g in range(len(table))]
                    self.constrain([*column, (-1, ("total", p, s))], 0, 0)
            for row in self._places(p):
                for s, parent in enumerate(report.parents):
                    if parent is not None:
                        self.constrain([(1, row[s]), (-1, row[parent])], -np.inf, 0)
        roles = {page.role: p for p, page in enumerate(report.pages) if page.role is not None}
        overall = next(p for p, page in enumerate(report.pages) if page.roles is None)
        places = {p: self._places(p) for p in range(len(report.pages))}

        def same(key: Key, p: int) -> Key:
            return (key[0], p, *key[2:])

        for p, page in enumerate(report.pages):
            if page.roles is None or p in roles.values():
                continue  # the overall page, or a role's own page
            parts = [roles[r] for r in sorted(page.roles)]
            for row in places[p]:
                for key in row:
                    terms = [(1, key)] + [(-1, same(key, q)) for q in parts]
                    self.constrain(terms, 0, 0)
        for row in places[overall] if roles else ():
            for key in row:
                for q in roles.values():
                    self.constrain([(1, same(key, q)), (-1, key)], -np.inf, 0)
                terms = [(1, key)] + [(-1, same(key, q)) for q in roles.values()]
                self.constrain(terms, -np.inf, 0)
        if roles:
            interviews = [(-1, ("total", q, report.interview)) for q in roles.values()]
            self.constrain([(1, ("guaranteed",)), *interviews], -np.inf, 0)

    def constraints(self) -> LinearConstraint:
        rows, columns, values = [], [], []
        for r, (coefficients, _, _) in enumerate(self._rows):
            for variable, coefficient in coefficients.items():
                rows.append(r)
                columns.append(variable)
                values.append(coefficient)
        matrix = csr_array(
            (values, (rows, columns)), shape=(len(self._rows), max(len(self.keys), 1))
        )
        return LinearConstraint(matrix, [r[1] for r in self._rows], [r[2] for r in self._rows])


def too_narrow(report: Linked, width: int = WIDTH) -> dict[Key, tuple[int, int]]:
    """The hidden values that no tables found so far spread at least ``width`` apart, with
    the range those tables give."""
    program = _Program(report)
    count = len(program.keys)
    if not count:
        return {}
    constraints = program.constraints()
    low = np.full(count, _FAR)
    high = np.full(count, -1)

    def search(objective: np.ndarray) -> None:
        result = milp(
            objective,
            constraints=constraints,
            bounds=Bounds(0, _FAR),
            integrality=np.ones(count),
            # A table need not be the best there is to count, only to fit (checked below):
            # a search cut short just finds a range narrower than the real one.
            options={"time_limit": _SECONDS},
        )
        if result.x is None:
            return
        table = np.round(result.x).astype(int)
        fitted = constraints.A @ table
        if (
            (table >= 0).all()
            and (fitted >= constraints.lb - 1e-6).all()
            and (fitted <= constraints.ub + 1e-6).all()
        ):
            np.minimum(low, table, out=low)
            np.maximum(high, table, out=high)

    # The real campaign fits: a start. Then push every value still too narrow up at once, and
    # down, while that helps; then each one left, on its own.
    truth = np.array([program_value(report, key) for key in program.keys])
    np.minimum(low, truth, out=low)
    np.maximum(high, truth, out=high)
    while True:
        narrow = (high - low < width).astype(float)
        if not narrow.any():
            return {}
        search(-narrow)
        search(narrow)
        if ((high - low < width) == narrow.astype(bool)).all():
            break
    found = {}
    if (high - low < width).sum() > _ONE_BY_ONE:
        return {
            key: (int(low[n]), int(high[n]))
            for n, key in enumerate(program.keys)
            if high[n] - low[n] < width
        }
    for n, key in enumerate(program.keys):
        for sign in (1, -1):
            if high[n] - low[n] < width:
                objective = np.zeros(count)
                objective[n] = sign
                search(objective)
        if high[n] - low[n] < width:
            found[key] = (int(low[n]), int(high[n]))
    return found


def program_value(report: Linked, key: Key) -> int:
    """The true value behind a key."""
    if key[0] == "guaranteed":
        return report.guaranteed
    page = report.pages[key[1]]
    if key[0] == "total":
        return page.totals[key[2]]
    return page.counts[key[2]][key[3]][key[4]]

"""Whether the equality report's pages, taken together, pin any hidden count down. Pure.

The report is published overall (people) and for each role, track and level (applications),
and someone holding every page can combine them. Besides what each page shows (its counts and
totals, that each table's counts add up to its totals, that no stage has more than its parent
stage), they know how the pages are linked:

* a track's (or level's) page is the sum of its roles' pages, cell by cell;
* each person applies at most once to a role, and counts overall at a stage if any of their
  applications reached it: so for every answer and stage, each role's count is at most the
  overall count, and the overall count at most the roles' counts added up;
* the people guaranteed an interview under Disability Confident (overall page) are at most
  the people interviewed.

This module sets all of that up as an integer program over the hidden values and looks for
tables that fit everything published: each table found is a campaign someone could not tell
from the real one, so the values a hidden count takes in them bound its range from inside.
A hidden value is safe once two of them are at least WIDTH apart; one that is not is
reported, and the report hides more (breakdowns.py). Judged only by tables that truly fit,
the check can understate a range but never overstate it; one it had no time to search (a
``deadline``) is reported too, unproven.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse import csr_array

from tracker.reports.stage_suppression import WIDTH, Protection

# Larger than any count in a campaign: the bound stands for "no upper bound".
_FAR = 100_000
# The longest one search may take; the best table found by then is used.
_SECONDS = 2.0
# Beyond this many values left too narrow after searching them all at once, searching each on
# its own costs more than hiding them.
_ONE_BY_ONE = 40
# How many searches in a row may find nothing new before the rest are searched one by one.
_RANDOM_TRIES = 4

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
        # The people guaranteed an interview are among the people interviewed.
        interviewed = ("total", overall, report.interview)
        self.constrain([(1, ("guaranteed",)), (-1, interviewed)], -np.inf, 0)

    def parts(self) -> list[tuple[list[int], LinearConstraint]]:
        """The program split into parts sharing no constraint (the hidden values of one
        table, say, where the totals are shown), each with its constraints: searched
        apart, each part is a small program."""
        parent = list(range(len(self.keys)))

        def root(v: int) -> int:
            while parent[v] != v:
                parent[v] = parent[parent[v]]
                v = parent[v]
            return v

        for coefficients, _, _ in self._rows:
            first, *others = coefficients
            for other in others:
                parent[root(other)] = root(first)
        members: dict[int, list[int]] = {}
        for v in range(len(self.keys)):
            members.setdefault(root(v), []).append(v)
        rows_of: dict[int, list[int]] = {}
        for r, (coefficients, _, _) in enumerate(self._rows):
            rows_of.setdefault(root(next(iter(coefficients))), []).append(r)
        found = []
        for top, variables in members.items():
            place = {v: n for n, v in enumerate(variables)}
            rows = rows_of.get(top, [])
            cells = [
                (n, place[v], c) for n, r in enumerate(rows) for v, c in self._rows[r][0].items()
            ]
            matrix = csr_array(
                ([c for *_, c in cells], ([n for n, *_ in cells], [v for _, v, _ in cells])),
                shape=(len(rows), len(variables)),
            )
            low = [self._rows[r][1] for r in rows]
            high = [self._rows[r][2] for r in rows]
            found.append((variables, LinearConstraint(matrix, low, high)))
        return found


class _Search:
    """Tables that fit the constraints, searched for until the ``deadline``
    (time.monotonic): the lowest and highest value each variable takes in those found."""

    def __init__(self, constraints: LinearConstraint, truth: np.ndarray, deadline: float):
        self.constraints = constraints
        self.deadline = deadline
        self.count = len(truth)
        self.low, self.high = truth.copy(), truth.copy()
        # Every constraint is an equation or has no lower limit (how _Program makes them).
        self.matrix = csr_array(constraints.A)
        self.equal = np.asarray(constraints.lb == constraints.ub)

    def searching(self) -> bool:
        return time.monotonic() < self.deadline

    def narrow(self, width: int) -> np.ndarray:
        """Which values the tables found so far spread less than ``width`` apart."""
        return self.high - self.low < width

    def fits(self, solution: np.ndarray | None) -> bool:
        """Whether a solution is a table: whole numbers meeting every constraint (its
        values then widen the ranges found)."""
        constraints = self.constraints
        if solution is None or (np.abs(solution - np.round(solution)) > 1e-6).any():
            return False
        table = np.round(solution).astype(int)
        if constraints.A.shape[0]:
            fitted = constraints.A @ table
            if (fitted < constraints.lb - 1e-6).any() or (fitted > constraints.ub + 1e-6).any():
                return False
        if (table >= 0).all():
            np.minimum(self.low, table, out=self.low)
            np.maximum(self.high, table, out=self.high)
            return True
        return False

    def search(self, objective: np.ndarray) -> None:
        """Look for the table that goes furthest towards ``objective``."""
        left = min(_SECONDS, self.deadline - time.monotonic())
        if left <= 0:
            return
        # The linear program first, far quicker: its answers are mostly whole numbers
        # already (the constraints are sums and differences); the integer program only
        # where they are not.
        equal, matrix, constraints = self.equal, self.matrix, self.constraints
        relaxed = linprog(
            objective,
            A_ub=matrix[~equal] if (~equal).any() else None,
            b_ub=constraints.ub[~equal] if (~equal).any() else None,
            A_eq=matrix[equal] if equal.any() else None,
            b_eq=constraints.ub[equal] if equal.any() else None,
            bounds=(0, _FAR),
            method="highs",
            options={"time_limit": left},
        )
        left = min(_SECONDS, self.deadline - time.monotonic())
        if self.fits(relaxed.x) or left <= 0:
            return
        result = milp(
            objective,
            constraints=constraints if constraints.A.shape[0] else None,
            bounds=Bounds(0, _FAR),
            integrality=np.ones(self.count),
            # A table need not be the best there is to count, only to fit (checked): a
            # search cut short just finds a range narrower than the real one.
            options={"time_limit": left},
        )
        self.fits(result.x)


def _narrow(
    constraints: LinearConstraint, truth: np.ndarray, width: int, deadline: float
) -> tuple[np.ndarray, np.ndarray]:
    """The lowest and highest value each variable takes in the tables found that fit, searched
    until each is ``width`` apart or the ``deadline`` (time.monotonic) passes."""
    found = _Search(constraints, truth, deadline)
    # The real campaign fits: a start. Then push every value still too narrow up at once, and
    # down; then in random directions, some up and some down (two values that can only trade
    # with each other move apart that way), while that helps; then each one left, on its own.
    directions = np.random.default_rng(0)
    tries = 0
    while (narrow := found.narrow(width)).any() and tries < _RANDOM_TRIES and found.searching():
        before = narrow.sum()
        if tries == 0:
            found.search(-narrow.astype(float))
            found.search(narrow.astype(float))
        else:
            found.search(narrow * directions.choice([-1.0, 1.0], size=found.count))
        tries = 0 if found.narrow(width).sum() < before else tries + 1
    if found.narrow(width).sum() > _ONE_BY_ONE:
        return found.low, found.high
    for n in range(found.count):
        for sign in (1, -1):
            if found.high[n] - found.low[n] < width and found.searching():
                objective = np.zeros(found.count)
                objective[n] = sign
                found.search(objective)
    return found.low, found.high


def too_narrow(
    report: Linked, width: int = WIDTH, *, deadline: float = np.inf
) -> dict[Key, tuple[int, int]]:
    """The hidden values that no tables found spread at least ``width`` apart, with the
    range those tables give. Searched until the ``deadline`` (time.monotonic): those not
    shown wide enough by then are among those returned."""
    program = _Program(report)
    found = {}
    for variables, constraints in program.parts():
        truth = np.array([program_value(report, program.keys[v]) for v in variables])
        low, high = _narrow(constraints, truth, width, deadline)
        for n, v in enumerate(variables):
            if high[n] - low[n] < width:
                found[program.keys[v]] = (int(low[n]), int(high[n]))
    return found


def program_value(report: Linked, key: Key) -> int:
    """The true value behind a key."""
    if key[0] == "guaranteed":
        return report.guaranteed
    page = report.pages[key[1]]
    if key[0] == "total":
        return page.totals[key[2]]
    return page.counts[key[2]][key[3]][key[4]]

"""Which counts the equality report hides, so that nothing it shows pins a hidden count down. Pure.

The report's tables are nested: one row per answer, one column per stage, and everyone counted
at a stage was counted at the stage before it (its parent: sift for assessment, and sift again
for interview, since interview can follow sift directly). Each column's total over the answers
is shown in the "All applicants" row, and that row is the same in every table: each table splits
the same people by a different question.

Someone trying to undo the hiding can use all of that: every count and total shown, that no
stage has more people than its parent, that no count is negative, and that the totals are shared.
From those they can work out the smallest and the largest value each hidden count could have. We
hide enough that, for every hidden count and hidden total, those two are at least WIDTH apart.

How we know: for each hidden count we look for other tables, consistent with everything shown,
in which that count is larger, and smaller, than the truth. Two kinds of change move k people
without changing anything shown, over a block of connected stages (a stage and some of the
stages after it):

* an exchange: k people move from one answer's row to another's over a block where both rows
  are hidden, so no column total changes. The row taking them needs room under the block's
  parent stage (its gap); the row giving them must keep at least as many as each stage just
  after the block, and none below zero (its slack).
* a shift: k more (or fewer) people reach the block's stages, whose totals are hidden; in every
  table one row hidden over the block takes the change, within its gap (or slack).

The real range can only be wider than these changes show, so the check is sound; the tests check
it against an exact solver. When a hidden count fails, we hide the cheapest further cells (fewest
totals, then fewest cells, then fewest people) that let one change reach the width, and check
again. Hiding more never narrows a range, so this ends: at worst everything is hidden.

Counts from 1 to 4 are hidden first (primary suppression). A zero may be hidden as a second
count, so a hidden count says nothing about whether anyone is behind it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from tracker.reports.stage_blocks import Block as _Block
from tracker.reports.stage_blocks import blocks as _blocks
from tracker.reports.suppression import is_small

# The smallest distance allowed between the lowest and highest values a hidden count could have.
WIDTH = 5
# Nothing before the first stage limits how many more people could have applied.
_UNLIMITED = 10**9
# How many of the cheapest ways to protect a count are tried for whether they protect themselves.
_LOOK_AHEAD = 12

Place = tuple[int, int, int]  # (table, row, stage)


@dataclass(frozen=True)
class Protection:
    cells: tuple[frozenset[tuple[int, int]], ...]  # for each table: (row, stage) hidden
    totals: frozenset[int]  # stages whose total is hidden, in every table alike

    def cell(self, table: int, row: int, stage: int) -> bool:
        return (row, stage) in self.cells[table]


@dataclass(frozen=True)
class _Candidate:
    width: int
    cells: frozenset[Place]
    totals: frozenset[int]
    people: int

    @property
    def cost(self) -> tuple[int, int, int]:
        # A hidden total hides that stage in every table, so it costs most.
        return (len(self.totals), len(self.cells), self.people)


class _Report:
    def __init__(
        self,
        counts: Sequence[Sequence[Sequence[int]]],
        totals: Sequence[int],
        parents: Sequence[int | None],
        forced: Sequence[frozenset[tuple[int, int]]] = (),
        forced_totals: frozenset[int] = frozenset(),
    ):
        self.counts = counts
        self.stages = len(totals)
        self.blocks = _blocks(parents)
        self.hidden: set[Place] = {
            (t, g, s)
            for t, table in enumerate(counts)
            for g, row in enumerate(table)
            for s, count in enumerate(row)
            if is_small(count) or (t < len(forced) and (g, s) in forced[t])
        }
        self.hidden_totals: set[int] = {
            s for s, total in enumerate(totals) if is_small(total) or s in forced_totals
        }
        self._shifts: dict = {}  # shift() for the hidden cells as they are
        self._table_shifts: dict = {}  # table_shift() likewise, with nothing extra
        self._slacks: dict[tuple[int, int, int], int] = {}
        self._masks = [[0] * len(table) for table in counts]  # each row's hidden stages, as bits
        for t, g, s in self.hidden:
            self._masks[t][g] |= 1 << s

    # What a single row allows -----------------------------------------------------------------

    def gap(self, t: int, g: int, block: _Block) -> int:
        """How many more people row g could have over the block, under its parent stage."""
        row = self.counts[t][g]
        return _UNLIMITED if block.above is None else row[block.above] - row[block.top]

    def slack(self, t: int, g: int, block: _Block) -> int:
        """How many fewer people row g could have over the block, staying above what follows."""
        key = (t, g, block.mask)
        if key not in self._slacks:
            row = self.counts[t][g]
            exits = [row[s] - row[c] for s, c in block.exits]
            self._slacks[key] = min(exits + [row[s] for s in block.ends])
        return self._slacks[key]

    def cells(self, t: int, g: int, block: _Block) -> frozenset[Place]:
        return frozenset((t, g, s) for s in block.stages)

    def covered(self, t: int, g: int, block: _Block) -> bool:
        return self._masks[t][g] & block.mask == block.mask

    def rows(self, t: int) -> range:
        return range(len(self.counts[t]))

    def blocks_with(self, stage: int) -> list[_Block]:
        return [block for block in self.blocks if stage in block.stages]

    # The changes that leave everything shown as it is -----------------------------------------

    def table_shift(self, t: int, block: _Block, extra: dict[tuple[int, int], int] | None = None):
        """How far table t could take a shift of the block up and down, shared among its rows
        hidden over the block (with ``extra``, more stages as bits by (table, row), hidden)."""
        up, down = self._sums(t, block) if not extra else self._added(t, block, extra)
        return min(up, _UNLIMITED), min(down, _UNLIMITED)

    def _sums(self, t: int, block: _Block) -> tuple[int, int]:
        """The rows hidden over the block: their gaps and slacks added up, kept until more
        is hidden."""
        key = (t, block.mask)
        if key not in self._table_shifts:
            rows = [g for g in self.rows(t) if self.covered(t, g, block)]
            self._table_shifts[key] = (
                sum(self.gap(t, g, block) for g in rows),
                sum(self.slack(t, g, block) for g in rows),
            )
        return self._table_shifts[key]

    def _added(self, t: int, block: _Block, extra: dict[tuple[int, int], int]):
        """_sums() with the rows ``extra`` covers besides."""
        up, down = self._sums(t, block)
        for (u, g), more in extra.items():
            newly = u == t and not self.covered(t, g, block)
            if newly and (self._masks[t][g] | more) & block.mask == block.mask:
                up += self.gap(t, g, block)
                down += self.slack(t, g, block)
        return up, down

    def shift(self, block: _Block, skip: int | None = None) -> tuple[int, int]:
        """How far the block's stages could move up and down in every table (but ``skip``)
        at once: as far as the table with least room allows."""
        if not block.stages <= self.hidden_totals:
            return 0, 0
        key = (block.stages, skip)
        if key not in self._shifts:
            up = down = _UNLIMITED
            for t in range(len(self.counts)):
                if t != skip:
                    table_up, table_down = self.table_shift(t, block)
                    up, down = min(up, table_up), min(down, table_down)
            self._shifts[key] = (up, down)
        return self._shifts[key]

    def cell_range(self, place: Place) -> tuple[int, int]:
        """How far the hidden count at ``place`` could be moved up and down."""
        t, g, s = place
        up = down = 0
        for block in self.blocks_with(s):
            if self.covered(t, g, block):
                # How far row g could move over the block, trading with every other row
                # hidden over it and with the other tables through a shift (where the
                # block's totals are hidden); from sums kept until more is hidden.
                gaps, slacks = self._sums(t, block)
                shift_up, shift_down = self.shift(block, skip=t)
                block_up = min(self.gap(t, g, block), slacks - self.slack(t, g, block) + shift_up)
                block_down = min(self.slack(t, g, block), gaps - self.gap(t, g, block) + shift_down)
                up, down = max(up, block_up), max(down, block_down)
        return up, down

    def total_range(self, stage: int) -> tuple[int, int]:
        shifts = [self.shift(block) for block in self.blocks_with(stage)]
        return max(up for up, _ in shifts), max(down for _, down in shifts)

    # Hiding more until every hidden count is safe ---------------------------------------------

    def failing(self, safe: set) -> tuple[tuple, tuple[int, int]] | None:
        """The first hidden total or count whose range is too narrow. ``safe`` remembers those
        that passed: hiding more never narrows a range."""
        items: list[tuple] = [("total", s) for s in sorted(self.hidden_totals)]
        for item in items + sorted(self.hidden):
            if item in safe:
                continue
            moves = self.total_range(item[1]) if item[0] == "total" else self.cell_range(item)
            if sum(moves) >= WIDTH:
                safe.add(item)
            else:
                return item, moves
        return None

    def candidate(self, width: int, cells: frozenset[Place], totals: frozenset[int]) -> _Candidate:
        new_cells = cells - self.hidden
        people = sum(self.counts[t][g][s] for t, g, s in new_cells)
        return _Candidate(width, new_cells, totals - self.hidden_totals, people)

    def exchange_candidates(
        self, place: Place, block: _Block, moves: tuple[int, int]
    ) -> Iterator[_Candidate]:
        """Hiding the count's row over the block and more and more partner rows beside it:
        first those hidden there already, then those giving the most room up (or down)."""
        t, g, _ = place
        up, down = moves
        others = [h for h in self.rows(t) if h != g]
        # How far row g could move trading with the first n partners (as in cell_range), the
        # sums kept as they grow rather than added up again for each n.
        shift_up, shift_down = self.shift(block, skip=t)
        own_gap, own_slack = self.gap(t, g, block), self.slack(t, g, block)
        for room in (self.slack, self.gap):
            ordered = sorted(
                others,
                key=lambda h: (len(self.cells(t, h, block) - self.hidden), -room(t, h, block), h),
            )
            cells = self.cells(t, g, block)
            slacks = gaps = 0
            for h in ordered:
                cells |= self.cells(t, h, block)
                slacks += self.slack(t, h, block)
                gaps += self.gap(t, h, block)
                block_up = min(own_gap, slacks + shift_up)
                block_down = min(own_slack, gaps + shift_down)
                width = max(up, block_up) + max(down, block_down)
                yield self.candidate(width, cells, frozenset())

    def shift_candidates(self, block: _Block, moves: tuple[int, int]) -> Iterator[_Candidate]:
        """Hiding the block's totals and, in each table, rows with the most room up (or down)
        over the block until that table has room enough, or both."""
        up, down = moves
        picks = {}
        for direction, room in ((0, self.gap), (1, self.slack)):
            cells: frozenset[Place] = frozenset()
            for t in range(len(self.counts)):
                enough = self.table_shift(t, block)[direction]
                for g in sorted(self.rows(t), key=lambda g: (-room(t, g, block), g)):
                    if enough >= WIDTH:
                        break
                    if not self.covered(t, g, block):
                        cells |= self.cells(t, g, block)
                        enough += room(t, g, block)
            picks[direction] = cells
        for cells in (picks[0], picks[1], picks[0] | picks[1]):
            extra: dict[tuple[int, int], int] = {}
            for t, g, stage in cells:
                extra[t, g] = extra.get((t, g), 0) | 1 << stage
            # Only the tables gaining cells share differently: the rest are as they are.
            touched = {t for t, _ in extra}
            shares = [
                self.table_shift(t, block, extra if t in touched else None)
                for t in range(len(self.counts))
            ]
            width = max(up, min(u for u, _ in shares)) + max(down, min(d for _, d in shares))
            yield self.candidate(width, cells, block.stages)

    def candidates(
        self, item: tuple, moves: tuple[int, int], *, with_totals: bool
    ) -> Iterator[_Candidate]:
        """Ways to widen ``item``'s range: those hiding no further total, or those that do."""
        stage = item[1] if item[0] == "total" else item[2]
        for block in self.blocks_with(stage):
            totals_hidden = block.stages <= self.hidden_totals
            if item[0] != "total" and not with_totals:
                yield from self.exchange_candidates(item, block, moves)
            if totals_hidden != with_totals:
                yield from self.shift_candidates(block, moves)

    def everything(self) -> _Candidate:
        cells = frozenset(
            (t, g, s)
            for t in range(len(self.counts))
            for g in self.rows(t)
            for s in range(self.stages)
        )
        return self.candidate(_UNLIMITED, cells, frozenset(range(self.stages)))

    def hide(self, cells: frozenset[Place], totals: frozenset[int]) -> None:
        self.hidden |= cells
        self.hidden_totals |= totals
        self._shifts.clear()
        self._table_shifts.clear()
        for t, g, s in cells:
            self._masks[t][g] |= 1 << s

    def unhide(self, cells: frozenset[Place], totals: frozenset[int]) -> None:
        self.hidden -= cells
        self.hidden_totals -= totals
        self._shifts.clear()
        self._table_shifts.clear()
        for t, g, s in cells:
            self._masks[t][g] &= ~(1 << s)

    def protects_itself(self, chosen: _Candidate) -> bool:
        """Whether, once hidden, the candidate's own new cells and totals are safe too: a
        hidden zero, say, cannot be moved down, so it needs more room up than its neighbours."""
        self.hide(chosen.cells, chosen.totals)
        try:
            ranges = [self.total_range(s) for s in chosen.totals]
            ranges += [self.cell_range(place) for place in chosen.cells]
            return all(sum(moves) >= WIDTH for moves in ranges)
        finally:
            self.unhide(chosen.cells, chosen.totals)

    def whole_table(self, t: int) -> _Candidate:
        cells = frozenset((t, g, s) for g in self.rows(t) for s in range(self.stages))
        return self.candidate(_UNLIMITED, cells, frozenset())

    def protect(self, item: tuple, moves: tuple[int, int]) -> None:
        """Hide more so that ``item`` is safe, in this order of preference: the cheapest cells
        that make it safe (preferring those that are safe themselves once hidden); the cells
        that widen its range most; its whole table; and only then totals, which hide a stage in
        every table; at worst, everything."""
        table = self.whole_table(item[0]) if item[0] != "total" else None
        for with_totals in (False, True):
            found = self.candidates(item, moves, with_totals=with_totals)
            usable = [c for c in found if c.cells or c.totals]
            enough = sorted((c for c in usable if c.width >= WIDTH), key=lambda c: c.cost)
            wider = [c for c in usable if c.width > sum(moves)]
            if enough:
                # Looking a few ahead is enough, and never at more totals than the cheapest.
                alike = [c for c in enough[:_LOOK_AHEAD] if c.totals == enough[0].totals]
                chosen = next((c for c in alike if self.protects_itself(c)), enough[0])
                break
            if wider:
                chosen = min(wider, key=lambda c: (-c.width, c.cost))
                break
            if table is not None and table.cells:
                chosen = table
                break
        else:
            chosen = self.everything()
        self.hide(chosen.cells, chosen.totals)


def suppress(
    counts: Sequence[Sequence[Sequence[int]]],
    totals: Sequence[int],
    parents: Sequence[int | None],
    *,
    forced: Sequence[frozenset[tuple[int, int]]] = (),
    forced_totals: frozenset[int] = frozenset(),
) -> Protection:
    """What to hide in tables of the same people: ``counts[table][row][stage]``, where no stage
    has more people than its parent stage (``parents[stage]``, None for the first), and each
    table's columns add up to ``totals[stage]``.

    ``forced`` (for each table, (row, stage)) and ``forced_totals`` are hidden whatever their
    size, and protected like any other hidden count: the report hides them where other pages
    of the same campaign would otherwise give them away (linked.py)."""
    if len(parents) != len(totals):
        raise ValueError("Every stage needs its parent stage (None for the first)")
    for table in counts:
        for row in table:
            if len(row) != len(totals) or any(n < 0 for n in row):
                raise ValueError("Each row needs a count of 0 or more for every stage")
            if any(p is not None and row[s] > row[p] for s, p in enumerate(parents)):
                raise ValueError("No stage can have more people than the stage before it")
        if [sum(column) for column in zip(*table, strict=True)] != list(totals):
            raise ValueError("Each table's columns must add up to the totals")
    report = _Report(counts, totals, parents, forced, forced_totals)
    safe: set = set()
    while (failing := report.failing(safe)) is not None:
        report.protect(*failing)
    return Protection(
        cells=tuple(
            frozenset((g, s) for u, g, s in report.hidden if u == t) for t in range(len(counts))
        ),
        totals=frozenset(report.hidden_totals),
    )

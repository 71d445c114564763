"""Small-number suppression: every count from 1 to 4 is hidden, and no total shown beside a
line can give a hidden count away. Properties over generated tables, then the simple cases."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.reports.suppression import is_small, suppress

# Counts skewed small, where suppression has work to do, with some zeros and larger numbers.
counts = st.one_of(st.integers(0, 6), st.integers(0, 60))


@st.composite
def tables(draw):
    rows = draw(st.integers(1, 6))
    columns = draw(st.integers(1, 6))
    return [[draw(counts) for _ in range(columns)] for _ in range(rows)]


def _lines(table, result, *, row_totals, column_totals):
    """(members: [(value, hidden)], total value, total hidden) for every line with a total."""
    rows, columns = len(table), len(table[0])
    found = []
    if row_totals:
        for r in range(rows):
            members = [(table[r][c], result.cell(r, c)) for c in range(columns)]
            found.append((members, sum(table[r]), r in result.row_totals))
    if column_totals:
        for c in range(columns):
            members = [(table[r][c], result.cell(r, c)) for r in range(rows)]
            found.append((members, sum(row[c] for row in table), c in result.column_totals))
    if row_totals and column_totals:
        grand = sum(map(sum, table))
        found.append(
            (
                [(sum(table[r]), r in result.row_totals) for r in range(rows)],
                grand,
                result.grand_total,
            )
        )
        found.append(
            (
                [(sum(row[c] for row in table), c in result.column_totals) for c in range(columns)],
                grand,
                result.grand_total,
            )
        )
    return found


@pytest.mark.parametrize(("row_totals", "column_totals"), [(True, True), (False, True)])
@settings(max_examples=300, deadline=None)
@given(table=tables())
def test_no_total_shown_gives_a_hidden_count_away(table, row_totals, column_totals):
    result = suppress(table, row_totals=row_totals, column_totals=column_totals)

    for r, row in enumerate(table):
        for c, count in enumerate(row):
            if is_small(count):
                assert result.cell(r, c), f"{count} at {r},{c} is shown"
            if count == 0:
                assert not result.cell(r, c), "a zero is hidden"
    for members, total, total_hidden in _lines(
        table, result, row_totals=row_totals, column_totals=column_totals
    ):
        if is_small(total):
            assert total_hidden, f"the total {total} is shown"
        if not total_hidden:
            hidden = [value for value, is_hidden in members if value and is_hidden]
            assert len(hidden) != 1, f"the total {total} reveals {hidden[0]}"


@settings(max_examples=200, deadline=None)
@given(table=tables())
def test_a_table_with_no_small_counts_hides_nothing(table):
    big = [[count if count == 0 else count + 5 for count in row] for row in table]
    totals = [sum(row) for row in big] + [sum(col) for col in zip(*big, strict=True)]
    if any(is_small(total) for total in totals):
        return  # cannot happen: totals of counts of 5 or more are 0 or 5 or more
    assert suppress(big).count == 0


@settings(max_examples=200, deadline=None)
@given(table=tables())
def test_suppression_is_repeatable(table):
    assert suppress(table) == suppress([list(row) for row in table])


@settings(max_examples=200, deadline=None)
@given(
    small=st.integers(1, 4),
    others=st.lists(st.integers(0, 80).map(lambda n: 0 if n < 5 else n), min_size=1, max_size=8),
    at=st.integers(0, 8),
)
def test_one_small_count_in_a_line_hides_it_and_the_next_smallest_only(small, others, at):
    line = [*others[:at], small, *others[at:]]
    result = suppress([[count] for count in line], row_totals=False, column_totals=True)

    nonzero_others = [n for n in others if n]
    if not nonzero_others:
        # The total is the small count itself: hidden, and nothing else needs to be.
        assert (result.cells, result.column_totals) == ({(line.index(small), 0)}, {0})
        return
    assert len(result.cells) == 2
    hidden = sorted(line[r] for r, _ in result.cells)
    assert hidden == sorted([small, min(nonzero_others)])
    assert result.column_totals == frozenset()


def test_three_applicants_in_one_group_hide_a_second_cell_so_the_total_cannot_reveal_it():
    # One stage of the equality report: women 20, men 3, prefer not to say 0, not answered 0.
    # The total of 23 is shown, so 23 - 20 would give the 3 away: 20 is hidden as well.
    result = suppress([[20], [3], [0], [0]], row_totals=False, column_totals=True)

    assert result.cells == {(0, 0), (1, 0)}
    assert result.column_totals == frozenset()


def test_the_next_smallest_count_is_the_one_hidden_second():
    result = suppress([[3, 40, 12, 9, 0]], row_totals=True, column_totals=False)

    assert result.cells == {(0, 0), (0, 3)}
    assert result.row_totals == frozenset()


def test_a_small_count_in_a_full_table_hides_the_least_it_can():
    table = [[3, 10, 11], [20, 30, 40], [25, 35, 45]]

    result = suppress(table)

    # A 2 by 2 block: each row and column through it keeps two hidden counts.
    assert result.cells == {(0, 0), (0, 1), (1, 0), (1, 1)}
    assert (result.row_totals, result.column_totals, result.grand_total) == (
        frozenset(),
        frozenset(),
        False,
    )


def test_a_small_total_is_hidden_and_does_not_need_a_partner():
    result = suppress([[2, 0], [1, 0], [30, 40]])

    assert result.row_totals == {0, 1}
    # Row totals 2 and 1 are hidden: the grand total could give one away only if one was.
    assert result.cells >= {(0, 0), (1, 0)}


def test_a_count_that_is_the_whole_of_its_line_takes_its_total_with_it():
    # 9 is hidden to protect the 3 across row 0; in its column every other count is zero,
    # so the column's total would say 9: that total is hidden instead.
    result = suppress([[3, 9], [0, 0]])

    assert result.cells == {(0, 0), (0, 1)}
    assert result.column_totals == {0, 1}
    assert (result.row_totals, result.grand_total) == (frozenset(), False)


def test_zeros_stay_and_empty_tables_are_fine():
    assert suppress([[0, 0], [0, 0]]).count == 0
    assert suppress([]).count == 0


def test_bad_tables_are_refused():
    with pytest.raises(ValueError, match="same number"):
        suppress([[1, 2], [3]])
    with pytest.raises(ValueError, match="negative"):
        suppress([[-1]])

"""What the equality report hides, worked out from counts alone (stage_suppression.py). Whether
what it hides is safe is checked from the published page and file, by test_equality_disclosure."""

from __future__ import annotations

import pytest

from tracker.reports.equality import PARENTS
from tracker.reports.stage_suppression import suppress

# Applied, sift, assessment, interview, offer, hired: assessment and interview follow sift.
CHAIN = (None, 0, 1, 2, 3, 4)


def _totals(table):
    return [sum(column) for column in zip(*table, strict=True)]


def test_the_stages_are_nested_as_the_pipeline_allows():
    # Interview can follow sift without an assessment.
    assert PARENTS == (None, 0, 1, 1, 3, 4)


def test_a_report_with_no_small_counts_hides_nothing():
    table = [[40, 30, 20, 25, 10, 5], [12, 10, 5, 8, 6, 0], [0, 0, 0, 0, 0, 0]]

    hidden = suppress([table, [_totals(table)]], _totals(table), PARENTS)

    assert hidden.cells == (frozenset(), frozenset())
    assert hidden.totals == frozenset()


def test_a_count_a_later_stage_pins_down_is_not_the_one_hidden_beside_a_small_count():
    # The seeded example: Asian 5 at every stage to assessment, White 7 and Black 1 at sift.
    # Hiding the Asian sift count beside the Black one would not do: assessment pins it at 5.
    ethnicity = [[5, 5, 5, 0, 0, 0], [1, 1, 0, 0, 0, 0], [7, 7, 0, 0, 0, 0]]

    hidden = suppress([ethnicity], _totals(ethnicity), CHAIN)

    assert (0, 1) not in hidden.cells[0]
    assert {(1, 0), (1, 1)} <= hidden.cells[0]
    assert hidden.totals == frozenset()


def test_a_small_total_is_hidden_for_every_table():
    sex = [[30, 20, 10, 8, 6, 2], [25, 20, 12, 9, 7, 1]]
    everyone = [_totals(sex)]  # a question nobody answered: one row, the totals themselves

    hidden = suppress([sex, everyone], _totals(sex), CHAIN)

    assert 5 in hidden.totals  # 3 hired
    assert (0, 5) in hidden.cells[1]
    assert {(0, 5), (1, 5)} <= hidden.cells[0]


def test_the_same_counts_always_hide_the_same_cells():
    table = [[9, 8, 3, 6, 4, 2], [14, 12, 6, 9, 5, 5], [3, 3, 1, 2, 2, 1], [20, 15, 7, 9, 9, 6]]
    counts = [table, [_totals(table)]]

    assert len({suppress(counts, _totals(table), PARENTS) for _ in range(3)}) == 1


@pytest.mark.parametrize(
    ("counts", "totals", "parents", "message"),
    [
        ([[[5, 6]]], [5, 6], (None, 0), "more people than the stage before"),
        ([[[5, -1]]], [5, -1], (None, 0), "0 or more"),
        ([[[5, 3, 0]]], [5, 3, 0], (None, 0), "parent stage"),
        ([[[5, 3]], [[6, 3]]], [5, 3], (None, 0), "add up to the totals"),
    ],
)
def test_tables_that_cannot_be_real_are_refused(counts, totals, parents, message):
    with pytest.raises(ValueError, match=message):
        suppress(counts, totals, parents)


def test_a_count_forced_hidden_is_protected_like_a_small_one():
    # Another page of the same campaign hides the men's sift count: hidden here too, with a
    # second count beside it so that the total does not give it away.
    sex = [[30, 20, 10, 8, 6, 5], [25, 20, 12, 9, 7, 5]]

    hidden = suppress([sex], _totals(sex), CHAIN, forced=[frozenset({(1, 1)})])

    assert (1, 1) in hidden.cells[0]
    assert (0, 1) in hidden.cells[0] or 1 in hidden.totals

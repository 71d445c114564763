"""How long things took, as a median and a spread: the quartiles and the range. Pure.

The quartiles are the ones spreadsheets give with QUARTILE.INC (and numpy's "linear"
percentiles): the values a quarter and three quarters of the way along the sorted list,
read between neighbours where they fall between two. HR can check them in Excel.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Spread:
    count: int
    median: float | None = None
    lower_quartile: float | None = None
    upper_quartile: float | None = None
    shortest: float | None = None
    longest: float | None = None

    @property
    def cells(self) -> tuple:
        """The table's cells, in the order of ``COLUMNS`` in timing.py."""
        return (
            self.count,
            self.median,
            self.lower_quartile,
            self.upper_quartile,
            self.shortest,
            self.longest,
        )


def spread(values: Iterable[float]) -> Spread:
    ordered = sorted(values)
    if not ordered:
        return Spread(count=0)
    if len(ordered) == 1:
        lower = upper = ordered[0]
    else:
        lower, _, upper = statistics.quantiles(ordered, n=4, method="inclusive")
    return Spread(
        count=len(ordered),
        median=statistics.median(ordered),
        lower_quartile=lower,
        upper_quartile=upper,
        shortest=ordered[0],
        longest=ordered[-1],
    )

"""How a hidden count looks, and which counts are small enough to hide whatever else is shown.

A count from 1 to 4 could point at someone, so the equality report always hides it (primary
suppression); stage_suppression.py decides what else it hides so that what is shown cannot
give a hidden count away.
"""

from __future__ import annotations

SMALLEST_SHOWN = 5
# What a hidden count reads as, in tables and CSV files alike.
MARKER = "[c]"


def is_small(count: int) -> bool:
    return 1 <= count < SMALLEST_SHOWN

"""A chart of how long things took: for each group a box from the lower to the upper
quartile with a line at the median, and whiskers out to the shortest and longest. Pure.

Drawn under the same rules as charts.py (no style attribute, one image with a title and a
description that reads out every figure). Each group's figures are also written under its
box in words, so nobody has to judge a length or a colour to read them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from markupsafe import Markup

from tracker.reports.charts import (
    AXIS_COLOUR,
    BAR_COLOUR,
    GAP,
    LABEL_HEIGHT,
    TEXT_COLOUR,
    WIDTH,
    check_id,
    figure,
    svg_open,
    svg_text,
    text_lines,
    wrapped,
)
from tracker.reports.spread import Spread
from tracker.reports.tables import number

BOX_HEIGHT = 18
MARGIN = 8  # either side of the scale, so that the whiskers' end caps are drawn whole
AXIS_ROOM = 36
MIN_BOX = 8  # the narrowest box drawn, so that one value (or equal quartiles) can be seen
WORDS_SIZE = 14  # the figures in words under each box


def _days(value: float) -> str:
    return f"{number(value)} day{'' if number(value) == '1' else 's'}"


def in_words(spread: Spread) -> str:
    if not spread.count:
        return "none yet"
    return (
        f"median {_days(spread.median)}, middle half {number(spread.lower_quartile)} to "
        f"{number(spread.upper_quartile)}, range {number(spread.shortest)} to "
        f"{number(spread.longest)} ({spread.count:,} timed)"
    )


def _scale_end(longest: float) -> float:
    """A round number of days at or above the longest, for the axis's last tick."""
    if longest <= 0:
        return 1
    step = 10 ** math.floor(math.log10(longest))
    for multiple in (1, 2, 5, 10):
        if multiple * step >= longest:
            return multiple * step
    return 10 * step


def spread_chart(
    *, chart_id: str, title: str, summary: str, rows: Sequence[tuple[str, Spread]]
) -> Markup:
    """:raise ValueError: for an id that is not safe in markup."""
    check_id(chart_id)
    end = _scale_end(max((s.longest for _, s in rows if s.count), default=0))
    x = _position(end)
    parts: list[str] = []
    top = 0
    for label, one in rows:
        top = _group(label, one, top, x, parts)
    top = _axis(end, top, x, parts)
    described = "; ".join(f"{label}: {in_words(one)}" for label, one in rows) or "No data"
    head = svg_open(
        chart_id=chart_id, title=title, summary=summary, described=described, height=top
    )
    return Markup("".join([head, *parts, "</svg>"]))  # noqa: S704 (all text escaped above)


def _position(end: float) -> Callable[[float], str]:
    """Where a number of days falls across the chart, on a scale from 0 to ``end``."""
    span = WIDTH - 2 * MARGIN

    def x(value: float) -> str:
        return figure(MARGIN + max(0.0, value) * span / end)

    return x


def _group(label: str, one: Spread, top: int, x: Callable[[float], str], parts: list[str]) -> int:
    """Draw one group, its label, its box and its figures in words, into ``parts`` from
    ``top``; return where the next starts."""
    lines = wrapped(label, bold=True)
    parts.append(f'<text fill="{TEXT_COLOUR}" font-weight="bold">{text_lines(lines, top)}</text>')
    top += len(lines) * LABEL_HEIGHT
    if one.count:
        parts.extend(_box(one, top, x))
        top += BOX_HEIGHT
    # Wrapped: a sentence of figures is longer than the chart is wide.
    lines = wrapped(in_words(one).capitalize(), most=None, size=WORDS_SIZE)
    parts.append(
        f'<text fill="{TEXT_COLOUR}" font-size="{WORDS_SIZE}">'
        f"{text_lines(lines, top, lift=4)}</text>"
    )
    return top + len(lines) * LABEL_HEIGHT + GAP


def _box(one: Spread, top: int, x: Callable[[float], str]) -> list[str]:
    """The whiskers, the box of the middle half and the line at the median, from ``top``."""
    middle = top + BOX_HEIGHT / 2
    low, q1, med, q3, high = (
        x(one.shortest),
        x(one.lower_quartile),
        x(one.median),
        x(one.upper_quartile),
        x(one.longest),
    )
    parts = [
        f'<line x1="{low}" y1="{figure(middle)}" x2="{high}" y2="{figure(middle)}" '
        f'stroke="{TEXT_COLOUR}" stroke-width="2"/>'
    ]
    for cap in (low, high):
        parts.append(
            f'<line x1="{cap}" y1="{top + 3}" x2="{cap}" y2="{top + BOX_HEIGHT - 3}" '
            f'stroke="{TEXT_COLOUR}" stroke-width="2"/>'
        )
    # A single value, or a middle half of no width, is still a box to see: at least
    # MIN_BOX wide, centred on the median and kept inside the scale.
    width = max(float(q3) - float(q1), MIN_BOX)
    left = float(q1) if width > MIN_BOX else float(med) - MIN_BOX / 2
    left = min(max(left, MARGIN - MIN_BOX / 2), WIDTH - MARGIN - width + MIN_BOX / 2)
    parts.append(
        f'<rect x="{figure(left)}" y="{top}" width="{figure(width)}" '
        f'height="{BOX_HEIGHT}" fill="{BAR_COLOUR}" stroke="{TEXT_COLOUR}" '
        f'stroke-width="1"/>'
    )
    # White on the blue box; on a box too narrow to show blue either side, near-black
    # and wider than the box, so that the median still shows.
    narrow = width < 3 * MIN_BOX
    parts.append(
        f'<line x1="{med}" y1="{top - 3 if narrow else top}" x2="{med}" '
        f'y2="{top + BOX_HEIGHT + 3 if narrow else top + BOX_HEIGHT}" '
        f'stroke="{TEXT_COLOUR if narrow else "#ffffff"}" stroke-width="3"/>'
    )
    return parts


def _axis(end: float, top: int, x: Callable[[float], str], parts: list[str]) -> int:
    """Draw the scale into ``parts`` at ``top``, a line with ticks at none, half and all of
    the largest round number; return the chart's height."""
    parts.append(
        f'<line x1="{MARGIN}" y1="{top}" x2="{WIDTH - MARGIN}" y2="{top}" '
        f'stroke="{AXIS_COLOUR}" stroke-width="1"/>'
    )
    for n, value in enumerate((0, end / 2, end)):
        anchor = ("start", "middle", "end")[n]
        parts.append(
            f'<line x1="{x(value)}" y1="{top}" x2="{x(value)}" y2="{top + 6}" '
            f'stroke="{AXIS_COLOUR}" stroke-width="1"/>'
            f'<text x="{x(value)}" y="{top + 22}" text-anchor="{anchor}" fill="{TEXT_COLOUR}" '
            f'font-size="14">{svg_text(_days(value))}</text>'
        )
    return top + AXIS_ROOM

"""A chart of how long things took: for each group a box from the lower to the upper
quartile with a line at the median, and whiskers out to the shortest and longest. Pure.

Drawn under the same rules as charts.py (no style attribute, one image with a title and a
description that reads out every figure). Each group's figures are also written under its
box in words, so nobody has to judge a length or a colour to read them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from markupsafe import Markup

from tracker.reports.charts import (
    AXIS_COLOUR,
    BAR_COLOUR,
    FONT,
    FONT_SIZE,
    GAP,
    LABEL_HEIGHT,
    SAFE_ID,
    TEXT_COLOUR,
    WIDTH,
    figure,
    svg_text,
    wrapped,
)
from tracker.reports.spread import Spread
from tracker.reports.tables import number

BOX_HEIGHT = 18
MARGIN = 8  # either side of the scale, so that the whiskers' end caps are drawn whole
AXIS_ROOM = 36


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
    if not SAFE_ID.match(chart_id):
        raise ValueError(f"Chart ids are lower-case letters, digits and hyphens: {chart_id!r}")
    end = _scale_end(max((s.longest for _, s in rows if s.count), default=0))
    span = WIDTH - 2 * MARGIN

    def x(value: float) -> str:
        return figure(MARGIN + max(0.0, value) * span / end)

    parts: list[str] = []
    top = 0
    for label, one in rows:
        lines = wrapped(label)
        spans = "".join(
            f'<tspan x="0" y="{top + (k + 1) * LABEL_HEIGHT - 5}">{svg_text(line)}</tspan>'
            for k, line in enumerate(lines)
        )
        parts.append(f'<text fill="{TEXT_COLOUR}" font-weight="bold">{spans}</text>')
        top += len(lines) * LABEL_HEIGHT
        if one.count:
            middle = top + BOX_HEIGHT / 2
            low, q1, med, q3, high = (
                x(one.shortest),
                x(one.lower_quartile),
                x(one.median),
                x(one.upper_quartile),
                x(one.longest),
            )
            parts.append(
                f'<line x1="{low}" y1="{figure(middle)}" x2="{high}" y2="{figure(middle)}" '
                f'stroke="{TEXT_COLOUR}" stroke-width="2"/>'
            )
            for cap in (low, high):
                parts.append(
                    f'<line x1="{cap}" y1="{top + 3}" x2="{cap}" y2="{top + BOX_HEIGHT - 3}" '
                    f'stroke="{TEXT_COLOUR}" stroke-width="2"/>'
                )
            width = max(float(q3) - float(q1), 2)
            parts.append(
                f'<rect x="{q1}" y="{top}" width="{figure(width)}" height="{BOX_HEIGHT}" '
                f'fill="{BAR_COLOUR}" stroke="{TEXT_COLOUR}" stroke-width="1"/>'
            )
            parts.append(
                f'<line x1="{med}" y1="{top}" x2="{med}" y2="{top + BOX_HEIGHT}" '
                f'stroke="#ffffff" stroke-width="3"/>'
            )
            top += BOX_HEIGHT
        parts.append(
            f'<text x="0" y="{top + LABEL_HEIGHT - 4}" fill="{TEXT_COLOUR}" font-size="14">'
            f"{svg_text(in_words(one).capitalize())}</text>"
        )
        top += LABEL_HEIGHT + GAP
    # The scale: a line with ticks at none, half and all of the largest round number.
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
    top += AXIS_ROOM
    described = "; ".join(f"{label}: {in_words(one)}" for label, one in rows) or "No data"
    head = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" role="img" '
        f'aria-labelledby="{chart_id}-title" aria-describedby="{chart_id}-desc" '
        f'viewBox="0 0 {WIDTH} {figure(top)}" width="100%" focusable="false" '
        f'font-family="{FONT}" font-size="{FONT_SIZE}">',
        f'<title id="{chart_id}-title">{svg_text(title)}</title>',
        f'<desc id="{chart_id}-desc">{svg_text(summary)} {svg_text(described)}.</desc>',
    ]
    return Markup("".join([*head, *parts, "</svg>"]))  # noqa: S704 (all text escaped above)

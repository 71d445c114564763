"""Bar charts drawn on the server as SVG, for pages that also show the figures as a table. Pure.

The content security policy allows no inline script and no inline style (style-src 'self'),
so the SVG uses presentation attributes (fill, font-size) and never a style attribute or a
<style> element. It is one image to assistive technology (role="img"), named by its <title>
and described by its <desc>, which reads out every bar; the table beside it holds the same
figures for anyone who would rather read them.

Colours are GOV.UK's: blue bars (#1d70b8, 5.2:1 against white, above the 3:1 that WCAG asks
of graphics) and near-black text (#0b0c0c). The value is written beside each bar, so the chart
never relies on colour or length alone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

from tracker.reports.tables import Table, display

# Drawn 400 units wide and scaled to its column: text of 16 units reads at about 18px in
# half of a desktop page and 14px on a phone.
WIDTH = 400
BAR_HEIGHT = 20
LABEL_HEIGHT = 20  # the line of text above each bar
GAP = 12  # between one bar and the next label
VALUE_ROOM = 64  # to the right of the longest bar, for its value
FONT = "arial, sans-serif"
FONT_SIZE = 16
TEXT_COLOUR = "#0b0c0c"
BAR_COLOUR = "#1d70b8"
AXIS_COLOUR = "#505a5f"
# SVG text does not wrap: labels are wrapped here, onto at most two lines of this many
# characters, and shortened beyond that (the description and the table have them in full).
LINE_LENGTH = 46
MAX_LINES = 2
# Written where a series has no bar: it had no applications to take a share of.
NO_APPLICATIONS = "no applications"
SAFE_ID = re.compile(r"^[a-z][a-z0-9-]*$")
# Control characters are not allowed in XML, and a label has no use for them.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # the value as written beside the bar, for example "120" or "45%"


def svg_text(value: str) -> str:
    """Text made safe as SVG content: escaped, and without control characters."""
    return escape(_CONTROL.sub(" ", value))


# Arial's advance widths, in thousandths of the font size (Liberation Sans, which stands in for
# Arial where it is missing, has the same): enough to know how much room a figure needs.
_NARROW = dict.fromkeys("ijl'|", 222) | dict.fromkeys(" ,.:;!ft/", 278)
_WIDTHS = (
    _NARROW
    | dict.fromkeys("()-r[]", 333)
    | dict.fromkeys("cksvxyz", 500)
    | dict.fromkeys("0123456789abdeghnopqu$#", 556)
    | {"w": 722, "m": 833, "%": 889, "W": 944, "M": 833, "@": 1015}
)
_CAPITAL = 722
_BOLD = 1.1  # Arial Bold's letters are up to a tenth wider; its figures are the same


def text_width(text: str, size: float = FONT_SIZE, *, bold: bool = False) -> float:
    """About how wide ``text`` is drawn in Arial at ``size`` units, erring wide."""
    thousandths = sum(_WIDTHS.get(c, _CAPITAL if c.isupper() else 611) for c in text)
    return thousandths * size / 1000 * (_BOLD if bold else 1.02)


def wrapped(
    label: str,
    *,
    most: int | None = MAX_LINES,
    size: float = FONT_SIZE,
    bold: bool = False,
    room: float = WIDTH,
) -> list[str]:
    """The label in lines of at most LINE_LENGTH characters that fit in ``room`` units at
    ``size`` (text_width), broken between words; shortened to ``most`` lines (None: as many
    lines as it takes)."""

    def fits(line: str) -> bool:
        return len(line) <= LINE_LENGTH and text_width(line, size, bold=bold) <= room

    lines: list[str] = []
    for word in label.split() or [""]:
        while not fits(word):  # a word longer than a line is broken where it must be
            cut = max(n for n in range(1, len(word) + 1) if n == 1 or fits(word[:n]))
            lines.append(word[:cut])
            word = word[cut:]
        if lines and fits(lines[-1] + " " + word):
            lines[-1] += " " + word
        else:
            lines.append(word)
    if most is not None and len(lines) > most:
        last = lines[most - 1]
        while last and not fits(last + "…"):
            last = last[:-1]
        lines = [*lines[: most - 1], last.rstrip() + "…"]
    return lines


def value_room(texts: Sequence[str], *, least: float = VALUE_ROOM, bold: bool = False) -> float:
    """Room to leave right of the longest bar for its value and the gap before it."""
    return max([least, *(text_width(t, bold=bold) + 10 for t in texts)])


def figure(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def check_id(chart_id: str) -> None:
    """:raise ValueError: for an id that is not safe in markup."""
    if not SAFE_ID.match(chart_id):
        raise ValueError(f"Chart ids are lower-case letters, digits and hyphens: {chart_id!r}")


def svg_open(*, chart_id: str, title: str, summary: str, described: str, height: float) -> str:
    """A chart's opening tag, sized to ``height``, with the title that names it and the
    description (``summary``, then every figure ``described``) that reads it out."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" role="img" '
        f'aria-labelledby="{chart_id}-title" aria-describedby="{chart_id}-desc" '
        f'viewBox="0 0 {WIDTH} {figure(height)}" width="100%" focusable="false" '
        f'font-family="{FONT}" font-size="{FONT_SIZE}">'
        f'<title id="{chart_id}-title">{svg_text(title)}</title>'
        f'<desc id="{chart_id}-desc">{svg_text(summary)} {svg_text(described)}.</desc>'
    )


def text_lines(lines: Sequence[str], top: float, *, x: float = 0, lift: int = 5) -> str:
    """A wrapped label's lines as the spans of one <text>, a LABEL_HEIGHT each below ``top``
    (each baseline ``lift`` above the bottom of its line)."""
    return "".join(
        f'<tspan x="{x}" y="{top + (k + 1) * LABEL_HEIGHT - lift}">{svg_text(line)}</tspan>'
        for k, line in enumerate(lines)
    )


def bar_chart(*, chart_id: str, title: str, summary: str, bars: Sequence[Bar]) -> Markup:
    """A horizontal bar chart: each bar's label above it and its value beside it.

    ``summary`` says what the chart shows; the description adds every bar's value.
    :raise ValueError: for an id that is not safe in markup, or a negative value.
    """
    check_id(chart_id)
    if any(bar.value < 0 for bar in bars):
        raise ValueError("A bar chart cannot draw negative values")
    largest = max((bar.value for bar in bars), default=0)
    room = value_room([bar.text for bar in bars], bold=True)
    scale = (WIDTH - room) / largest if largest > 0 else 0
    labels = [wrapped(bar.label) for bar in bars]
    height = sum(len(lines) * LABEL_HEIGHT + BAR_HEIGHT + GAP for lines in labels)
    height = max(height, LABEL_HEIGHT + BAR_HEIGHT + GAP)
    described = "; ".join(f"{bar.label}: {bar.text}" for bar in bars) or "No data"
    parts = [
        svg_open(
            chart_id=chart_id, title=title, summary=summary, described=described, height=height
        )
    ]
    top = 0
    for bar, lines in zip(bars, labels, strict=True):
        parts.append(f'<text fill="{TEXT_COLOUR}">{text_lines(lines, top)}</text>')
        top += len(lines) * LABEL_HEIGHT
        length = bar.value * scale
        # Even a zero has a hairline, so every row visibly starts at the same axis.
        drawn = max(length, 1)
        parts.append(
            f'<rect x="0" y="{top}" width="{figure(drawn)}" height="{BAR_HEIGHT}" '
            f'fill="{BAR_COLOUR if length else AXIS_COLOUR}"/>'
        )
        parts.append(
            f'<text x="{figure(drawn + 6)}" y="{top + BAR_HEIGHT - 4}" '
            f'fill="{TEXT_COLOUR}" font-weight="bold">{svg_text(bar.text)}</text>'
        )
        top += BAR_HEIGHT + GAP
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 (every piece of text is escaped above)


def bars_from(table: Table, column: int) -> list[Bar]:
    """One bar per row of ``table`` (not its total), from one of its columns."""
    kind = table.columns[column].kind
    return [
        Bar(label=str(row[0]), value=row[column] or 0, text=display(row[column], kind) or "0")
        for row in table.rows
    ]


@dataclass(frozen=True)
class Pair:
    """One group of a paired bar chart: a bar for each of the two series, or None where a
    series has nothing to show (its text then reads NO_APPLICATIONS)."""

    label: str
    first: Bar | None
    second: Bar | None


PAIR_BAR_HEIGHT = 16
SWATCH = 16
OUTLINE_WIDTH = 2


def _paired_rect(x_end: float, top: float, *, outlined: bool, height: int = PAIR_BAR_HEIGHT) -> str:
    """The first series is a solid bar; the second an outlined one, so that they differ in
    shape as well as colour (the outline is inset by half its width to keep its size)."""
    if outlined:
        half = OUTLINE_WIDTH / 2
        width = max(x_end - OUTLINE_WIDTH, 1)
        return (
            f'<rect x="{half}" y="{figure(top + half)}" width="{figure(width)}" '
            f'height="{height - OUTLINE_WIDTH}" fill="#ffffff" stroke="{BAR_COLOUR}" '
            f'stroke-width="{OUTLINE_WIDTH}"/>'
        )
    return (
        f'<rect x="0" y="{figure(top)}" width="{figure(max(x_end, 1))}" '
        f'height="{height}" fill="{BAR_COLOUR if x_end else AXIS_COLOUR}"/>'
    )


def paired_bar_chart(
    *,
    chart_id: str,
    title: str,
    summary: str,
    series: tuple[str, str],
    pairs: Sequence[Pair],
    largest: float | None = None,
) -> Markup:
    """Two series side by side: for each group its label, then the first series' bar
    (solid) and the second's (outlined), each with its value written beside it. A legend at
    the top names the series with a solid and an outlined swatch. ``largest`` fixes the
    scale (100 for percentages); otherwise the longest bar fills the width.

    :raise ValueError: as ``bar_chart`` does.
    """
    check_id(chart_id)
    bars = [bar for pair in pairs for bar in (pair.first, pair.second) if bar is not None]
    if any(bar.value < 0 for bar in bars):
        raise ValueError("A bar chart cannot draw negative values")
    largest = largest or max((bar.value for bar in bars), default=0)
    # Room for the longest value actually written, "100% (12,345)" or NO_APPLICATIONS.
    written = [bar.text if bar else NO_APPLICATIONS for p in pairs for bar in (p.first, p.second)]
    scale = (WIDTH - value_room(written, least=VALUE_ROOM + 40)) / largest if largest > 0 else 0
    parts: list[str] = []
    top = _legend(series, parts)
    described = []
    for pair in pairs:
        top, said = _pair(pair, series, scale, top, parts)
        described.append(f"{pair.label}: {said}")
    head = svg_open(
        chart_id=chart_id,
        title=title,
        summary=summary,
        described="; ".join(described) or "No data",
        height=max(top, LABEL_HEIGHT + BAR_HEIGHT + GAP),
    )
    return Markup("".join([head, *parts, "</svg>"]))  # noqa: S704 (all text escaped above)


def _legend(series: tuple[str, str], parts: list[str]) -> int:
    """Draw the legend, a swatch and the name of each series, into ``parts``; return where
    the pairs start."""
    top = 0
    for n, name in enumerate(series):
        lines = wrapped(name, room=WIDTH - SWATCH - 8)
        parts.append(_paired_rect(SWATCH, top + 2, outlined=bool(n), height=SWATCH))
        parts.append(f'<text fill="{TEXT_COLOUR}">{text_lines(lines, top, x=SWATCH + 8)}</text>')
        top += len(lines) * LABEL_HEIGHT + 4
    return top + GAP


def _pair(
    pair: Pair, series: tuple[str, str], scale: float, top: int, parts: list[str]
) -> tuple[int, str]:
    """Draw one group, its label and its two bars, into ``parts`` from ``top``; return where
    the next starts and the group's figures in words."""
    lines = wrapped(pair.label, bold=True)
    parts.append(f'<text fill="{TEXT_COLOUR}" font-weight="bold">{text_lines(lines, top)}</text>')
    top += len(lines) * LABEL_HEIGHT
    said = []
    for n, (name, bar) in enumerate(zip(series, (pair.first, pair.second), strict=True)):
        length = bar.value * scale if bar is not None else 0
        if bar is not None:
            parts.append(_paired_rect(length, top, outlined=bool(n)))
        text = bar.text if bar is not None else NO_APPLICATIONS
        parts.append(
            f'<text x="{figure(max(length, 1) + 6)}" y="{top + PAIR_BAR_HEIGHT - 2}" '
            f'fill="{TEXT_COLOUR}">{svg_text(text)}</text>'
        )
        said.append(f"{name} {text}")
        top += PAIR_BAR_HEIGHT + 4
    return top + GAP, ", ".join(said)

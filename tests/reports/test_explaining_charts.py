"""The charts of the reports that explain: paired bars that tell the two series apart without
colour, and boxes of spread with their figures in words; both one described image that the
content security policy allows."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.reports.charts import BAR_COLOUR, Bar, Pair, paired_bar_chart
from tracker.reports.spread import Spread, spread
from tracker.reports.spread_chart import spread_chart
from tracker.reports.tables import Kind, display

SVG = "{http://www.w3.org/2000/svg}"


def _paired(pairs, **overrides):
    values = {
        "chart_id": "chart-pair",
        "title": "Share reaching each stage",
        "summary": "Paired bars.",
        "series": ("Intake 2026", "Intake 2025"),
        "largest": 100,
    }
    return ET.fromstring(str(paired_bar_chart(pairs=pairs, **(values | overrides))))


def test_paired_bars_differ_in_shape_and_have_a_legend_and_their_values():
    root = _paired(
        [
            Pair("Applied", Bar("", 100, "100% (4)"), Bar("", 100, "100% (5)")),
            Pair("Sift", Bar("", 75, "75% (3)"), Bar("", 40, "40% (2)")),
        ]
    )

    assert root.get("role") == "img" and root.get("aria-labelledby") == "chart-pair-title"
    rects = list(root.iter(f"{SVG}rect"))
    # Two legend swatches, then two bars per stage: solid, then outlined.
    assert [r.get("fill") for r in rects] == [BAR_COLOUR, "#ffffff"] * 3
    assert all(r.get("stroke") == BAR_COLOUR for r in rects[1::2])
    texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    assert texts[:2] == ["Intake 2026", "Intake 2025"]
    assert "75% (3)" in texts and "40% (2)" in texts
    assert root.find(f"{SVG}desc").text == (
        "Paired bars. Applied: Intake 2026 100% (4), Intake 2025 100% (5); "
        "Sift: Intake 2026 75% (3), Intake 2025 40% (2)."
    )
    # On one scale: 75% is drawn 75/100 as long as 100%.
    widths = [float(r.get("width")) for r in rects[2::2]]
    assert widths[1] == pytest.approx(widths[0] * 0.75)


def test_a_missing_bar_says_so():
    root = _paired([Pair("Applied", Bar("", 0, "0%"), None)])
    assert root.find(f"{SVG}desc").text.endswith("Applied: Intake 2026 0%, Intake 2025 none.")


@given(label=st.text(st.characters(blacklist_categories=("Cs",)), max_size=40))
def test_any_text_stays_text_in_paired_bars(label):
    root = _paired([Pair(label, Bar("", 1, label), Bar("", 2, "2"))], series=(label, label))
    assert len(list(root.iter(f"{SVG}script"))) == 0


def test_spread_is_a_box_with_whiskers_and_words():
    svg = str(
        spread_chart(
            chart_id="chart-spread",
            title="Days to an offer",
            summary="Spread.",
            rows=[("Data technician", spread([2, 4, 6, 8, 30])), ("Nobody yet", spread([]))],
        )
    )
    root = ET.fromstring(svg)

    assert "style" not in svg.lower() and not re.search(r"\son[a-z]+=", svg)
    assert root.find(f"{SVG}desc").text == (
        "Spread. Data technician: median 6 days, middle half 4 to 8, range 2 to 30 "
        "(5 timed); Nobody yet: none yet."
    )
    [box] = list(root.iter(f"{SVG}rect"))
    lines = list(root.iter(f"{SVG}line"))
    whisker, median = lines[0], lines[3]
    # The scale runs to 50 days: the box from 4 to 8, the median at 6, whiskers 2 to 30
    # (drawn to a tenth of a unit).
    span = 400 - 2 * 8
    assert float(box.get("x")) == pytest.approx(8 + 4 * span / 50, abs=0.1)
    assert float(box.get("width")) == pytest.approx(4 * span / 50, abs=0.1)
    assert float(median.get("x1")) == pytest.approx(8 + 6 * span / 50, abs=0.1)
    assert float(whisker.get("x2")) == pytest.approx(8 + 30 * span / 50, abs=0.1)
    words = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    assert "Median 6 days, middle half 4 to 8, range 2 to 30 (5 timed)" in words
    assert "None yet" in words and "50 days" in words


def test_quartiles_are_the_spreadsheets_inclusive_ones():
    assert spread([1, 2, 3, 4]) == Spread(4, 2.5, 1.75, 3.25, 1, 4)
    assert spread([7]) == Spread(1, 7, 7, 7, 7, 7)
    assert spread([]) == Spread(0)


@pytest.mark.parametrize(
    ("value", "kind", "shown"),
    [
        (12, Kind.CHANGE, "+12"),
        (-3, Kind.CHANGE, "-3"),
        (0, Kind.CHANGE, "0"),
        (1500, Kind.CHANGE, "+1,500"),
        (4.56, Kind.POINTS, "+4.6"),
        (-10.0, Kind.POINTS, "-10"),
        (0.04, Kind.POINTS, "0"),
        (-0.04, Kind.POINTS, "0"),
    ],
)
def test_a_change_reads_as_one(value, kind, shown):
    assert display(value, kind) == shown

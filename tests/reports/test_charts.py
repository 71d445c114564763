"""Bar charts are well-formed SVG that assistive technology reads as one described image, that
the content security policy allows, and that never let text become markup."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.reports.charts import BAR_COLOUR, LINE_LENGTH, MAX_LINES, Bar, bar_chart, bars_from
from tracker.reports.tables import Column, Kind, Table

SVG = "{http://www.w3.org/2000/svg}"


def _chart(bars, **overrides):
    values = {"chart_id": "chart-test", "title": "Applications", "summary": "A summary."}
    return bar_chart(bars=bars, **(values | overrides))


def test_a_chart_is_one_titled_described_image():
    svg = _chart([Bar("Applied", 120, "120"), Bar("Sift", 60, "60")])
    root = ET.fromstring(str(svg))

    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "chart-test-title"
    assert root.get("aria-describedby") == "chart-test-desc"
    assert root.find(f"{SVG}title").get("id") == "chart-test-title"
    assert root.find(f"{SVG}title").text == "Applications"
    assert root.find(f"{SVG}desc").text == "A summary. Applied: 120; Sift: 60."
    widths = [float(rect.get("width")) for rect in root.iter(f"{SVG}rect")]
    assert widths[0] == 2 * widths[1]
    assert {rect.get("fill") for rect in root.iter(f"{SVG}rect")} == {BAR_COLOUR}


def test_nothing_the_csp_blocks():
    svg = str(_chart([Bar("Applied", 3, "3")]))
    assert "style" not in svg.lower()
    assert "<script" not in svg.lower()
    assert not re.search(r"\son[a-z]+=", svg)  # no event handler attributes


printable = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=80)


@given(label=printable, title=printable)
def test_any_text_stays_text(label, title):
    root = ET.fromstring(str(_chart([Bar(label, 1, "1")], title=title, summary="")))

    assert (root.find(f"{SVG}title").text or "") == title
    assert label[:60] in root.find(f"{SVG}desc").text
    assert len(list(root)) == 2 + 3  # title, desc, and a label, bar and value: no injected tags


@given(label=st.text(st.characters(blacklist_categories=("Cs",)), max_size=40))
def test_control_characters_cannot_break_the_svg(label):
    ET.fromstring(str(_chart([Bar(label, 1, "1")], title=label, summary=label)))


def test_markup_in_a_label_is_escaped():
    svg = str(_chart([Bar('<script>alert("x")</script> & co', 1, "1")]))
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg and "&amp; co" in svg


def test_zeros_and_no_bars_still_draw():
    root = ET.fromstring(str(_chart([Bar("Applied", 0, "0"), Bar("Sift", 0, "0")])))
    assert [rect.get("width") for rect in root.iter(f"{SVG}rect")] == ["1", "1"]
    root = ET.fromstring(str(_chart([])))
    assert root.find(f"{SVG}desc").text == "A summary. No data."


def test_long_labels_wrap_onto_two_lines_and_are_described_in_full():
    label = "May be in full-time education during the apprenticeship"
    longer = "A role with an exceptionally long title that would run off the edge of the chart " * 2
    root = ET.fromstring(str(_chart([Bar(label, 1, "1"), Bar(longer, 2, "2")])))

    texts = [t for t in root.iter(f"{SVG}text") if t.get("font-weight") != "bold"]
    lines = [[span.text for span in text] for text in texts]
    assert lines[0] == ["May be in full-time education during the", "apprenticeship"]
    assert len(lines[1]) == MAX_LINES and lines[1][-1].endswith("…")
    assert all(len(line) <= LINE_LENGTH for line in lines[1])
    assert label in root.find(f"{SVG}desc").text
    assert longer.strip() in root.find(f"{SVG}desc").text


@pytest.mark.parametrize("chart_id", ["", "Chart", 'x" onload="alert(1)', "1chart"])
def test_ids_that_are_not_safe_are_refused(chart_id):
    with pytest.raises(ValueError, match="Chart ids"):
        _chart([], chart_id=chart_id)


def test_negative_values_are_refused():
    with pytest.raises(ValueError, match="negative"):
        _chart([Bar("Applied", -1, "-1")])


def test_bars_come_from_a_table_column_as_the_table_shows_it():
    table = Table(
        key="t",
        caption="T",
        columns=(Column("Stage", Kind.TEXT), Column("Applications"), Column("%", Kind.PERCENT)),
        rows=(("Applied", 1200, 100.0), ("Sift", 0, None)),
        total=("All", 1200, 100.0),
    )
    assert bars_from(table, 1) == [Bar("Applied", 1200, "1,200"), Bar("Sift", 0, "0")]
    assert bars_from(table, 2) == [Bar("Applied", 100.0, "100%"), Bar("Sift", 0, "0")]

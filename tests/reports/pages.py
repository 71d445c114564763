"""Reading report pages as a person would: their tables (caption, headings, rows) and charts."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from html.parser import HTMLParser

SVG = "{http://www.w3.org/2000/svg}"
_SVG = re.compile(r"<svg\b.*?</svg>", re.DOTALL)


@dataclass
class HtmlTable:
    caption: str = ""
    rows: list[list[str]] = field(default_factory=list)  # the head row first

    @property
    def head(self) -> list[str]:
        return self.rows[0]

    @property
    def body(self) -> list[list[str]]:
        return self.rows[1:]

    def row(self, label: str) -> list[str]:
        return next(r for r in self.body if r[0] == label)

    def column(self, heading: str) -> dict[str, str]:
        index = self.head.index(heading)
        return {r[0]: r[index] for r in self.body}


class _Tables(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tables: list[HtmlTable] = []
        self._in: list[str] = []
        self._text: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        classes = dict(attrs).get("class") or ""
        if tag == "table":
            self.tables.append(HtmlTable())
        elif tag == "tr" and self.tables:
            self.tables[-1].rows.append([])
        elif tag in ("th", "td", "caption"):
            self._in.append(tag)
            self._text = []
        # Text only sighted readers see: visually hidden words (and anything in them) are left out.
        if tag == "span" and (self._hidden or ("govuk-visually-hidden" in classes and self._in)):
            self._hidden += 1

    def handle_endtag(self, tag):
        if tag == "span" and self._hidden:
            self._hidden -= 1
        if tag in ("th", "td", "caption") and self._in:
            self._in.pop()
            text = " ".join("".join(self._text).split())
            if tag == "caption":
                self.tables[-1].caption = text
            else:
                self.tables[-1].rows[-1].append(text)

    def handle_data(self, data):
        if self._in and not self._hidden:
            self._text.append(data)


def tables(html: str) -> list[HtmlTable]:
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def table(html: str, caption_starts: str) -> HtmlTable:
    return next(t for t in tables(html) if t.caption.startswith(caption_starts))


@dataclass
class Chart:
    element: ET.Element
    html_after: str  # the page after the chart: its table comes first

    @property
    def title(self) -> str:
        return self.element.find(f"{SVG}title").text

    @property
    def desc(self) -> str:
        return self.element.find(f"{SVG}desc").text


def charts(html: str) -> list[Chart]:
    return [
        Chart(ET.fromstring(match.group(0)), html[match.end() :]) for match in _SVG.finditer(html)
    ]


def read_csv(response) -> list[list[str]]:
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))

"""Reports take no POST: campaigns and groupings are chosen with links, and CSV files are
downloaded with GET (each download audited)."""

from __future__ import annotations

from tests.forms.harness import InvalidPost

CASES: list[InvalidPost] = []

EXEMPT: dict[str, str] = {}

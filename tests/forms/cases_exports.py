"""Exports take no POST: a shortlist is chosen and downloaded with GET forms, whose mistakes
tests/exports/test_bad_input.py checks show the same error pattern."""

from __future__ import annotations

from tests.forms.harness import InvalidPost

CASES: list[InvalidPost] = []

EXEMPT: dict[str, str] = {}

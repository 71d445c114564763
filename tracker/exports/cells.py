"""How a text cell is cleaned for either file format: no control characters, and in CSV
never a formula. Pure, and shared by the shortlist export and the audit log's CSV."""

from __future__ import annotations

import re

# What a spreadsheet would run as a formula when it reads a CSV file (OWASP's advice on CSV
# injection), and what neither a spreadsheet nor XML can hold (control characters other than
# tab and line breaks).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def escape_formula(text: str) -> str:
    """Text a spreadsheet would run as a formula, made plain text by a leading apostrophe.

    Only for CSV, where every cell is text that the spreadsheet interprets. A workbook's string
    cell is never a formula, so there the apostrophe would only show (as in '+33 1 42 68 53 00).
    """
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def clean_text(text: str) -> str:
    """A text cell as exported to either format: no control characters."""
    return _CONTROL.sub("", text)


def safe_text(text: str) -> str:
    """A CSV text cell: no control characters, never a formula."""
    return escape_formula(clean_text(text))

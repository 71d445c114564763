"""Reading the candidate list's HTML, and giving candidates scores, for the list's tests."""

from __future__ import annotations

import html as htmllib
import re

from tracker.screening import scorecards

_ROW = re.compile(r'<tr class="govuk-table__row">(.*?)</tr>', re.S)
_REFERENCE = re.compile(r'href="/staff/applications/\d+">([A-Z0-9-]+)</a>')


def references(page: str) -> list[str]:
    """The references in the table, in the order shown."""
    return _REFERENCE.findall(page)


def row(page: str, reference: str) -> list[str]:
    """The text of each cell of the candidate's row."""
    for match in _ROW.finditer(page):
        if f">{reference}</a>" in match.group(1):
            cells = re.findall(r"<td[^>]*>(.*?)</td>", match.group(1), re.S)
            return [
                " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", cell)).split()) for cell in cells
            ]
    raise AssertionError(f"{reference} is not in the list")


def score(application, reviewer, *values: int) -> None:
    """The reviewer's submitted scorecard: one value per criterion, in order."""
    criteria = scorecards.criteria_for(application)
    assert len(values) == len(criteria)
    scorecards.submit_scorecard(
        actor=reviewer,
        application=application,
        scores={c.id: (value, "") for (_, c), value in zip(criteria, values, strict=True)},
    )

"""Reading the candidate list's HTML, and giving candidates scores, for the list's tests."""

from __future__ import annotations

import html as htmllib
import re
from html.parser import HTMLParser

from werkzeug.datastructures import MultiDict

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


class _ConfirmForm(HTMLParser):
    """The confirmation page's form: its action and the values it carries."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.action: str | None = None
        self.data: list[tuple[str, str]] = []
        self._inside = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        action = attrs.get("action") or ""
        if tag == "form" and action.split("?")[0].endswith(("/candidates/move", "/unsuccessful")):
            self.action, self._inside, self.data = action, True, []
        elif tag == "input" and self._inside and attrs.get("name"):
            self.data.append((attrs["name"], attrs.get("value") or ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._inside = False


def confirmation(page: str) -> tuple[str, list[tuple[str, str]]] | None:
    """The confirmation page's "Yes" form (action, fields), or None when the page is none."""
    parser = _ConfirmForm()
    parser.feed(page)
    return (htmllib.unescape(parser.action), parser.data) if parser.action else None


def post_confirmed(client, path: str, data: dict, **kwargs):
    """Post a move as a person would: the form, then "Yes" on the confirmation page it leads
    to (when it leads to one; a refused move is answered as it is)."""
    asked = client.post(path, data=data)
    found = confirmation(asked.get_data(as_text=True)) if asked.status_code == 200 else None
    if found is None:
        return client.get(asked.headers["Location"]) if asked.status_code == 302 else asked
    action, fields = found
    return client.post(action, data=MultiDict(fields), **kwargs)

"""What a re-rendered form shows back: every value its controls will send again.

Read from the page as a browser reads it: text inputs' values, textareas' text, checked
radios and checkboxes, selected options. Passwords and files are never shown back (a
browser cannot be given a file, and a password is not repeated into the page).
"""

from __future__ import annotations

from html.parser import HTMLParser

# Controls that send a value the user typed or chose, and that a page can fill in again.
_TEXT_INPUTS = {"text", "tel", "email", "number", "search", "url", "date", "time", "hidden", ""}


class _Controls(HTMLParser):
    """The controls of the forms that post to ``action`` (a form with no action posts to the
    page's own address, ``page_path``); all the page's controls if ``action`` is None."""

    def __init__(self, action: str | None = None, page_path: str | None = None) -> None:
        super().__init__(convert_charrefs=True)
        self._action = action
        self._page_path = page_path
        self._in_target = action is None
        self.values: dict[str, list[str]] = {}
        self.files: list[str] = []
        # Controls that offer choices: a value that is not one of them cannot be shown back.
        self.choices: set[str] = set()
        self._textarea: str | None = None
        self._select: str | None = None

    def _add(self, name: str | None, value: str | None) -> None:
        if name:
            self.values.setdefault(name, []).append(value or "")

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form" and self._action is not None:
            address = attributes.get("action") or self._page_path or ""
            action = address.split("#")[0].split("?")[0]
            self._in_target = action == self._action
        if not self._in_target:
            return
        name = attributes.get("name")
        if tag == "input":
            kind = (attributes.get("type") or "").lower()
            if kind in _TEXT_INPUTS:
                self._add(name, attributes.get("value"))
            elif kind in ("radio", "checkbox"):
                self.choices.add(name)
                if "checked" in attributes:
                    self._add(name, attributes.get("value", "on"))
            elif kind == "file" and name:
                self.files.append(name)
        elif tag == "textarea":
            self._textarea = name
            self.values.setdefault(name, []).append("")
        elif tag == "select":
            self._select = name
            self.choices.add(name)
        elif tag == "option" and self._select and "selected" in attributes:
            self._add(self._select, attributes.get("value"))

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "form" and self._action is not None:
            self._in_target = False
        if tag == "textarea" and self._textarea:
            # HTML drops one newline straight after <textarea>, so a page may start with one.
            text = self.values[self._textarea][-1]
            self.values[self._textarea][-1] = text.removeprefix("\n")
            self._textarea = None
        elif tag == "select":
            self._select = None


def shown_values(page: str) -> tuple[dict[str, list[str]], list[str]]:
    """(the values each named control shows, the names of the file inputs)."""
    parser = _read(page)
    return parser.values, parser.files


def _read(page: str, action: str | None = None, page_path: str | None = None) -> _Controls:
    parser = _Controls(action, page_path)
    parser.feed(page)
    parser.close()
    return parser


def as_list(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return [str(value)]


def lost_values(
    page: str,
    posted: dict,
    *,
    invalid: str,
    skip=frozenset(),
    action: str | None = None,
    page_path: str | None = None,
) -> dict:
    """The posted values the page does not show back.

    The wrong answer is shown back too, so it can be corrected rather than typed again,
    unless it was a choice that is not among the options (which no page can show).
    Radios and checkboxes are compared as sets (their order on the page is the options').
    Only the form that posts to ``action`` is read, if given (a page may have several).
    """
    parser = _read(page, action, page_path)
    shown = parser.values
    lost = {}
    for name, value in posted.items():
        if name == "csrf_token" or name in skip:
            continue
        if name == invalid and name in parser.choices:
            continue
        expected = as_list(value)
        got = shown.get(name, [])
        if sorted(got) != sorted(expected):
            lost[name] = {"typed": expected, "shown": got}
    return lost

"""Walking staff forms with a mistake in each: the GOV.UK error pattern, every time.

Each area lists its forms in ``tests/forms/cases_<area>.py`` as ``CASES`` (a list of
``InvalidPost``) and ``EXEMPT`` (endpoint -> why it has no input that can be wrong, e.g. sign
out). ``test_every_staff_form.py`` runs every case and checks that every staff endpoint that
takes a POST is listed in one or the other.

For each case the harness signs the user in, arranges the records, snapshots what must not
change, posts the mistake, and checks what a person would see: an error summary at the top
leading to the field, the message beside the field, "Error: " first in the page title, the
page answered (not a redirect to a banner), and the snapshot unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from typing import Any

from tests.helpers import csrf_token, sign_in_as
from tracker.extensions import db


@dataclass(frozen=True)
class InvalidPost:
    """One staff form posted with a mistake in it.

    ``user`` creates the signed-in member of staff; ``arrange(user)`` creates the records the
    form acts on and returns what the other callables need, with ``url`` (the path to post
    to); ``data(arranged)`` is the form as posted, mistake included (the harness adds the
    CSRF token); ``field`` is the id of the input the error belongs to (``form-errors`` for an
    error about the form as a whole, shown by ``_forms.html``'s ``form_errors``); ``anchor`` is
    where the summary's link leads when it is not ``#field`` (a date leads to its day box);
    ``message`` is the error expected; ``state(arranged)`` is what must be the same after.
    """

    name: str
    endpoint: str
    user: Callable[[], Any]
    arrange: Callable[[Any], dict]
    data: Callable[[dict], dict]
    field: str
    message: str
    state: Callable[[dict], Any]
    anchor: str | None = None
    extra: dict = field(default_factory=dict)


_VOID = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class _Page(HTMLParser):
    """The parts of a page the error pattern is made of."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.title = ""
        self.summary_links: list[tuple[str, str]] = []  # (href, text)
        self.texts_by_id: dict[str, str] = {}
        self._in_title = False
        self._in_summary = 0
        self._link: list[str] | None = None
        self._open_ids: list[tuple[str, int]] = []  # (id, depth)
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in _VOID:
            if attrs.get("id"):
                self.texts_by_id.setdefault(attrs["id"], "")
            return
        self._depth += 1
        if tag == "title":
            self._in_title = True
        classes = (attrs.get("class") or "").split()
        if "govuk-error-summary" in classes:
            self._in_summary = self._depth
        if self._in_summary and tag == "a":
            self._link = [attrs.get("href") or "", ""]
        if attrs.get("id"):
            self._open_ids.append((attrs["id"], self._depth))
            self.texts_by_id.setdefault(attrs["id"], "")

    def handle_endtag(self, tag):
        if tag in _VOID:
            return
        if tag == "title":
            self._in_title = False
        if tag == "a" and self._link is not None:
            self.summary_links.append((self._link[0], " ".join(self._link[1].split())))
            self._link = None
        while self._open_ids and self._open_ids[-1][1] >= self._depth:
            self._open_ids.pop()
        if self._in_summary and self._depth <= self._in_summary:
            self._in_summary = 0
        self._depth -= 1

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        if self._link is not None:
            self._link[1] += data
        for open_id, _ in self._open_ids:
            self.texts_by_id[open_id] += data


def parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def _plain(text: str) -> str:
    return " ".join(unescape(text).split())


def check(case: InvalidPost, client) -> None:
    """Post ``case``'s mistake as its user and assert the whole error pattern."""
    user = case.user()
    arranged = case.arrange(user)
    db.session.commit()  # what was there before the request (a savepoint in the tests)
    before = case.state(arranged)
    response = sign_in_as(client, user)
    assert response.status_code == 302, f"{case.name}: could not sign in"
    data = {"csrf_token": csrf_token(client, "/staff/"), **case.data(arranged)}
    response = client.post(arranged["url"], data=data)

    html = response.get_data(as_text=True)
    assert response.status_code in (200, 400, 409, 422), (
        f"{case.name}: answered {response.status_code} "
        f"{response.headers.get('Location', '')}: the page must show the error itself"
    )
    page = parse(html)
    title = _plain(page.title)
    assert title.startswith("Error: "), f"{case.name}: title {title!r} does not start 'Error: '"
    assert page.summary_links, f"{case.name}: no error summary"
    summary = dict(page.summary_links)
    target = f"#{case.anchor or case.field}"
    assert target in summary, f"{case.name}: summary leads to {list(summary)}, not {target}"
    assert case.message in summary[target], (
        f"{case.name}: summary says {summary[target]!r}, expected {case.message!r}"
    )
    assert (case.anchor or case.field) in page.texts_by_id, (
        f"{case.name}: the summary leads to {target}, which is not on the page"
    )
    beside = page.texts_by_id.get(
        "form-errors" if case.field == "form-errors" else f"{case.field}-error"
    )
    assert beside is not None, f"{case.name}: no error message beside #{case.field}"
    assert case.message in _plain(beside), (
        f"{case.name}: beside the field it says {_plain(beside)!r}, not {case.message!r}"
    )
    db.session.expire_all()
    assert case.state(arranged) == before, f"{case.name}: something changed"


def posted_endpoints(app) -> set[str]:
    """Every staff endpoint that takes a POST: under /staff or /admin, and the partners'
    portal (partners are staff users)."""
    return {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "POST" in (rule.methods or ()) and re.match(r"^/(staff|admin|partner)(/|$)", rule.rule)
    }

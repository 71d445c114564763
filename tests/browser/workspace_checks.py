"""Helpers for test_workspace.py: independent counts from the database, and checks on pages.

The counts are written here from the tables, not through the workspace's own queries, so a
queue line or a list that counts the wrong candidates disagrees with them.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from sqlalchemy import func, select

from tests.browser.conftest import serious_axe_violations
from tracker.accounts.models import User
from tracker.applications.models import Application
from tracker.applications.queries import visible_applications
from tracker.applications.states import Status
from tracker.extensions import db
from tracker.notifications.models import Email
from tracker.screening.models import Score, Scorecard

SHOTS = Path("/tmp/workspace-shots")
# Where reviewers score (the contract's states.SCORING, copied until the list helper's merge).
SCORING = frozenset({Status.SIFT, Status.ASSESSMENT, Status.INTERVIEW})


def in_app(app, work):
    """Run ``work()`` in the live app's context on a fresh session, and return its result."""
    with app.app_context():
        try:
            return work()
        finally:
            db.session.remove()


def awaiting_score(user_id: int, role_id: int | None = None, status: Status | None = None):
    """Ids of the applications the user may see, in a scoring stage, without their submitted
    scorecard."""
    user = db.session.get(User, user_id)
    scored = select(Scorecard.application_id).where(
        Scorecard.reviewer_id == user_id, Scorecard.submitted_at.is_not(None)
    )
    query = visible_applications(user).where(
        Application.status.in_(SCORING), Application.id.not_in(scored)
    )
    if role_id is not None:
        query = query.where(Application.role_id == role_id)
    if status is not None:
        query = query.where(Application.status == status)
    return set(db.session.scalars(query.with_only_columns(Application.id)))


def averages(application_ids) -> dict[int, Decimal]:
    """Each application's average score over its submitted scorecards, to 2 places (the mean
    of the per-criterion means, which is the mean of every score when each reviewer scores
    every criterion)."""
    rows = db.session.execute(
        select(Scorecard.application_id, func.avg(Score.score))
        .join(Score, Score.scorecard_id == Scorecard.id)
        .where(
            Scorecard.application_id.in_(list(application_ids)),
            Scorecard.submitted_at.is_not(None),
        )
        .group_by(Scorecard.application_id)
    ).all()
    return {
        app_id: Decimal(avg).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        for app_id, avg in rows
    }


def in_stage(role_id: int, status: Status, **where) -> set[int]:
    query = select(Application.id).where(
        Application.role_id == role_id, Application.status == status
    )
    for column, value in where.items():
        query = query.where(getattr(Application, column).is_(value))
    return set(db.session.scalars(query))


def emails_per_application(template: str) -> Counter:
    """How many emails of this template the outbox holds for each application."""
    contexts = db.session.scalars(select(Email.context).where(Email.template == template))
    return Counter(c.get("application_id") for c in contexts)


def queue_count(page, key: str) -> int:
    """The count on the home page's queue line ``key`` (the contract's data-queue key)."""
    count = page.locator(f'[data-queue="{key}"] .app-queue__count')
    assert count.count() == 1, f"no queue line data-queue={key!r} with one count"
    return int(count.inner_text().strip().replace(",", ""))


def application_ids_on(page) -> list[int]:
    """The applications linked from the page's table rows or summary cards, in order."""
    hrefs = page.locator('main a[href*="/staff/applications/"]').evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    seen: list[int] = []
    for href in hrefs:
        found = re.search(r"/staff/applications/(\d+)(?:[?#]|$)", href)
        if found and int(found.group(1)) not in seen:
            seen.append(int(found.group(1)))
    return seen


def score_every_criterion(page, value: int) -> None:
    """Choose ``value`` for every criterion on the scorecard form (radios named score_<id>)."""
    names = page.locator('input[type="radio"][name^="score_"]').evaluate_all(
        "inputs => [...new Set(inputs.map(i => i.name))]"
    )
    assert names, "no scorecard on the page"
    for name in names:
        page.locator(f'input[type="radio"][name="{name}"][value="{value}"]').check()


def leaks(page, forbidden: set[str], *, typed: str | None = None) -> list[str]:
    """The forbidden names or emails found in the page's HTML. ``typed`` is what the user
    typed into a search box, which the page may echo in the box (and nowhere else)."""
    content = page.content()
    if typed:
        content = content.replace(f'value="{html.escape(typed)}"', 'value=""')
    found = []
    for text in forbidden:
        if text in content or html.escape(text) in content:
            found.append(text)
    return sorted(found)


class PageLog:
    """Checks each page state at a phone's width: axe-core, no horizontal scroll, and a
    screenshot under SHOTS for people to look at."""

    def __init__(self, prefix: str, width: int = 375):
        self.prefix = prefix
        self.width = width
        self.problems: list[str] = []
        self.count = 0
        SHOTS.mkdir(parents=True, exist_ok=True)

    def visit(self, page, path: str, label: str) -> None:
        """Open ``path`` and check it; a page that is not there is a problem, not a stop."""
        response = page.goto(path)
        if response is None or response.status != 200:
            status = response.status if response else "no response"
            self.problems.append(f"{label} ({path}): status {status}")
        self.check(page, label)

    def check(self, page, label: str) -> None:
        self.count += 1
        slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
        page.screenshot(
            path=str(SHOTS / f"{self.prefix}-{self.count:02d}-{slug}.png"), full_page=True
        )
        for violation in serious_axe_violations(page):
            self.problems.append(f"{label} ({page.url}): {violation}")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width != self.width:
            self.problems.append(f"{label} ({page.url}): page is {width} px wide, not {self.width}")

    def report(self) -> str:
        return "\n".join(self.problems)

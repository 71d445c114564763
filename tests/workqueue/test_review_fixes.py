"""Regressions from the work queue's code review: paging new partner feedback on a first-ever
visit and to the microsecond, crafted ``since`` values, marking seen only what was listed,
and a bounded "remind everyone"."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.engine import Engine

from tests.workqueue.remind_helpers import remind_confirmed
from tests.workqueue.test_manager_lines import _feedback
from tracker import clock
from tracker.applications.states import Status
from tracker.extensions import db
from tracker.notifications.models import Email
from tracker.workqueue import views

KEY = "partner_feedback_new"


def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    text = response.get_data(as_text=True)
    found = re.search(r'href="([^"]+)"\s+rel="next"', text)
    return (
        set(re.findall(r'data-reference="([^"]+)"', text)),
        html.unescape(found.group(1)) if found else None,
    )


def _walk(client) -> list[set[str]]:
    """Every page of the list, opened from the home page and followed by its next links."""
    pages, url = [], f"/staff/queue/{KEY}"
    while url:
        listed, url = _page(client, url)
        pages.append(listed)
        assert len(pages) < 10
    return pages


def _with_feedback(candidate, times):
    made = []
    for at in times:
        application = candidate(Status.ASSESSMENT)
        _feedback(application, at=at)
        made.append(application.reference)
    return made


def test_a_first_ever_visit_pages_through_all_new_feedback(
    client, sign_in, manager, candidate, monkeypatch
):
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    now = clock.utcnow()
    made = _with_feedback(candidate, [now - timedelta(hours=h) for h in (1, 2, 3)])
    assert manager.partner_feedback_seen_at is None
    sign_in(manager)

    pages = _walk(client)

    assert [len(p) for p in pages] == [2, 1]
    assert set().union(*pages) == set(made)
    assert manager.partner_feedback_seen_at is not None


def test_paging_keeps_the_exact_time_the_list_was_opened_from(
    client, sign_in, manager, candidate, monkeypatch
):
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    seen = (clock.utcnow() - timedelta(hours=1)).replace(microsecond=700_000)
    manager.partner_feedback_seen_at = seen
    db.session.flush()
    # Seen already, though in the same second as the last look: on no page.
    _with_feedback(candidate, [seen - timedelta(microseconds=400_000)])
    new = _with_feedback(candidate, [seen + timedelta(minutes=m) for m in (1, 2, 3)])
    sign_in(manager)

    pages = _walk(client)

    assert [len(p) for p in pages] == [2, 1]
    assert set().union(*pages) == set(new)


@pytest.mark.parametrize(
    "since", ["999999999999", "9" * 40, "²", "-1", "1e5", "12.5", " ", "never", "0x10"]
)
def test_a_crafted_since_is_ignored(client, sign_in, manager, candidate, since):
    made = _with_feedback(candidate, [clock.utcnow() - timedelta(hours=1)])
    sign_in(manager)

    listed, _ = _page(client, f"/staff/queue/{KEY}?since={since}")

    assert listed == set(made)


def test_since_zero_means_never_looked(client, sign_in, manager, candidate):
    manager.partner_feedback_seen_at = clock.utcnow()
    db.session.flush()
    made = _with_feedback(candidate, [clock.utcnow() - timedelta(days=400)])
    sign_in(manager)

    assert _page(client, f"/staff/queue/{KEY}?since=0")[0] == set(made)


def test_an_empty_list_marks_nothing_seen(client, sign_in, manager):
    sign_in(manager)

    assert _page(client, f"/staff/queue/{KEY}")[0] == set()

    db.session.refresh(manager)
    assert manager.partner_feedback_seen_at is None


def test_only_the_first_page_opened_from_home_marks_seen(
    client, sign_in, manager, candidate, monkeypatch
):
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    _with_feedback(candidate, [clock.utcnow() - timedelta(hours=h) for h in (1, 2, 3)])
    sign_in(manager)

    client.get(f"/staff/queue/{KEY}?page=2")
    client.get(f"/staff/queue/{KEY}?since=0")

    db.session.refresh(manager)
    assert manager.partner_feedback_seen_at is None


def _reminders() -> int:
    return db.session.scalar(
        select(func.count(Email.id)).where(Email.template == "reminder_to_book")
    )


def _remind_all(client, form_token):
    token = form_token("/staff/queue/invited_not_booked")
    return remind_confirmed(client, token, all="1").get_data(as_text=True)


def test_remind_everyone_is_capped_and_says_how_many_are_left(
    client, sign_in, form_token, hr, candidate, monkeypatch
):
    monkeypatch.setattr(views, "REMIND_LIMIT", 2)
    for _ in range(3):
        candidate(Status.ASSESSMENT)
    sign_in(hr)

    page = _remind_all(client, form_token)
    assert "Reminded 2 candidates to book" in page
    assert "up to 2 at once: 1 more are not yet reminded" in page
    assert _reminders() == 2

    page = _remind_all(client, form_token)
    assert "Reminded 1 candidate to book" in page and "at once" not in page
    assert _reminders() == 3

    page = _remind_all(client, form_token)
    assert "already reminded in this stage" in page
    assert _reminders() == 3


class _ApplicantLoads:
    def __init__(self):
        self.count = 0

    def __call__(self, conn, cursor, statement, *args):
        if re.search(r"\bFROM applicant\b", statement) and "applicant.id = %(" in statement:
            self.count += 1


@pytest.mark.parametrize("n", [2, 6])
def test_remind_everyone_loads_applicants_in_one_query(
    client, sign_in, form_token, hr, candidate, n
):
    for _ in range(n):
        candidate(Status.ASSESSMENT)
    sign_in(hr)
    db.session.expire_all()
    loads = _ApplicantLoads()
    event.listen(Engine, "before_cursor_execute", loads)
    try:
        page = _remind_all(client, form_token)
    finally:
        event.remove(Engine, "before_cursor_execute", loads)

    assert f"Reminded {n} candidates to book" in page
    assert loads.count == 0  # no applicant fetched one at a time by id

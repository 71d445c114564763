"""In headless Chromium, the staff workspace's acceptance (issue 14) on a campaign of 300
submitted applications made through factories (tests/browser/workspace_seed.py):

1. a hiring manager follows "waiting for your score" from their home and scores 10 candidates
   in review mode without visiting the list; their home count drops by 10;
2. HR sorts a role's list by average score, selects all in sift that match "score >= 3", moves
   them to assessment in one action, and each moved candidate gets exactly one email;
3. HR saves a view "Data analysis, in sift, flagged" and it appears on their home with the
   right count;
4. during the sift no reviewer's page contains a name-blind applicant's name or email, and HR's
   explicit reveal is audited;
5. every new page state has no serious or critical axe-core violation and is exactly as wide
   as a 375 px viewport.

The tests share one seeded campaign and may run in any order: each reads what it expects from
the database when it starts. Screenshots go to /tmp/workspace-shots/.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import running_app, serving, sign_in_staff
from tests.browser.workspace_checks import (
    PageLog,
    application_ids_on,
    averages,
    awaiting_score,
    emails_per_application,
    in_app,
    in_stage,
    leaks,
    queue_count,
    score_every_criterion,
)
from tests.browser.workspace_seed import seed_campaign
from tracker.applications.states import Status
from tracker.audit.models import AuditEvent
from tracker.extensions import db
from tracker.screening.identity import REVEAL_ACTION

pytestmark = pytest.mark.browser

VIEW_NAME = "Data analysis, in sift, flagged"
HR_QUEUES = [
    "new_applications",
    "eligibility_check",
    "waiting_long",
    "invited_not_booked",
    "offers_unanswered",
    "conditions_outstanding",
    "partner_feedback_overdue",
    "without_mentor",
    "emails_failed",
]
MANAGER_QUEUES = [
    "awaiting_my_score",
    "awaiting_decision",
    "interviews_this_week",
    "partner_feedback_new",
]
SECTIONS = ["application", "scores", "timeline", "notes", "emails"]


@pytest.fixture(scope="module")
def live_app():
    """A database of its own: the scenarios count whole roles and stages, which candidates
    made by other browser modules would change."""
    with running_app() as app:
        yield app


@pytest.fixture(scope="module")
def live_server(live_app):
    with serving(live_app) as url:
        yield url


@pytest.fixture(scope="module")
def campaign(live_app):
    return in_app(live_app, lambda: seed_campaign(300))


@pytest.fixture(scope="module")
def hr_state(browser, live_server, campaign):
    """HR signed in once: a security code works only once, so each test reuses the session."""
    context = browser.new_context(base_url=live_server)
    try:
        sign_in_staff(context.new_page(), campaign.hr.email, campaign.hr.totp_secret)
        return context.storage_state()
    finally:
        context.close()


@pytest.fixture
def hr_page(browser, live_server, hr_state):
    context = browser.new_context(base_url=live_server, storage_state=hr_state)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def blind_names(live_app, campaign) -> set[str]:
    """Names and emails of the seeded applications that are name-blind now."""
    return in_app(live_app, campaign.name_blind_identities)


def test_the_seeded_campaign_is_a_realistic_one(live_server, live_app, campaign):
    """Given the seed, there are 300 submitted applications, about 60 for the data analyst
    role with about 40 in sift, flags of each kind, and averages on both sides of 3."""

    def work():
        ids = campaign.application_ids
        analyst_sift = in_stage(campaign.data_analyst_role_id, Status.SIFT) & set(ids)
        scored = averages(analyst_sift)
        return len(ids), len(analyst_sift), scored, campaign.name_blind_ids()

    total, sift, scored, blind = in_app(live_app, work)
    assert total == 300
    assert 35 <= sift <= 45
    assert any(a >= 3 for a in scored.values()) and any(a < 3 for a in scored.values())
    assert len(scored) < sift, "some candidates in sift should be unscored"
    assert len(blind) > 100


def test_a_manager_scores_ten_in_review_mode_and_their_count_drops(page, live_app, campaign):
    page.set_default_timeout(10_000)
    role_id = campaign.data_analyst_role_id
    manager = campaign.manager
    waiting = in_app(live_app, lambda: awaiting_score(manager.id))
    group = in_app(live_app, lambda: awaiting_score(manager.id, role_id, Status.SIFT))
    assert len(group) >= 10, "the seed leaves too few in sift for this manager"
    forbidden = blind_names(live_app, campaign)
    visited: list[str] = []
    page.on("framenavigated", lambda frame: frame == page.main_frame and visited.append(frame.url))

    sign_in_staff(page, manager.email)
    assert queue_count(page, "awaiting_my_score") == len(waiting)
    page.locator('[data-queue="awaiting_my_score"]').click()
    expect(page).to_have_url(re.compile(r"/staff/queue/awaiting_my_score(\?|$)"))
    review = page.locator(f'a[href*="/staff/roles/{role_id}/review"][href*="status=sift"]')
    expect(review.first).to_be_visible()
    review.first.click()

    for done in range(10):
        expect(page).to_have_url(re.compile(r"/staff/applications/\d+\?.*review=sift"))
        expect(
            page.get_by_text(re.compile(rf"Candidate\s+{done + 1}\s+of\s+{len(group)}\b"))
        ).to_be_visible()
        expect(page.get_by_role("link", name=re.compile("Back to the list"))).to_be_visible()
        assert leaks(page, forbidden) == [], page.url
        score_every_criterion(page, 3 if done % 2 else 2)
        page.get_by_role("button", name=re.compile(r"Submit.*scores")).click()
    expect(page).to_have_url(re.compile(r"/staff/applications/\d+\?.*review=sift"))
    expect(page.get_by_text(re.compile(rf"Candidate\s+11\s+of\s+{len(group)}\b"))).to_be_visible()

    page.goto("/staff/")
    assert queue_count(page, "awaiting_my_score") == len(waiting) - 10
    assert in_app(live_app, lambda: len(awaiting_score(manager.id))) == len(waiting) - 10
    lists = [u for u in visited if re.search(r"/staff/roles/\d+/candidates", u)]
    assert lists == [], f"the manager went back to the list: {lists}"


def test_hr_moves_all_in_sift_scoring_3_or_more_to_assessment_with_one_email_each(
    hr_page, live_app, campaign
):
    page = hr_page
    role_id = campaign.data_analyst_role_id

    def expected():
        sift = in_stage(role_id, Status.SIFT)
        scores = averages(sift)
        return sift, scores

    sift, scores = in_app(live_app, expected)
    meeting = {i for i, average in scores.items() if average >= 3}
    assert meeting and sift - meeting, "the seed needs candidates on both sides of 3"
    emails_before = in_app(live_app, lambda: emails_per_application("invited_to_assessment"))

    page.goto(f"/staff/roles/{role_id}/candidates?status=sift")
    filters = page.locator("form").filter(has=page.locator('[name="sort"]')).first
    filters.locator('[name="sort"]').select_option("score")
    score_min = filters.locator('[name="score_min"]')
    if score_min.evaluate("e => e.tagName") == "SELECT":
        score_min.select_option("3")
    else:
        score_min.fill("3")
    filters.locator('button[type="submit"], input[type="submit"]').first.click()
    expect(page).to_have_url(re.compile(r"sort=score"))
    expect(page).to_have_url(re.compile(r"score_min=3"))

    shown = application_ids_on(page)
    assert set(shown) <= meeting, f"shown but below 3 or not in sift: {set(shown) - meeting}"
    shown_scores = [scores[i] for i in shown]
    assert shown_scores == sorted(shown_scores, reverse=True), "not sorted by average score"

    select_all = page.get_by_label(re.compile(r"^Select all \d+ that match"))
    expect(select_all).to_be_visible()
    expect(select_all).to_have_accessible_name(
        re.compile(rf"^Select all {len(meeting)} that match")
    )
    select_all.check()
    page.get_by_label("Invite to assessment", exact=True).check()
    page.get_by_role("button", name=re.compile(r"^Move")).click()
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    # A confirmation says how many will be invited and shows the email, then moves them.
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Invite {len(meeting)} candidates to assessment and email them?"
    )
    expect(page.locator("[data-email-preview]")).to_contain_text("invited")
    page.get_by_role("button", name=re.compile(r"^Yes, invite")).click()
    expect(page.get_by_text(f"Moved {len(meeting)} candidates")).to_be_visible()

    def after():
        now_in = in_stage(role_id, Status.ASSESSMENT) & sift
        still = in_stage(role_id, Status.SIFT)
        return now_in, still, emails_per_application("invited_to_assessment")

    moved, still, emails = in_app(live_app, after)
    assert moved == meeting
    assert still == sift - meeting
    assert {i: emails[i] - emails_before[i] for i in meeting} == dict.fromkeys(meeting, 1)
    assert all(emails[i] == emails_before[i] for i in sift - meeting)


def test_hr_saves_a_view_and_sees_it_on_their_home_with_its_count(hr_page, live_app, campaign):
    page = hr_page
    role_id = campaign.data_analyst_role_id
    page.goto(f"/staff/roles/{role_id}/candidates?status=sift&flag=hr_check")

    name_field = page.get_by_label(re.compile(r"name.*view|view.*name", re.I))
    if name_field.count() == 0:
        page.get_by_role("link", name="Save this view").or_(
            page.get_by_role("button", name="Save this view")
        ).first.click()
    name_field.first.fill(VIEW_NAME)
    page.get_by_role("button", name=re.compile(r"^Save")).first.click()
    expect(page.locator(".govuk-error-summary")).to_have_count(0)

    expected = in_app(live_app, lambda: len(in_stage(role_id, Status.SIFT, needs_hr_check=True)))
    page.goto("/staff/")
    link = page.get_by_role("link", name=re.compile(re.escape(VIEW_NAME)))
    expect(link).to_have_count(1)
    href = link.get_attribute("href")
    assert f"/staff/roles/{role_id}/candidates" in href
    assert "status=sift" in href and "flag=hr_check" in href
    line = link.locator("xpath=ancestor-or-self::*[self::li or self::tr or self::div][1]")
    assert re.search(rf"(?<![\d,]){expected}(?![\d,])", line.inner_text()), line.inner_text()
    link.click()
    expect(
        page.get_by_role("heading", name=re.compile(rf"^\s*{expected} candidates?$"))
    ).to_be_visible()


def test_no_reviewer_page_names_a_candidate_during_the_sift_and_hr_reveal_is_audited(
    page, hr_page, live_app, campaign
):
    page.set_default_timeout(10_000)
    role_id = campaign.data_analyst_role_id
    forbidden = blind_names(live_app, campaign)
    problems: list[str] = []

    def check(p, where: str, typed: str | None = None) -> None:
        found = leaks(p, forbidden, typed=typed)
        if found:
            problems.append(f"{where} ({p.url}) shows {found[:3]}")

    sift_ids = sorted(in_app(live_app, lambda: in_stage(role_id, Status.SIFT)))
    new_ids = sorted(in_app(live_app, lambda: in_stage(role_id, Status.SUBMITTED)))
    candidate, other = sift_ids[0], sift_ids[1]
    lists = [
        "",
        "?status=sift",
        "?status=sift&sort=score",
        "?status=sift&sort=waiting",
        "?status=sift&sort=preference",
        "?status=sift&unscored=1",
        "?status=sift&score_min=3",
        "?flag=hr_check&flag=disability_confident&flag=adjustments",
        "?status=submitted&sort=newest",
    ]

    def reviewer_pages(p, queues: list[str]) -> None:
        p.goto("/staff/")
        check(p, "home")
        for key in queues:
            p.goto(f"/staff/queue/{key}")
            check(p, f"queue {key}")
        for query in lists:
            p.goto(f"/staff/roles/{role_id}/candidates{query}")
            check(p, f"list {query}")
        for application_id in (candidate, new_ids[0]):
            for section in SECTIONS:
                p.goto(f"/staff/applications/{application_id}?section={section}")
                check(p, f"candidate {section}")
        p.goto(f"/staff/roles/{role_id}/review?status=sift")
        check(p, "review mode")

    # A hiring manager: no search by name, and no name anywhere.
    sign_in_staff(page, campaign.manager.email)
    reviewer_pages(page, MANAGER_QUEUES)
    name = campaign.names[candidate]
    page.goto(f"/staff/roles/{role_id}/candidates?status=sift&q={name}")
    check(page, "list searched by a manager", typed=name)
    expect(page.locator('input[name="q"]')).to_have_count(0)

    # HR: may search by name, and still sees only the reference until they reveal.
    hr = hr_page
    reviewer_pages(hr, HR_QUEUES)
    hr.goto(f"/staff/roles/{role_id}/candidates?status=sift&q={name}")
    check(hr, "list searched by HR", typed=name)
    assert application_ids_on(hr) == [candidate], "HR's search by name finds them"

    hr.goto(f"/staff/applications/{other}")
    hr.get_by_text("Show name and contact details").first.click()
    hr.get_by_label("Why do you need them?").fill("To check their right to work")
    hr.get_by_role("button", name="Show name and contact details").click()
    expect(hr.get_by_text(campaign.names[other]).first).to_be_visible()

    def audited():
        return db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == REVEAL_ACTION,
                AuditEvent.object_id == str(other),
                AuditEvent.actor_id == campaign.hr.id,
            )
        ).all()

    events = in_app(live_app, audited)
    assert len(events) == 1 and events[0].details["reason"] == "To check their right to work"

    # The reveal was HR's alone: the manager still reads the candidate name-blind.
    page.goto(f"/staff/applications/{other}")
    check(page, "candidate revealed to HR, read by the manager")
    assert not problems, "\n".join(problems)


def test_every_new_page_passes_axe_and_fits_a_phone(
    browser, live_server, live_app, campaign, hr_state
):
    role_id = campaign.data_analyst_role_id
    done_role, done_status = campaign.done_group
    sift = sorted(in_app(live_app, lambda: in_stage(role_id, Status.SIFT)))
    scored = in_app(live_app, lambda: sorted(averages(sift)))
    candidate = scored[0] if scored else sift[0]
    log = PageLog("phone")
    context = browser.new_context(base_url=live_server, viewport={"width": 375, "height": 812})
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)

        # The second reviewer has scored some candidates: others' scores, "waiting for a
        # decision" and a review group with none left all have something to show.
        sign_in_staff(page, campaign.second_reviewer.email)
        log.check(page, "manager home")
        for key in MANAGER_QUEUES:
            log.visit(page, f"/staff/queue/{key}", f"manager queue {key}")
        log.visit(page, f"/staff/roles/{role_id}/candidates", "manager list")
        log.visit(
            page,
            f"/staff/roles/{role_id}/candidates?status=sift&sort=score&score_min=3",
            "manager list filtered",
        )
        log.visit(
            page,
            f"/staff/roles/{role_id}/candidates?status=sift&unscored=1",
            "manager list not scored by me",
        )
        for section in SECTIONS:
            log.visit(
                page, f"/staff/applications/{candidate}?section={section}", f"candidate {section}"
            )
        log.visit(page, f"/staff/roles/{role_id}/review?status=sift", "review mode")
        log.visit(page, f"/staff/roles/{done_role}/review?status={done_status.value}", "done")
        if page.get_by_text(re.compile("You have scored every candidate")).count() == 0:
            log.problems.append(f"review mode's done page: not at {page.url}")
        context.close()

        context = browser.new_context(
            base_url=live_server, viewport={"width": 375, "height": 812}, storage_state=hr_state
        )
        page = context.new_page()
        page.set_default_timeout(10_000)
        log.visit(page, "/staff/", "hr home")
        for key in HR_QUEUES:
            log.visit(page, f"/staff/queue/{key}", f"hr queue {key}")
        log.visit(
            page, f"/staff/roles/{role_id}/candidates?status=sift&sort=score", "hr list by score"
        )
        select_all = page.get_by_label(re.compile(r"^Select all \d+ that match"))
        if select_all.count():
            select_all.check()
            log.check(page, "hr list all selected")
        else:
            log.problems.append("hr list by score: no 'Select all N that match'")
        log.visit(
            page,
            f"/staff/roles/{role_id}/candidates?q={campaign.names[candidate]}",
            "hr list searched",
        )
        for section in SECTIONS:
            log.visit(
                page,
                f"/staff/applications/{candidate}?section={section}",
                f"hr candidate {section}",
            )
    finally:
        context.close()
    assert log.count >= 25
    assert not log.problems, log.report()

"""In headless Chromium: a hiring manager reviews three candidates in review mode, scoring
each beside their answers without going back to the list, then reads the side-by-side
scores; every section of the candidate page passes axe-core, fits a phone's width, and never
shows a name during the sift.

Set CANDIDATE_SHOTS=<folder> to keep a screenshot of each state at 1280 and 375 px.
"""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import serious_axe_violations, sign_in_staff
from tests.factories import ApplicationFactory, UserFactory
from tracker import clock
from tracker.accounts.models import StaffRole
from tracker.catalogue.models import Role
from tracker.extensions import db
from tracker.screening import scorecards

pytestmark = pytest.mark.browser

NAMES = ("Ignatius Pemberley", "Rosalind Farthingale", "Cuthbert Nettlefold")
SECTIONS = ("Application", "Scores", "Timeline", "Notes", "Emails")
SHOTS = os.environ.get("CANDIDATE_SHOTS")


@pytest.fixture(scope="module")
def reviewing(live_app):
    """A manager for software roles, a colleague who has scored, and three in the sift."""
    with live_app.app_context():
        role = db.session.scalars(
            select(Role).where(Role.slug == "software-developer-apprentice")
        ).one()
        manager = UserFactory(
            roles=[StaffRole.HIRING_MANAGER],
            tracks=[role.track],
            email="manager.review@example.gov.uk",
        )
        colleague = UserFactory(roles=[StaffRole.HIRING_MANAGER], tracks=[role.track])
        start = clock.utcnow() - timedelta(days=20)
        made = [
            ApplicationFactory(
                role=role,
                sift=True,
                full_name=name,
                submitted_at=start + timedelta(days=n),
            )
            for n, name in enumerate(NAMES)
        ]
        for application in made:
            scorecards.submit_scorecard(
                actor=colleague,
                application=application,
                scores={c.id: (4, "Strong") for _, c in scorecards.criteria_for(application)},
            )
        db.session.commit()
        return manager.email, role.id, [a.reference for a in made]


def _check(page, label: str) -> None:
    """No serious axe violation, no name, and no sideways scroll at 375 px."""
    assert serious_axe_violations(page) == [], label
    for name in NAMES:
        expect(page.get_by_text(name)).to_have_count(0)
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{label}-1280.png"), full_page=True)
        page.screenshot(path=str(Path(SHOTS) / f"{label}-1280-fold.png"))
    page.set_viewport_size({"width": 375, "height": 800})
    width = page.evaluate("document.documentElement.scrollWidth")
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{label}-375.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})
    assert width == 375, f"{label}: {width} px wide at 375"


def test_a_manager_scores_three_in_review_mode_then_reads_the_scores(page, reviewing):
    email, role_id, references = reviewing
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in_staff(page, email)

    page.goto(f"/staff/roles/{role_id}/review?status=sift")
    for n, reference in enumerate(references, start=1):
        expect(
            page.get_by_role("heading", level=1, name=f"Application {reference}")
        ).to_be_visible()
        expect(page.get_by_text(f"Candidate {n} of 3")).to_be_visible()
        expect(page.get_by_role("link", name="Back to the list")).to_be_visible()
        nav = page.get_by_role("navigation", name="Candidate sections")
        expect(nav.locator('[aria-current="page"]')).to_have_text("Application")
        if n == 1:
            _check(page, "review-application")
        groups = page.get_by_role("group", name=re.compile(r"^\d+\. "))
        assert groups.count() >= 1
        for i in range(groups.count()):
            groups.nth(i).get_by_label("2: Partly demonstrated", exact=True).check()
        page.get_by_role("button", name="Submit your scores").click()
        expect(page.get_by_text(f"Your scores for {reference} are submitted.")).to_be_visible()

    expect(
        page.get_by_role("heading", name="You have scored every candidate waiting in this stage")
    ).to_be_visible()
    _check(page, "review-done")

    # Back to the first candidate: everyone's scores side by side, the spread flagged.
    page.get_by_role("link", name="Back to the list").click()
    page.get_by_role("link", name=references[0]).click()
    page.get_by_role("navigation", name="Candidate sections").get_by_role(
        "link", name="Scores"
    ).click()
    table = page.get_by_role("table")
    expect(table.get_by_role("columnheader", name="Average")).to_be_visible()
    expect(table.get_by_text("Reviewers differ by 2 or more").first).to_be_visible()
    expect(page.get_by_role("heading", name="Move this candidate")).to_be_visible()
    for section in SECTIONS:
        page.get_by_role("navigation", name="Candidate sections").get_by_role(
            "link", name=section
        ).click()
        expect(
            page.get_by_role("navigation", name="Candidate sections").locator(
                '[aria-current="page"]'
            )
        ).to_have_text(section)
        _check(page, f"section-{section.lower()}")

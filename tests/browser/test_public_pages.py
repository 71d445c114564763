"""In headless Chromium: every public page is accessible, and filters work without JavaScript."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import serious_axe_violations

pytestmark = pytest.mark.browser

PUBLIC_PAGES = [
    "/",
    "/roles",
    "/roles?track=data-analysis&level=4",
    "/roles?level=3&track=nothing-matches",
    "/roles/data-analyst-apprentice",
    "/roles/cyber-security-apprentice",
    "/accessibility",
    "/privacy",
    "/cookies",
    "/no-such-page",
]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_a_public_page_has_no_serious_accessibility_violations(page, path):
    page.goto(path)

    assert serious_axe_violations(page) == []


@pytest.mark.parametrize("width", [320, 1280])
def test_the_roles_page_has_no_violations_on_a_phone_or_a_desktop(page, width):
    page.set_viewport_size({"width": width, "height": 800})
    page.goto("/roles")

    assert serious_axe_violations(page) == []


def test_filtering_by_track_and_level_works_with_javascript_off(page_without_javascript):
    page = page_without_javascript
    page.goto("/roles")
    assert page.locator(".app-role-list__item").count() == 13

    page.get_by_label(re.compile(r"Data analysis \(\d+\)")).check()
    page.get_by_role("button", name="Apply filters").click()

    assert page.locator(".app-role-list__item").count() == 2
    assert "track=data-analysis" in page.url

    page.get_by_label(re.compile(r"Level 3 \(\d+\)")).check()
    page.get_by_role("button", name="Apply filters").click()

    titles = page.locator(".app-role-list__item h3").all_inner_texts()
    assert titles == ["Data technician apprentice"]
    assert page.get_by_role("heading", name="1 role (1 place) match your filters").is_visible()

    page.get_by_role("link", name="Clear filters").click()
    assert page.locator(".app-role-list__item").count() == 13


def test_an_applicant_finds_a_role_and_reads_what_it_involves(page):
    page.goto("/")
    page.get_by_role("button", name=re.compile("See the 13 roles")).click()
    page.get_by_role("link", name="Software developer apprentice").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Software developer apprentice"
    facts = page.locator(".govuk-summary-list").inner_text()
    for label in ("Level", "Apprenticeship standard", "Openings", "Closing date", "Salary"):
        assert label in facts

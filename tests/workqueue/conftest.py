"""Fixtures for the work queue: a role in scope and one out of it, HR, a manager, and helpers
that read a line's count off the home page and the references off its list."""

from __future__ import annotations

import re

import pytest

from tests.factories import RoleFactory


@pytest.fixture
def role():
    """One criterion, so one score completes a reviewer's scorecard."""
    return RoleFactory(criteria=["You enjoy solving problems"])


@pytest.fixture
def other_role():
    return RoleFactory(criteria=["You are reliable"])


def home_count(client, key: str) -> int:
    page = client.get("/staff/").get_data(as_text=True)
    found = re.search(rf'data-queue="{key}"[^>]*><span class="app-queue__count">(\d+)</span>', page)
    assert found, f"no line {key} on the home page"
    return int(found.group(1))


def listed(client, key: str, **args) -> set[str]:
    response = client.get(f"/staff/queue/{key}", query_string=args)
    assert response.status_code == 200, response.status_code
    return set(re.findall(r'data-reference="([^"]+)"', response.get_data(as_text=True)))


@pytest.fixture
def line(client):
    """Assert the home count and the list of line ``key`` are exactly ``expected``."""

    def check(key: str, expected: set[str]):
        assert home_count(client, key) == len(expected)
        assert listed(client, key) == expected

    return check

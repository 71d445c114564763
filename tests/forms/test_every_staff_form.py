"""Every staff form, posted with a mistake, shows the GOV.UK error pattern and changes
nothing (tests/forms/harness.py); every staff endpoint taking a POST is walked or says why
it has nothing to get wrong."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import tests.forms
from tests.forms.harness import InvalidPost, check, posted_endpoints


def _modules():
    for info in pkgutil.iter_modules(tests.forms.__path__):
        if info.name.startswith("cases_"):
            yield importlib.import_module(f"tests.forms.{info.name}")


CASES: list[InvalidPost] = [case for module in _modules() for case in module.CASES]
EXEMPT: dict[str, str] = {
    endpoint: why for module in _modules() for endpoint, why in module.EXEMPT.items()
}


@pytest.mark.slow  # every staff form
@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_a_mistake_shows_the_error_pattern_and_changes_nothing(case, client):
    check(case, client)


def test_every_staff_form_is_walked_or_says_why_not(app):
    walked = {case.endpoint for case in CASES}
    missing = posted_endpoints(app) - walked - set(EXEMPT)
    assert not missing, f"staff forms with no invalid-input case: {sorted(missing)}"
    assert all(why.strip() for why in EXEMPT.values())
    unknown = (walked | set(EXEMPT)) - posted_endpoints(app)
    assert not unknown, f"cases for endpoints that take no POST: {sorted(unknown)}"
    assert not walked & set(EXEMPT), "an endpoint is both walked and exempt"

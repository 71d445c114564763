"""In headless Chromium: GOV.UK Frontend's JavaScript runs under the Content Security Policy."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

# Collects every CSP violation the page reports, from before its first script runs.
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


@pytest.fixture
def page(browser, live_server):
    """A phone-sized page that obeys the CSP (the shared fixture bypasses it, for axe-core)."""
    context = browser.new_context(
        base_url=live_server, bypass_csp=False, viewport={"width": 375, "height": 800}
    )
    yield context.new_page()
    context.close()


@pytest.fixture
def console_errors(page) -> list[str]:
    """The console errors and uncaught exceptions of ``page``, watched from before it loads."""
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.add_init_script(RECORD_VIOLATIONS)
    return errors


@pytest.mark.parametrize("path", ["/", "/roles", "/roles/data-analyst-apprentice"])
def test_gov_uk_frontend_initialises_with_no_csp_violation(page, console_errors, path):
    response = page.goto(path)
    # The service navigation's Menu button is shown only once GOV.UK Frontend has run.
    menu = page.get_by_role("button", name="Menu")
    expect(menu).to_be_visible()
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")

    # Scripts from this site only, no inline one and so no nonce: the page can be the same
    # bytes for every visitor (the page cache, tracker/page_cache.py).
    assert "'nonce-" not in response.headers["content-security-policy"]
    assert page.evaluate("[...document.scripts].every((script) => script.src)")
    assert page.evaluate("document.body.classList.contains('govuk-frontend-supported')")
    assert page.evaluate("window.cspViolations") == []
    assert [e for e in console_errors if "Content Security Policy" in e] == []
    assert console_errors == []


def test_an_injected_inline_script_is_blocked(page, console_errors):
    page.goto("/roles")

    page.evaluate(
        """() => {
          const script = document.createElement("script");
          script.textContent = "window.injected = true";
          document.body.append(script);
        }"""
    )

    assert page.evaluate("window.injected") is None
    page.wait_for_function("window.cspViolations.length > 0")
    assert page.evaluate("window.cspViolations") == ["script-src-elem inline"]
    assert any("Content Security Policy" in e for e in console_errors)

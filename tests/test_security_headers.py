"""Security headers on every response of every route, cookie flags, and the 429 page.

The routes are read from the app's URL map when the test runs, so a new view is covered
without touching this file.
"""

from __future__ import annotations

import re
import uuid

import pytest
from flask import Response, session
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from werkzeug.exceptions import TooManyRequests

from tests import services
from tests.conftest import rolled_back
from tests.factories import UserFactory
from tracker.accounts.models import StaffRole
from tracker.config import ConfigError
from tracker.extensions import limiter
from tracker.security import content_security_policy

HTTPS = "https://tracker.test"
# A file Flask serves; the built ones under dist/ are WhiteNoise's (tests/test_assets.py).
STATIC_FILE = "images/favicon.svg"
PLACEHOLDER = re.compile(r"<(?:(?P<converter>\w+)(?:\((?P<args>[^)]*)\))?:)?(?P<name>\w+)>")
DUMMY_VALUES = {"int": "1", "float": "1.0", "uuid": str(uuid.UUID(int=1))}
NOT_SENT = {"HEAD", "OPTIONS"}  # answered by Flask itself for every GET or any route
# Responses that may be cached: built assets and the council's colours. Every other is a page.
CACHEABLE_ENDPOINTS = {"static", "public.branding_css"}
# Pages the same for every anonymous visitor: kept if asked about again (tracker/page_cache.py).
SHARED_PAGES = {"public.home", "catalogue.roles", "catalogue.role"}


def _dummy(match: re.Match) -> str:
    if match["converter"] == "any":
        return match["args"].split(",")[0].strip(" '\"")
    return DUMMY_VALUES.get(match["converter"], "x")


def every_request(app) -> list[tuple[str, str, str]]:
    """(method, path, kind of page or "") for each method of each rule; a real file for
    'static'."""
    requests = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            path = PLACEHOLDER.sub(STATIC_FILE, rule.rule)
        else:
            path = PLACEHOLDER.sub(_dummy, rule.rule)
        for method in sorted(rule.methods - NOT_SENT):
            kind = "shared" if rule.endpoint in SHARED_PAGES else "page"
            if rule.endpoint in CACHEABLE_ENDPOINTS:
                kind = ""
            requests.append((method, path, kind))
    return sorted(requests, key=lambda r: (r[1], r[0]))


def directives(response) -> dict[str, str]:
    policy = response.headers.get("Content-Security-Policy", "")
    parts = [part.strip().split(" ", 1) for part in policy.split(";") if part.strip()]
    return {part[0]: part[1] if len(part) > 1 else "" for part in parts}


def cookie(response, name: str) -> dict[str, str | bool] | None:
    """The attributes of the Set-Cookie header for ``name``, lower-cased; None if not set."""
    for header in response.headers.getlist("Set-Cookie"):
        first, *attributes = (part.strip() for part in header.split(";"))
        if first.split("=", 1)[0] == name:
            pairs = (attribute.partition("=") for attribute in attributes)
            return {key.lower(): value or True for key, _, value in pairs}
    return None


def header_problems(response, *, page: str | bool) -> list[str]:
    """Each required header that is missing or wrong. ``page``: "page" for a page kept by
    nobody, "shared" for one every anonymous visitor gets, false for an asset."""
    problems = []
    csp = directives(response)
    if csp.get("default-src") != "'self'":
        problems.append(f"default-src is {csp.get('default-src')!r}")
    if csp.get("frame-ancestors") != "'none'":
        problems.append(f"frame-ancestors is {csp.get('frame-ancestors')!r}")
    script_src = csp.get("script-src", "")
    if "'self'" not in script_src or "'unsafe-inline'" in script_src:
        problems.append(f"script-src is {script_src!r}")
    if response.headers.get("Strict-Transport-Security") != "max-age=31536000; includeSubDomains":
        problems.append(f"HSTS is {response.headers.get('Strict-Transport-Security')!r}")
    if response.headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("no X-Content-Type-Options: nosniff")
    if response.headers.get("X-Frame-Options") != "DENY":
        problems.append(f"X-Frame-Options is {response.headers.get('X-Frame-Options')!r}")
    if response.headers.get("Referrer-Policy") != "strict-origin-when-cross-origin":
        problems.append(f"Referrer-Policy is {response.headers.get('Referrer-Policy')!r}")
    caching = response.headers.get("Cache-Control", "")
    wanted = {"no-store"}
    if page == "shared" and response.status_code == 200:
        # The same for every anonymous visitor: kept if revalidated; with a session cookie
        # (the sweep's client may have one by then) it is the visitor's own, kept by nobody.
        wanted.add("no-cache")
    if page and caching not in wanted:
        problems.append(f"a page with Cache-Control {caching!r}")
    if not page and "no-store" in caching:
        problems.append("an asset marked no-store")
    flags = cookie(response, "session")
    if flags is not None and (flags.get("httponly") is not True or flags.get("samesite") != "Lax"):
        problems.append(f"session cookie flags {flags}")
    return problems


def sweep(app, client=None) -> tuple[list[str], int]:
    """Send every request over https; describe each response that lacks a header."""
    client = client or app.test_client()
    problems = []
    requests = every_request(app)
    for method, path, page in requests:
        with client.open(path, method=method, base_url=HTTPS) as response:
            found = header_problems(response, page=page)
        if response.status_code >= 500:
            found.append("a server error")
        problems += [f"{method} {path} ({response.status_code}): {p}" for p in found]
    return problems, len(requests)


def test_every_route_sends_the_security_headers(app, default_catalogue):
    problems, checked = sweep(app)

    assert checked >= 8  # the public pages, the role pages and the static files at least
    assert problems == []


@pytest.mark.slow  # every route
def test_every_route_sends_them_to_a_signed_in_administrator(app, client, sign_in_through_the_form):
    # Signed in, the staff pages answer instead of redirecting to the sign-in page.
    response = sign_in_through_the_form(
        UserFactory(roles=[StaffRole.ADMIN, StaffRole.HIRING_MANAGER])
    )
    assert response.status_code == 302 and client.get("/staff/").status_code == 200

    problems, _ = sweep(app, client)

    assert problems == []
    assert client.get("/admin/users", base_url=HTTPS).status_code == 200


@pytest.mark.slow  # every route
def test_every_route_of_the_development_app_sends_them_too(make_app, monkeypatch):
    # Development adds the local mailbox; staff areas may add more.
    monkeypatch.setenv("TRACKER_ENV", "development")
    monkeypatch.setenv("EMAIL_BACKEND", "local")
    development = make_app(REDIS_URL=services.TEST_REDIS_URL, WTF_CSRF_ENABLED=True)

    with rolled_back(development):
        problems, _ = sweep(development)

    assert "dev_mailbox.index" in development.view_functions
    assert problems == []


def test_the_csp_allows_scripts_from_this_site_only_with_no_nonce(client):
    first = client.get("/accessibility", base_url=HTTPS)

    html = first.get_data(as_text=True)
    assert directives(first)["script-src"] == "'self'"
    assert "nonce" not in html
    # Two scripts, both files: GOV.UK's js-enabled class and our module.
    assert html.count("<script") == 2
    assert len(re.findall(r'<script[^>]* src="/static/dist/[^"]+"', html)) == 2
    assert directives(first) == {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self' data:",
        "font-src": "'self'",
        "connect-src": "'self'",
        "form-action": "'self'",
        "base-uri": "'self'",
        "object-src": "'none'",
        "frame-ancestors": "'none'",
    }
    assert first.headers["Permissions-Policy"] == (
        "camera=(), microphone=(), geolocation=(), browsing-topics=()"
    )


def test_a_logo_on_another_site_is_allowed_as_an_image_and_nothing_more(make_app, monkeypatch):
    monkeypatch.setenv("COUNCIL_LOGO", "https://cdn.borsetshire.example/logo.svg")
    other = make_app()

    response = other.test_client().get("/accessibility", base_url=HTTPS)

    csp = directives(response)
    assert csp["img-src"] == "'self' data: https://cdn.borsetshire.example"
    assert [name for name, value in csp.items() if "borsetshire" in value] == ["img-src"]


@pytest.mark.parametrize(
    ("logo", "source"),
    [
        ("images/council-logo.svg", None),
        ("/media/logo.png", None),
        ("http://Logos.Example:8080/a/b.svg?v=2", "http://logos.example:8080"),
        ("//cdn.example/logo.svg", "cdn.example"),
    ],
)
def test_the_logo_source_is_its_origin(logo, source):
    images = content_security_policy(logo)["img-src"]

    assert images == " ".join(s for s in ("'self' data:", source) if s)


def test_a_logo_address_that_would_add_directives_is_refused():
    with pytest.raises(ConfigError, match="COUNCIL_LOGO"):
        content_security_policy("https://x.example; script-src *; /logo.svg")


def test_plain_http_works_locally_without_hsts_or_a_secure_cookie(make_app):
    other = make_app()

    @other.get("/_sets-session")
    def sets_session():
        session["seen"] = True
        return "ok"

    client = other.test_client()
    page = client.get("/accessibility", base_url="http://tracker.test")
    response = client.get("/_sets-session", base_url="http://tracker.test")

    assert page.status_code == 200  # no redirect to https outside production
    # A server must not send HSTS over plain http (RFC 6797, 7.2), and Talisman does not.
    assert "Strict-Transport-Security" not in page.headers
    assert header_problems(page, page=True) == [f"HSTS is {None!r}"]
    flags = cookie(response, "session")
    assert flags["httponly"] is True and flags["samesite"] == "Lax"
    assert "secure" not in flags
    # Talisman would otherwise switch this on at the first request.
    assert other.config["SESSION_COOKIE_SECURE"] is False


@pytest.fixture
def production_app_at(make_app, monkeypatch, database_name):
    """An app built as the Docker image builds it, serving the given PUBLIC_BASE_URL."""

    def build(public_base_url: str):
        monkeypatch.setenv("TRACKER_ENV", "production")
        monkeypatch.setenv("SECRET_KEY", "p" * 48)
        monkeypatch.setenv("DATABASE_URL", services.database_url(database_name))
        monkeypatch.setenv("REDIS_URL", services.TEST_REDIS_URL)
        monkeypatch.setenv("PUBLIC_BASE_URL", public_base_url)
        monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
        production = make_app(TESTING=False)
        assert production.config["TRACKER_ENV"] == "production"
        return production

    return build


@pytest.fixture
def production_app(production_app_at):
    return production_app_at("https://apprenticeships.example.gov.uk")


def test_production_redirects_plain_http_to_https(production_app):
    client = production_app.test_client()

    response = client.get("/roles?track=data-analysis", base_url="http://tracker.example")

    assert response.status_code == 302
    assert response.location == "https://tracker.example/roles?track=data-analysis"
    assert header_problems(response, page=True) == [f"HSTS is {None!r}"]


def test_production_session_cookies_are_secure_httponly_and_lax(production_app):
    @production_app.get("/_sets-session")
    def sets_session():
        session["seen"] = True
        return "ok"

    with rolled_back(production_app):
        response = production_app.test_client().get("/_sets-session", base_url=HTTPS)

    flags = cookie(response, "session")
    assert flags["secure"] is True and flags["httponly"] is True and flags["samesite"] == "Lax"
    assert header_problems(response, page=True) == []


@pytest.mark.parametrize("address", ["http://localhost:8000", "http://127.0.0.1:8000"])
def test_the_compose_stack_serves_its_localhost_address_over_plain_http(production_app_at, address):
    # docker-compose.yml: the production image, PUBLIC_BASE_URL http://localhost:8000.
    local = production_app_at(address)

    @local.get("/_sets-session")
    def sets_session():
        session["seen"] = True
        return "ok"

    client = local.test_client()
    page = client.get("/roles?track=data-analysis", base_url=address)
    sign_in = client.get("/staff/sign-in", base_url=address)
    with rolled_back(local):
        response = client.get("/_sets-session", base_url=address)

    assert page.status_code == 200, page.location  # not redirected to https://localhost
    assert sign_in.status_code == 200
    assert header_problems(page, page="shared") == [f"HSTS is {None!r}"]
    flags = cookie(response, "session")
    # A browser would not send a Secure cookie back over http, and signing in would fail.
    assert "secure" not in flags and flags["httponly"] is True and flags["samesite"] == "Lax"
    assert local.config["SESSION_COOKIE_SECURE"] is False
    with local.test_request_context(base_url=address):
        from flask import url_for

        assert url_for("public.home", _external=True) == f"{address}/"


def test_an_https_address_behind_a_proxy_gets_https_links_hsts_and_no_redirect(
    production_app_at, monkeypatch
):
    monkeypatch.setenv("PROXY_FIX_HOPS", "1")
    proxied = production_app_at("https://apprenticeships.example.gov.uk")
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}

    # The proxy talks plain http to the app and says the browser used https.
    response = proxied.test_client().get(
        "/accessibility", base_url="http://apprenticeships.example.gov.uk", headers=forwarded
    )

    assert response.status_code == 200
    assert header_problems(response, page=True) == []


# Too many attempts: Flask-Limiter raises RateLimitExceeded, a TooManyRequests.


def _limited_app(make_app, **limiter_options):
    other = make_app()
    limiter = Limiter(get_remote_address, app=other, storage_uri="memory://", **limiter_options)

    @other.get("/_limited")
    @limiter.limit("1 per 15 minutes")
    def limited():
        return "ok"

    return other


def test_too_many_attempts_get_the_429_page_with_the_limiters_retry_after(make_app):
    client = _limited_app(make_app, headers_enabled=True).test_client()

    assert client.get("/_limited", base_url=HTTPS).status_code == 200
    response = client.get("/_limited", base_url=HTTPS)

    html = response.get_data(as_text=True)
    assert response.status_code == 429
    assert "Too many attempts" in html and "Wait a few minutes, then try again." in html
    assert "mailto:apprenticeships@example.gov.uk" in html
    assert 0 < int(response.headers["Retry-After"]) <= 900
    assert header_problems(response, page=True) == []


def test_the_429_page_keeps_the_retry_after_of_an_on_breach_response(make_app):
    def on_breach(limit):
        return Response("slow down", 429, {"Retry-After": "600"})

    client = _limited_app(make_app, headers_enabled=False, on_breach=on_breach).test_client()

    client.get("/_limited")
    response = client.get("/_limited")

    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)
    assert response.headers["Retry-After"] == "600"


def test_the_429_page_keeps_werkzeugs_retry_after(make_app):
    other = make_app()

    @other.get("/_abort")
    def aborts():
        raise TooManyRequests(retry_after=120)

    response = other.test_client().get("/_abort")

    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)
    assert response.headers["Retry-After"] == "120"


def _https_form_token(client) -> str:
    page = client.get("/staff/sign-in", base_url=HTTPS).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)[1]


def test_the_sign_in_limit_answers_with_the_429_page_and_its_scripts_allowed(make_app):
    # Counted in memory by an app of its own: this test is about the 429 page's headers.
    # (Throttling through Redis, and with Redis down, is tested in tests/accounts.)
    other = make_app(RATELIMIT_STORAGE_URI="memory://")
    # The limiter is one object shared by every app the suite builds, and it remembers that a
    # storage was unreachable (tests/accounts stops a Redis on purpose) until, some requests
    # later, it checks again and switches back: the count would then be split between its
    # in-memory fallback and this storage. Flask-Limiter has no public way to say the storage
    # is healthy again (init_app keeps the flag), so the flag is cleared here.
    limiter._storage_dead = False
    with rolled_back(other):  # its failed sign-ins are audited; keep them out of other tests
        client = other.test_client()
        for _ in range(11):
            data = {
                "email": "nobody.guessing@example.gov.uk",
                "password": "a wrong guess",
                "csrf_token": _https_form_token(client),
            }
            # Over https, Flask-WTF also wants a same-site Referer, which browsers send.
            response = client.post(
                "/staff/sign-in",
                data=data,
                base_url=HTTPS,
                headers={"Referer": f"{HTTPS}/staff/"},
            )

    # The limiter stops the request in a hook that runs before Talisman's, as CSRF does: the
    # page's scripts are files, allowed by the same policy as any other page's.
    assert response.status_code == 429
    assert '<script src="/static/dist/js-enabled.' in response.get_data(as_text=True)
    assert int(response.headers["Retry-After"]) > 0
    assert header_problems(response, page="page") == []

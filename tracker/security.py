"""Security headers on every response, no caching of personal pages, the CSRF and 429 pages.

Flask-Talisman sets the headers. Its defaults suit an https-only site and would break the
local http app: it redirects http to https, and at every request it switches
SESSION_COOKIE_SECURE on in app.config. Both follow our settings here instead: the redirect
happens only in production with an https PUBLIC_BASE_URL (FORCE_HTTPS, tracker/config.py), so
the Compose stack on http://localhost works. HSTS is sent on https requests only.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import Flask, Response, render_template, request
from flask_talisman import DENY, Talisman
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import TooManyRequests

from tracker.assets import ONE_YEAR_SECONDS
from tracker.config import ConfigError
from tracker.page_cache import is_shared_page

# Responses that browsers and proxies may keep: built assets and the council's colours.
CACHEABLE_ENDPOINTS = frozenset({"static", "public.branding_css"})
_HOST = re.compile(r"^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:[0-9]+)?$")


def logo_source(logo: str) -> str | None:
    """The CSP source that allows the council's logo, when it is on another site.

    :raise ConfigError: when the address would not make a valid CSP source.
    """
    parts = urlsplit(logo)
    if not parts.netloc or parts.scheme not in ("http", "https", ""):
        return None  # a file under static/ (see branding.logo_url) or a path here: 'self'
    host = parts.netloc.rpartition("@")[2].lower()
    if not _HOST.match(host):
        # Anything else could smuggle directives into the header.
        raise ConfigError(f"COUNCIL_LOGO {logo!r} is not a valid web address.")
    # A scheme-relative //host/logo.svg: a bare host matches the page's own scheme.
    return f"{parts.scheme}://{host}" if parts.scheme else host


def content_security_policy(logo: str) -> dict[str, str]:
    images = ["'self'", "data:", logo_source(logo)]
    return {
        "default-src": "'self'",
        # No inline script anywhere (a test checks every template), so no nonce: a page
        # can then be the same bytes for every visitor, and be served from the cache.
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": " ".join(source for source in images if source),
        "font-src": "'self'",
        "connect-src": "'self'",
        "form-action": "'self'",
        "base-uri": "'self'",
        "object-src": "'none'",
        "frame-ancestors": "'none'",
    }


def _no_store(response: Response) -> Response:
    # Applicant and staff pages hold personal data: never kept by a browser or a proxy. The
    # public pages an anonymous visitor sees are the same for everyone: they may be kept if
    # asked about again (their ETag; tracker/page_cache.py).
    if is_shared_page() and response.status_code == 200:
        response.headers["Cache-Control"] = "no-cache"
        response.vary.add("Cookie")
    elif request.endpoint not in CACHEABLE_ENDPOINTS:
        response.headers["Cache-Control"] = "no-store"
    return response


def _csrf_error(error: CSRFError):
    return render_template("errors/csrf.html"), 400


def _retry_after(error: TooManyRequests) -> str | None:
    # Flask-Limiter puts an on_breach callback's response on the exception; werkzeug's own
    # TooManyRequests(retry_after=...) gives the header through get_headers().
    if error.response is not None and "Retry-After" in error.response.headers:
        return error.response.headers["Retry-After"]
    return dict(error.get_headers()).get("Retry-After")


def _too_many_requests(error: TooManyRequests):
    headers = {}
    retry_after = _retry_after(error)
    if retry_after:
        headers["Retry-After"] = retry_after
    # Flask-Limiter's after_request hook sets Retry-After itself when its headers are on.
    return render_template("errors/429.html"), 429, headers


def init_security(app: Flask) -> None:
    config = app.config
    talisman = Talisman(
        app,
        force_https=config["FORCE_HTTPS"],
        frame_options=DENY,
        strict_transport_security=True,
        strict_transport_security_max_age=ONE_YEAR_SECONDS,
        strict_transport_security_include_subdomains=True,
        content_security_policy=content_security_policy(config["BRANDING"]["logo"]),
        referrer_policy="strict-origin-when-cross-origin",
        permissions_policy={
            "camera": "()",
            "microphone": "()",
            "geolocation": "()",
            "browsing-topics": "()",
        },
        # Talisman's defaults are Secure, HttpOnly and Lax, and it writes them into
        # app.config: pass the app's own, so that development keeps working over http.
        session_cookie_secure=config["SESSION_COOKIE_SECURE"],
        session_cookie_http_only=config["SESSION_COOKIE_HTTPONLY"],
        session_cookie_samesite=config["SESSION_COOKIE_SAMESITE"],
        x_content_type_options=True,
    )
    app.extensions["talisman"] = talisman
    app.after_request(_no_store)
    # More specific than errors.py's HTTPException handler, so Flask picks these.
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(TooManyRequests, _too_many_requests)

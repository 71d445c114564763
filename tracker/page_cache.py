"""Pages the same for every anonymous visitor, answered from a shared cache before Flask runs.

The home page, the roles list (any filters) and the role pages say the same to everyone who
is not signed in. They are rendered once and kept (Flask-Caching: Redis at REDIS_URL, shared
by every worker; in-process under `make run` without one), under a key made of:

- a fingerprint of what this deploy renders with (its code, templates, built assets and
  branding), so a new release or a rebrand never serves an old page;
- the catalogue version, replaced after each `flask catalogue load` commits
  (forget_shared_pages), so a changed catalogue is shown within a second;
- the UK date (pages say whether a role has closed), the scheme (HSTS is sent on https
  only) and the page: its path, and for the roles list its filters in one canonical order.

Only a request with no session cookie is answered from the cache or stored in it: with one,
the page may name the visitor, carry a flash message or a CSRF token, so Flask renders it as
ever. A page is stored only when its view said it may be shared (shared_page), it answered
200 to a GET, and it set no cookie. A hit is answered by this WSGI middleware, before Flask
builds a request: no session, no user, no rate limit, no per-request headers, and no
round trip to Redis but one a second per worker (is the catalogue version still the one this
process's own copy of the page was made for?). Each page has an ETag and a Last-Modified,
answered with 304, and a gzip copy made once when it is stored.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import secrets
import time
from collections.abc import Callable, Iterable
from contextlib import suppress
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime
from functools import wraps
from pathlib import Path
from typing import Any

from flask import Flask, current_app, request
from flask_caching import Cache
from redis.exceptions import RedisError

from tracker import clock

# WSGI environ keys: the view's consent to share its page, and the key to store it under.
SHARED_PAGE = "tracker.shared_page"
_PAGE_KEY = "tracker.shared_page_key"
VERSION_KEY = "catalogue-version"
# Keys carry the date, so a page is never wanted after its day; it may go sooner.
PAGE_SECONDS = 24 * 60 * 60
# Sent by the view, or per request: not part of the page that everyone shares.
_NOT_KEPT = {"content-length", "set-cookie", "date", "retry-after", "vary"}
_RATE_LIMIT = "x-ratelimit-"
_VARY = ("Vary", "Cookie, Accept-Encoding")
# Copies a worker keeps in its own memory (about 30 KB each, with the gzip copy): the pages
# of one catalogue (every role, the common filters); more, and it starts again.
MOST_LOCAL_PAGES = 500

page_cache = Cache()

Identify = Callable[[str, str], "str | None"]


@dataclass(frozen=True)
class CachedPage:
    headers: tuple[tuple[str, str], ...]
    body: bytes
    gzipped: bytes
    etag: str
    last_modified: str
    modified_at: float


def shared_page(view: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a view whose page, for a visitor with no session, is the same for everyone."""

    @wraps(view)
    def marked(*args: Any, **kwargs: Any) -> Any:
        request.environ[SHARED_PAGE] = True
        return view(*args, **kwargs)

    return marked


def _has_session(environ: dict, cookie_names: tuple[str, ...]) -> bool:
    cookies = environ.get("HTTP_COOKIE", "")
    return any(re.search(rf"(?:^|[;,]\s*){name}=", cookies) for name in cookie_names)


def is_shared_page() -> bool:
    """Whether this response is the page every anonymous visitor gets (so it may be kept)."""
    if not request.environ.get(SHARED_PAGE):
        return False  # most responses: no need to look at the cookies
    return not _has_session(request.environ, _session_cookie_names(current_app))


def forget_shared_pages() -> None:
    """Start a new catalogue version: every kept page is left behind. Call after the commit."""
    backend = current_app.extensions.get("shared_pages")
    if backend is not None:
        backend.set(VERSION_KEY, secrets.token_hex(8), timeout=0)


def _session_cookie_names(app: Flask) -> tuple[str, ...]:
    return (re.escape(app.config["SESSION_COOKIE_NAME"]), re.escape("remember_token"))


def _fingerprint(app: Flask, manifest: dict) -> str:
    """What this deploy renders with: the code, templates, asset names, branding, database."""
    digest = hashlib.sha256()
    root = Path(app.root_path)
    for folder, pattern in ((root, "*.py"), (Path(app.template_folder or ""), "*.html")):
        for path in sorted(folder.rglob(pattern)):
            digest.update(path.read_bytes())
    settings = {
        "branding": app.config["BRANDING"],
        # Two services sharing one Redis (staging beside live) never share a page.
        "database": app.config["SQLALCHEMY_DATABASE_URI"],
        "max_applications": app.config.get("MAX_APPLICATIONS_PER_CAMPAIGN"),
        "manifest": manifest,
        "pages": sorted(app.view_functions),
    }
    digest.update(json.dumps(settings, sort_keys=True, default=str).encode())
    return digest.hexdigest()[:16]


def _accepts_gzip(environ: dict) -> bool:
    for part in environ.get("HTTP_ACCEPT_ENCODING", "").split(","):
        coding, _, params = part.partition(";")
        if coding.strip() == "gzip":
            return params.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False


def _not_modified(environ: dict, page: CachedPage) -> bool:
    """RFC 9110: If-None-Match (weak comparison) wins; else If-Modified-Since."""
    if_none_match = environ.get("HTTP_IF_NONE_MATCH")
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or page.etag.removeprefix("W/") in tags
    since = environ.get("HTTP_IF_MODIFIED_SINCE")
    if since:
        try:
            return parsedate_to_datetime(since).timestamp() >= int(page.modified_at)
        except (TypeError, ValueError):
            return False
    return False


def make_page(headers: list[tuple[str, str]], body: bytes) -> CachedPage:
    kept = [
        (name, value)
        for name, value in headers
        if name.lower() not in _NOT_KEPT and not name.lower().startswith(_RATE_LIMIT)
    ]
    now = clock.utcnow().timestamp()
    etag = 'W/"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
    last_modified = formatdate(now, usegmt=True)
    kept += [("ETag", etag), ("Last-Modified", last_modified), _VARY]
    return CachedPage(tuple(kept), body, gzip.compress(body, 6), etag, last_modified, now)


class SharedPageCache:
    """WSGI middleware: answers shared pages from the cache, and stores those Flask renders."""

    def __init__(self, app: Flask, backend: Any, identify: Identify, fingerprint: str) -> None:
        self.wsgi_app = app.wsgi_app
        self.recheck_seconds: float = app.config["PUBLIC_PAGE_RECHECK_SECONDS"]
        self.checked_at = 0.0
        self.backend = backend
        self.identify = identify
        self.fingerprint = fingerprint
        self.cookie_names = _session_cookie_names(app)
        # This process's copies of the pages of the catalogue version it saw last: a page is
        # the same bytes until the version changes, so only the version is asked each time.
        self.version: str | None = None
        self.local: dict[str, CachedPage] = {}

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD")
        if method not in ("GET", "HEAD") or _has_session(environ, self.cookie_names):
            return self.wsgi_app(environ, start_response)
        page_id = self.identify(environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", ""))
        if page_id is None:
            return self.wsgi_app(environ, start_response)
        page_key = f"{clock.today().isoformat()}:{environ['wsgi.url_scheme']}:{page_id}"
        try:
            key, page = self._look_up(page_key)
        except (RedisError, OSError):
            return self.wsgi_app(environ, start_response)  # no cache: the page as ever
        if page is not None:
            return self._answer(page, environ, start_response)
        if method == "HEAD":
            return self.wsgi_app(environ, start_response)
        environ[_PAGE_KEY] = key
        return self._render(environ, start_response)

    def _key(self, version: str | None, page_key: str) -> str:
        return f"{self.fingerprint}:{version}:{page_key}"

    def _current_version(self) -> str | None:
        """The catalogue version, asked of the cache at most once every recheck_seconds."""
        now = time.monotonic()
        if self.version is not None and now < self.checked_at + self.recheck_seconds:
            return self.version
        version = self.backend.get(VERSION_KEY)
        if version is None:
            self.backend.add(VERSION_KEY, secrets.token_hex(8), timeout=0)
            version = self.backend.get(VERSION_KEY)
        self.checked_at = now
        return version

    def _look_up(self, page_key: str) -> tuple[str, CachedPage | None]:
        """The page's key and the kept page: from this process's own copy while the version
        holds, else from the cache."""
        version = self._current_version()
        if version != self.version or len(self.local) >= MOST_LOCAL_PAGES:
            self.version = version
            self.local.clear()
        key = self._key(version, page_key)
        page = self.local.get(key)
        if page is None:
            page = self.backend.get(key)
            if page is not None:
                self.local[key] = page
        return key, page

    def _render(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        answer: dict[str, Any] = {}
        chunks: list[bytes] = []

        def capture(status: str, headers: list, exc_info: Any = None) -> Callable:
            answer.update(status=status, headers=headers)
            return chunks.append

        body_iterable = self.wsgi_app(environ, capture)
        try:
            chunks.extend(body_iterable)
        finally:
            close = getattr(body_iterable, "close", None)
            if close is not None:
                close()
        body = b"".join(chunks)
        status, headers = answer["status"], answer["headers"]
        sets_cookie = any(name.lower() == "set-cookie" for name, _ in headers)
        if environ.get(SHARED_PAGE) and status.startswith("200 ") and not sets_cookie:
            page = make_page(headers, body)
            # Answered all the same if it cannot be kept; the next visitor renders it again.
            with suppress(RedisError, OSError):
                self.backend.set(environ[_PAGE_KEY], page, timeout=PAGE_SECONDS)
            self.local[environ[_PAGE_KEY]] = page
            return self._answer(page, environ, start_response)
        if sets_cookie:
            # The page began a session (a token, a message): it is this visitor's alone.
            headers = [(n, v) for n, v in headers if n.lower() != "cache-control"]
            headers.append(("Cache-Control", "no-store"))
        start_response(status, headers)
        return [body]

    def _answer(self, page: CachedPage, environ: dict, start_response: Callable) -> list[bytes]:
        if _not_modified(environ, page):
            validators = [(n, v) for n, v in page.headers if n in ("ETag", "Last-Modified")]
            start_response("304 Not Modified", [*validators, ("Cache-Control", "no-cache"), _VARY])
            return []
        headers = list(page.headers)
        body = page.body
        if _accepts_gzip(environ):
            body = page.gzipped
            headers.append(("Content-Encoding", "gzip"))
        headers.append(("Content-Length", str(len(body))))
        start_response("200 OK", headers)
        return [] if environ.get("REQUEST_METHOD") == "HEAD" else [body]


def init_page_cache(app: Flask, identify: Identify, manifest: dict) -> None:
    """Put the cache in front of the app (when PUBLIC_PAGE_CACHE is on). Not in debug mode,
    where templates are read again as they are edited: a kept page would hide the edit."""
    if not app.config["PUBLIC_PAGE_CACHE"] or app.debug:
        return
    redis_url = app.config["REDIS_URL"]
    settings = {
        "CACHE_TYPE": "RedisCache" if redis_url else "SimpleCache",
        "CACHE_REDIS_URL": redis_url,
        "CACHE_KEY_PREFIX": "tracker-pages:",
        "CACHE_DEFAULT_TIMEOUT": PAGE_SECONDS,
    }
    if redis_url:
        # A Redis that does not answer must not hold a page up: it is rendered instead.
        settings["CACHE_OPTIONS"] = {"socket_connect_timeout": 1, "socket_timeout": 1}
    # How long a worker trusts the catalogue version it last saw: at a launch's thousands of
    # requests a second, asking Redis once a second instead of each time is most of a hit's
    # cost saved, and a catalogue load shows a second later at most. Tests set 0.
    app.config.setdefault("PUBLIC_PAGE_RECHECK_SECONDS", 1.0)
    page_cache.init_app(app, config=settings)
    backend = app.extensions["cache"][page_cache]
    app.extensions["shared_pages"] = backend
    middleware = SharedPageCache(app, backend, identify, _fingerprint(app, manifest))
    app.wsgi_app = middleware  # type: ignore[method-assign]

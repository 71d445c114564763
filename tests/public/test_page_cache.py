"""The public pages from the cache: what invalidates them, what they answer to a browser
that already has them, and that a visitor's own state never reaches another visitor."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest
from flask import request, request_started, session
from sqlalchemy import event

from tests import services
from tests.applications.conftest import sign_in_applicant
from tests.conftest import rolled_back
from tests.factories import ApplicantFactory
from tracker import clock
from tracker.catalogue.schema import parse_catalogue
from tracker.catalogue.services import load_catalogue
from tracker.extensions import db
from tracker.page_cache import forget_shared_pages
from tracker.public.shared_pages import shared_page_name

ROLE = "/roles/data-analyst-apprentice"
SHARED = ["/", "/roles", "/roles?track=data-analysis&level=4", ROLE]


@pytest.fixture
def cached(make_app):
    """An app with the page cache on, on the test Redis, with the catalogue loaded by the
    real command; every kept page forgotten first."""
    # Every request asks Redis for the catalogue version (a worker asks once a second).
    app = make_app(
        PUBLIC_PAGE_CACHE=True, REDIS_URL=services.TEST_REDIS_URL, PUBLIC_PAGE_RECHECK_SECONDS=0
    )
    with rolled_back(app):
        forget_shared_pages()
        load(app, Path(app.config["CATALOGUE_FILE"]))
        yield app


def load(app, path: Path) -> None:
    result = app.test_cli_runner().invoke(args=["catalogue", "load", str(path)])
    assert result.exit_code == 0, result.output


def renamed_catalogue(app, tmp_path: Path, old: str, new: str) -> Path:
    text = Path(app.config["CATALOGUE_FILE"]).read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "catalogue.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def test_a_catalogue_load_replaces_every_kept_page(cached, tmp_path):
    client = cached.test_client()
    before = {path: client.get(path).get_data(as_text=True) for path in SHARED}
    assert all("Data analysis" in html for html in before.values())
    # The second request is the kept page itself, byte for byte.
    assert client.get(ROLE).get_data(as_text=True) == before[ROLE]

    load(cached, renamed_catalogue(cached, tmp_path, '"Data analysis"', '"Data and insight"'))

    for path in SHARED:
        html = client.get(path).get_data(as_text=True)
        assert "Data and insight" in html and "Data analysis" not in html, path


def test_a_matching_etag_gets_304_and_a_stale_one_the_whole_page(cached, tmp_path):
    client = cached.test_client()
    first = client.get(ROLE)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert first.headers["Cache-Control"] == "no-cache"

    again = client.get(ROLE, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    assert again.headers["ETag"] == etag
    assert client.get(ROLE, headers={"If-Modified-Since": modified}).status_code == 304

    load(cached, renamed_catalogue(cached, tmp_path, "Data analyst apprentice", "Data wrangler"))
    stale = client.get(ROLE, headers={"If-None-Match": etag})
    assert stale.status_code == 200
    assert stale.headers["ETag"] != etag
    assert "Data wrangler" in stale.get_data(as_text=True)


def test_the_first_visitor_also_gets_the_validators(cached):
    client = cached.test_client()
    first = client.get("/roles?level=3")
    assert first.headers["ETag"].startswith('W/"')
    either = 'W/"other", ' + first.headers["ETag"]
    assert client.get("/roles?level=3", headers={"If-None-Match": either}).status_code == 304


def test_a_browser_that_takes_gzip_gets_the_kept_gzip_copy(cached):
    client = cached.test_client()
    plain = client.get("/roles")
    packed = client.get("/roles", headers={"Accept-Encoding": "br, gzip;q=0.8"})
    refused = client.get("/roles", headers={"Accept-Encoding": "gzip;q=0"})

    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"] and "Cookie" in packed.headers["Vary"]
    assert gzip.decompress(packed.get_data()) == plain.get_data()
    assert int(packed.headers["Content-Length"]) < len(plain.get_data()) / 3
    assert "Content-Encoding" not in refused.headers


def test_a_kept_page_sends_the_security_headers_and_no_cookie(cached):
    client = cached.test_client()
    client.get("/")
    kept = client.get("/", base_url="https://tracker.test")

    assert kept.headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert "nonce" not in kept.headers["Content-Security-Policy"]
    assert kept.headers["X-Frame-Options"] == "DENY"
    assert kept.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    # The http page was kept apart: HSTS is for https answers only.
    assert "Strict-Transport-Security" not in client.get("/").headers
    assert "Set-Cookie" not in kept.headers
    assert client.get_cookie("session") is None


def test_a_signed_in_applicant_never_gets_nor_leaves_a_kept_page(cached):
    client = cached.test_client()
    anonymous = client.get(ROLE).get_data(as_text=True)
    assert "Sign out" not in anonymous

    signed_in = cached.test_client()
    sign_in_applicant(signed_in, ApplicantFactory())
    own = signed_in.get(ROLE)
    html = own.get_data(as_text=True)
    assert "Sign out" in html and 'name="csrf_token"' in html
    assert own.headers["Cache-Control"] == "no-store"
    assert "ETag" not in own.headers

    # Nor was the signed-in page kept for the next visitor.
    assert client.get(ROLE).get_data(as_text=True) == anonymous
    assert "csrf_token" not in anonymous


def test_a_visitor_with_a_session_gets_a_page_of_their_own(cached):
    # A session may hold a flash message, or name who is signed in: such a page is
    # rendered for its visitor, never answered from the cache nor kept in it.
    client = cached.test_client()
    anonymous = client.get(ROLE)
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "Your application was sent")]

    own = client.get(ROLE)
    assert own.headers["Cache-Control"] == "no-store"
    assert "ETag" not in own.headers
    assert client.get_cookie("session") is not None
    other = cached.test_client().get(ROLE)
    assert other.get_data() == anonymous.get_data()
    assert other.headers["ETag"] == anonymous.headers["ETag"]


def test_filters_in_any_order_are_one_page_and_nonsense_is_not_kept():
    same = [
        "level=4&track=data-analysis",
        "track=data-analysis&level=4&utm_source=x",
        "level=4&level=4&track=data-analysis&level=9",
    ]
    assert {shared_page_name("/roles", query) for query in same} == {
        "/roles?level=4&track=data-analysis"
    }
    assert shared_page_name("/", "anything=1") == "/"
    assert shared_page_name("/roles", "track=<script>") is None
    assert shared_page_name("/roles/Data%20Analyst", "") is None
    assert shared_page_name("/accessibility", "") is None


def test_without_redis_the_pages_are_rendered_as_ever(make_app):
    app = make_app(PUBLIC_PAGE_CACHE=True, REDIS_URL="redis://127.0.0.1:9/0")
    with rolled_back(app):
        path = app.config["CATALOGUE_FILE"]
        text = Path(path).read_text(encoding="utf-8")
        load_catalogue(document=parse_catalogue(text, source=path, today=clock.today()))
        db.session.flush()
        response = app.test_client().get(ROLE)
    assert response.status_code == 200
    assert re.search(r"<h1[^>]*>\s*Data analyst apprentice", response.get_data(as_text=True))


def test_a_load_that_cannot_reach_the_cache_says_so(make_app):
    app = make_app(PUBLIC_PAGE_CACHE=True, REDIS_URL="redis://127.0.0.1:9/0")
    with rolled_back(app):
        path = app.config["CATALOGUE_FILE"]
        result = app.test_cli_runner().invoke(args=["catalogue", "load", path])
    assert result.exit_code == 1
    assert "Campaign" in result.output  # loaded and committed all the same
    assert "page cache could not be told" in result.output


def test_without_redis_make_run_keeps_pages_in_its_own_process(make_app, tmp_path):
    app = make_app(PUBLIC_PAGE_CACHE=True, REDIS_URL=None, PUBLIC_PAGE_RECHECK_SECONDS=0)
    with rolled_back(app):
        load(app, Path(app.config["CATALOGUE_FILE"]))
        client = app.test_client()
        first = client.get(ROLE)
        assert client.get(ROLE, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304

        load(app, renamed_catalogue(app, tmp_path, '"Data analysis"', '"Data and insight"'))
        assert "Data and insight" in client.get(ROLE).get_data(as_text=True)
    assert type(app.extensions["shared_pages"]).__name__ == "SimpleCache"


def test_in_debug_mode_pages_are_never_kept(make_app):
    # Templates are read again as they are edited there: a kept page would hide the edit.
    app = make_app(PUBLIC_PAGE_CACHE=True, REDIS_URL=services.TEST_REDIS_URL, DEBUG=True)
    assert "shared_pages" not in app.extensions


def test_a_kept_page_is_answered_without_flask_or_the_database(cached):
    client = cached.test_client()
    queries, requests = [], []

    def count(connection, cursor, statement, *args):
        queries.append(statement)

    def started(sender, **extra):
        requests.append(sender)

    event.listen(db.engine, "before_cursor_execute", count)
    request_started.connect(started, cached)
    try:
        client.get("/roles?track=data-analysis")
        assert requests and queries  # the first visitor's page is rendered
        requests.clear()
        queries.clear()
        kept = client.get("/roles?track=data-analysis")
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
        request_started.disconnect(started, cached)
    assert kept.status_code == 200 and "Data analysis" in kept.get_data(as_text=True)
    # No request for Flask (so no session, user, rate limit or header hooks), no query.
    assert requests == []
    assert queries == []


def test_head_gets_the_kept_headers_and_a_missing_role_is_never_kept(cached):
    client = cached.test_client()
    page = client.get(ROLE)
    head = client.head(ROLE)
    assert head.status_code == 200 and head.get_data() == b""
    assert head.headers["ETag"] == page.headers["ETag"]
    assert int(head.headers["Content-Length"]) == len(page.get_data())

    for _ in range(2):
        missing = client.get("/roles/no-such-role")
        assert missing.status_code == 404
        assert "ETag" not in missing.headers
        assert missing.headers["Cache-Control"] == "no-store"


def test_a_shared_page_that_starts_a_session_is_neither_kept_nor_revalidatable(cached):
    @cached.before_request
    def remember_a_visit():  # as a page that used the session would
        if request.path == "/roles":
            session["visited"] = True

    client = cached.test_client()
    first = client.get("/roles")
    assert "Set-Cookie" in first.headers
    assert first.headers["Cache-Control"] == "no-store"
    assert "ETag" not in first.headers
    fresh = cached.test_client().get("/roles")
    assert "Set-Cookie" in fresh.headers and "ETag" not in fresh.headers

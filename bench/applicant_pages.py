"""Time the applicant's pages and saves against PostgreSQL, through the real forms.

Run: .venv/bin/python bench/applicant_pages.py [--requests N]
Creates and drops its own database; prints a Markdown table for docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("TRACKER_ENV", "test")

from flask_migrate import upgrade
from sqlalchemy import select

from tests import services
from tests.applications.journey import SECTION_ANSWERS
from tests.conftest import isolate_request_globals
from tracker import clock, create_app
from tracker.accounts.tokens import new_token, token_hash
from tracker.applicants.models import SignInLink
from tracker.applications.models import Application
from tracker.catalogue.models import Role
from tracker.catalogue.schema import parse_catalogue
from tracker.catalogue.services import load_catalogue
from tracker.extensions import db

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _token(client, path: str) -> str:
    return CSRF.search(client.get(path).get_data(as_text=True)).group(1)


def _timed(label, requests, call, expect):
    for _ in range(10):
        call()
    timings = []
    for _ in range(requests):
        start = time.perf_counter()
        status = call().status_code
        timings.append(time.perf_counter() - start)
        assert status == expect, (label, status)
    timings.sort()
    median = statistics.median(timings) * 1000
    p95 = timings[int(len(timings) * 0.95) - 1] * 1000
    print(
        f"| {label} | {requests} | {median:.1f} | {p95:.1f} | {len(timings) / sum(timings):.0f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()

    name = f"tracker_bench_{uuid.uuid4().hex[:8]}"
    url = services.create_database(name)
    try:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": url,
                "REDIS_URL": services.TEST_REDIS_URL,
                "APPLICANT_LINK_LIMIT_PER_EMAIL": "100000 per hour",
                "APPLICANT_LINK_LIMIT_PER_IP": "100000 per hour",
            }
        )
        # The benchmark holds an app context open, as the tests do: give each request its own g.
        isolate_request_globals(app)
        client = app.test_client()
        with app.app_context():
            upgrade()
            path = app.config["CATALOGUE_FILE"]
            text = Path(path).read_text()
            load_catalogue(document=parse_catalogue(text, source=path, today=clock.today()))
            token = new_token()
            db.session.add(
                SignInLink(
                    email="bench@example.com",
                    token_hash=token_hash(token),
                    created_at=clock.utcnow(),
                    expires_at=clock.utcnow() + timedelta(minutes=30),
                )
            )
            db.session.commit()
            role = db.session.scalars(
                select(Role).where(Role.slug == "data-analyst-apprentice")
            ).one()
            criteria = [(c.id, c.text) for c in role.essential_criteria]
            client.get(f"/applicant/sign-in/{token}")
            continue_path = "/applicant/sign-in/continue"
            signed_in = client.post(
                continue_path, data={"csrf_token": _token(client, continue_path)}
            )
            apply_path = f"/roles/{role.slug}/apply"
            started = client.post(apply_path, data={"csrf_token": _token(client, apply_path)})
            assert (signed_in.status_code, started.status_code) == (302, 302), (
                signed_in.status_code,
                started.status_code,
                started.get_data(as_text=True)[:2000],
            )
            application_id = db.session.scalars(select(Application.id)).one()
            base = f"/applications/{application_id}"
            csrf = _token(client, base + "/personal-details")
            personal = {**SECTION_ANSWERS["personal-details"], "csrf_token": csrf}
            answers = {f"answer_{cid}": f"An example: {text}" for cid, text in criteria}

            print("| request | requests | median ms | p95 ms | requests/s (one process) |")
            print("| --- | ---: | ---: | ---: | ---: |")
            _timed("GET task list", args.requests, lambda: client.get(base), 200)
            _timed(
                "POST personal details (save)",
                args.requests,
                lambda: client.post(base + "/personal-details", data=personal),
                302,
            )
            _timed(
                "POST role questions (save)",
                args.requests,
                lambda: client.post(base + "/questions", data={**answers, "csrf_token": csrf}),
                302,
            )
            for section, data in SECTION_ANSWERS.items():
                client.post(f"{base}/{section}", data={**data, "csrf_token": csrf})
            client.post(base + "/cv", data={"skip": "y", "csrf_token": csrf})
            _timed(
                "GET check your answers", args.requests, lambda: client.get(base + "/check"), 200
            )
            _timed("GET dashboard", args.requests, lambda: client.get("/applications"), 200)
            db.session.remove()
            db.engine.dispose()
    finally:
        services.flush_test_redis()
        services.drop_database(name)


if __name__ == "__main__":
    main()

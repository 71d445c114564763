"""Time the pipeline list (a role's candidates page) with 1,000 and 100,000 applications.

Half the applications in a scoring stage carry an average score (as submit_scorecard keeps it)
and about one in ten of those was scored by the signed-in manager, so "your score" and
"not scored by me" have rows to find.

Run: .venv/bin/python bench/pipeline_list.py [--sizes 1000 100000] [--requests N]
Creates and drops its own database; prints a Markdown table for docs/performance.md, then the
issue's rows: each measured page at the largest size beside the same page at the smallest,
in the same run (``rows()`` returns them for `make bench`).
"""

from __future__ import annotations

import argparse
import html
import os
import random
import re
import statistics
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("TRACKER_ENV", "test")

from flask import Flask, current_app
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import insert, select, text

from bench.sql_floor import Recorder, time_sql
from tests import services
from tests.conftest import isolate_request_globals
from tests.factories import PASSWORD, UserFactory
from tracker import clock, create_app
from tracker.accounts.models import StaffRole
from tracker.applicants.models import Applicant
from tracker.applications import counts
from tracker.applications.models import Application
from tracker.applications.states import SCORING, Status
from tracker.catalogue.models import Role
from tracker.catalogue.schema import parse_catalogue
from tracker.catalogue.services import load_catalogue
from tracker.extensions import db
from tracker.screening.models import Score, Scorecard

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
NEXT = re.compile(r'<a class="govuk-link govuk-pagination__link" href="([^"]+)" rel="next">')
STAGES = [Status.SUBMITTED, Status.SIFT, Status.ASSESSMENT, Status.INTERVIEW, Status.UNSUCCESSFUL]


def _score(rows, manager_id: int, rng: random.Random) -> None:
    """Scorecards for about a tenth of the scored applications, by the signed-in manager."""
    cards = [
        {
            "application_id": application_id,
            "reviewer_id": manager_id,
            "reviewer_label": "Bench manager",
            "submitted_at": clock.utcnow(),
        }
        for application_id, status in rows
        if status in SCORING and rng.random() < 0.1
    ]
    if not cards:
        return
    card_ids = db.session.execute(insert(Scorecard).returning(Scorecard.id), cards).scalars()
    db.session.execute(
        insert(Score),
        [
            {
                "scorecard_id": card_id,
                "essential": True,
                "position": 1,
                "criterion": "Problem solving",
                "score": rng.randrange(1, 5),
                "evidence": "",
            }
            for card_id in card_ids
        ],
    )


def _fill(total: int, already: int, role_ids: list[int], manager_id: int) -> None:
    """Add applications until there are ``total``, spread over the roles and stages."""
    now = clock.utcnow()
    rng = random.Random(already)
    batch = 5000
    for start in range(already, total, batch):
        count = min(batch, total - start)
        applicants = (
            db.session.execute(
                insert(Applicant).returning(Applicant.id),
                [{"email": f"bench{start + i}@example.com"} for i in range(count)],
            )
            .scalars()
            .all()
        )
        ids = db.session.execute(
            insert(Application).returning(Application.id, Application.status),
            [
                {
                    "applicant_id": applicant_id,
                    "role_id": rng.choice(role_ids),
                    "status": rng.choice(STAGES),
                    "reference": f"B{start + i:07d}",
                    "version": 1,
                    "completed_sections": [],
                    "eligibility_findings": [],
                    "needs_hr_check": rng.random() < 0.1,
                    "disability_confident": rng.random() < 0.05,
                    "submitted_at": now - timedelta(minutes=rng.randrange(60 * 24 * 60)),
                    "status_changed_at": now - timedelta(minutes=rng.randrange(60 * 24 * 30)),
                    "preference": rng.choice([1, 1, 2, 3]),
                    "score_average": Decimal(rng.randrange(100, 401)) / 100 if scored else None,
                    "score_count": rng.randint(1, 3) if scored else 0,
                }
                for i, (applicant_id, scored) in enumerate(
                    (a, rng.random() < 0.5) for a in applicants
                )
            ],
        ).all()
        _score(ids, manager_id, rng)
        db.session.commit()
    # What beat's fold does every minute: the inserts' appended counts summed per group.
    counts.fold(current_app.config["WAITING_DAYS"])
    db.session.commit()
    db.session.execute(text("ANALYZE"))
    db.session.commit()


def _follow_next(client, path: str, times: int) -> str:
    """The page ``times`` pages on from ``path``, through its "Next" links (keyset links), or
    the last there is (at 1,000 applications a role has too few flagged for a page 3: the
    page by number has always been clamped to the last)."""
    for _ in range(times):
        found = NEXT.search(client.get(path).get_data(as_text=True))
        if found is None:
            break
        path = html.unescape(found.group(1))
    return path


# What the table measures (the first page, and a flagged page deep in the list), and
# the other sorts and filters the list offers.
MEASURED = ("first page, all stages", "flagged, page 3")


def _paths(base: str) -> list[tuple[str, str]]:
    return [
        ("first page, all stages", base),
        ("one stage, sorted by waiting", f"{base}?status=sift&sort=waiting"),
        ("flagged, page 3", f"{base}?flag=hr_check"),  # followed to page 3 at each size
        ("page 20, newest first", f"{base}?sort=newest"),  # followed to page 20
        ("by reference", f"{base}?reference=B0000001"),
        ("sorted by score", f"{base}?sort=score"),
        ("in sift by score, not scored by me", f"{base}?status=sift&sort=score&unscored=1"),
        ("score 3 or more, by preference", f"{base}?score_min=3&sort=preference"),
    ]


DEEP = {"flagged, page 3": 2, "page 20, newest first": 19}


@dataclass
class Site:
    """One size's own database, app and signed-in client."""

    size: int
    name: str
    app: Flask
    client: FlaskClient
    base: str


def _site(size: int) -> Site:
    name = f"tracker_bench_{uuid.uuid4().hex[:8]}"
    url = services.create_database(name)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "REDIS_URL": services.TEST_REDIS_URL})
    isolate_request_globals(app)
    client = app.test_client()
    with app.app_context():
        upgrade()
        path = app.config["CATALOGUE_FILE"]
        load_catalogue(
            document=parse_catalogue(Path(path).read_text(), source=path, today=clock.today())
        )
        role = db.session.scalars(select(Role).where(Role.slug == "data-analyst-apprentice")).one()
        role_ids = list(db.session.scalars(select(Role.id)))
        manager = UserFactory(roles=[StaffRole.HIRING_MANAGER], tracks=[role.track])
        db.session.commit()
        page = client.get("/staff/sign-in").get_data(as_text=True)
        client.post(
            "/staff/sign-in",
            data={
                "email": manager.email,
                "password": PASSWORD,
                "csrf_token": CSRF.search(page).group(1),
            },
        )
        base = f"/staff/roles/{role.id}/candidates"
        _fill(size, 0, role_ids, manager.id)
        db.session.remove()
        return Site(size, name, app, client, base)


def _interleaved(sites: list[Site], targets: list[str], requests: int) -> list[list[float]]:
    """Each size's page timed in turn, request by request, so a busy moment on the machine
    falls on every size alike: the ratio between them is what the run measures."""
    for site, target in zip(sites, targets, strict=True):
        for _ in range(5):
            assert site.client.get(target).status_code == 200
    timings: list[list[float]] = [[] for _ in sites]
    for _ in range(requests):
        for i, (site, target) in enumerate(zip(sites, targets, strict=True)):
            start = time.perf_counter()
            response = site.client.get(target)
            timings[i].append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, response.status_code
    return [sorted(t) for t in timings]


def measure(sizes: list[int], requests: int) -> list[dict]:
    """Every page at every size, in one run: a database of each size side by side, the same
    page on each timed in turn. Each result has the size, page, median and p95 ms, queries,
    and its SQL alone (ms)."""
    sites: list[Site] = []
    results = []
    try:
        for size in sizes:
            sites.append(_site(size))
        for label, query in _paths(""):
            targets = [_follow_next(s.client, s.base + query, DEEP.get(label, 0)) for s in sites]
            timings = _interleaved(sites, targets, requests)
            for site, target, timed in zip(sites, targets, timings, strict=True):
                with site.app.app_context():
                    statements = Recorder(db.engine).record(site.client, target)
                    floor, _ = time_sql(db.engine, statements, requests)
                results.append(
                    {
                        "size": site.size,
                        "page": label,
                        "median": statistics.median(timed),
                        "p95": timed[max(0, int(len(timed) * 0.95) - 1)],
                        "queries": len(statements),
                        "sql": floor,
                    }
                )
    finally:
        for site in sites:
            with site.app.app_context():
                db.session.remove()
                db.engine.dispose()
            services.drop_database(site.name)
        services.flush_test_redis()
    return sorted(results, key=lambda r: r["size"])


def rows(quick: bool = False) -> list[dict]:
    """The issue's rows: each measured page at 100,000 applications beside the same page at
    1,000, in one run (quick: 10,000 beside 1,000, fewer requests)."""
    small, large = (1_000, 10_000) if quick else (1_000, 100_000)
    results = measure([small, large], 10 if quick else 30)
    return [_row(results, label, small, large) for label in MEASURED]


def _row(results: list[dict], label: str, small: int, large: int) -> dict:
    at = {r["size"]: r for r in results if r["page"] == label}
    ratio = at[large]["median"] / at[small]["median"]
    return {
        "what": f"a role's candidate list ({label}), {large:,} vs {small:,} applications",
        "measured": f"{at[small]['median']:.1f} → {at[large]['median']:.1f} ms",
        "limit": f"the same page at {small:,}: {at[small]['median']:.1f} ms",
        "ratio": round(ratio, 2),
        "target": "<= 1.2x",
        "met": ratio <= 1.2,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 100_000])
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()
    results = measure(args.sizes, args.requests)
    print(
        "| applications | page | median ms | p95 ms | queries "
        "| its SQL alone, median ms | page / SQL |"
    )
    print("| ---: | --- | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        print(
            f"| {r['size']:,} | {r['page']} | {r['median']:.1f} | {r['p95']:.1f} "
            f"| {r['queries']} | {r['sql']:.1f} | {r['median'] / r['sql']:.1f} |"
        )
    small, large = args.sizes[0], args.sizes[-1]
    print()
    for label in MEASURED:
        row = _row(results, label, small, large)
        print(f"{row['what']}: {row['measured']}, {row['ratio']}x (target {row['target']})")


if __name__ == "__main__":
    main()

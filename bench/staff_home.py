"""Time the staff home (GET /staff/, the work queue) for HR and for a hiring manager, with
1,000 and 100,000 applications, and count its SQL queries.

Run: .venv/bin/python bench/staff_home.py [--sizes 1000 100000] [--requests N]
Creates and drops its own database; prints a Markdown table for docs/performance.md, then the
issue's rows: the home at the largest size beside the same home at the smallest, in the same
run (``rows()`` returns them for `make bench`).

The applications are spread over every role and stage, with what the queue lines count:
submitted scorecards (by the manager measured, and by another), assessment and interview
bookings (some this week), offers with conditions (some unanswered, some outstanding), and
eligibility flags. Beside each figure, the same SQL statements run alone (bench/sql_floor.py):
what the database must do for the page, whatever the code around it.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("TRACKER_ENV", "test")

import pyotp
from flask import Flask, current_app
from flask_migrate import upgrade
from sqlalchemy import event, insert, select, text

from bench.sql_floor import Recorder, time_sql
from tests import services
from tests.conftest import isolate_request_globals
from tests.factories import PASSWORD, UserFactory
from tracker import clock, create_app
from tracker.accounts.models import StaffRole
from tracker.applicants.models import Applicant
from tracker.applications import counts
from tracker.applications.models import Application
from tracker.applications.states import Status
from tracker.catalogue.models import Role
from tracker.catalogue.schema import parse_catalogue
from tracker.catalogue.services import load_catalogue
from tracker.extensions import db
from tracker.offers.models import ConditionKind, Offer, OfferCondition
from tracker.scheduling.models import Booking, Slot, SlotKind
from tracker.screening.models import Score, Scorecard

WHO = ("HR", "hiring manager (one track)")
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
STAGES = {
    Status.SUBMITTED: 20,
    Status.SIFT: 30,
    Status.ASSESSMENT: 12,
    Status.INTERVIEW: 8,
    Status.OFFER: 3,
    Status.PRE_EMPLOYMENT_CHECKS: 3,
    Status.HIRED: 2,
    Status.UNSUCCESSFUL: 22,
}
SCORING = (Status.SIFT, Status.ASSESSMENT, Status.INTERVIEW)
DENORMALISE_SCORES = """
UPDATE application SET score_average = s.average, score_count = s.reviewers
FROM (
    SELECT sc.application_id, round(avg(ss.score)::numeric, 2) AS average,
           count(DISTINCT sc.id) AS reviewers
    FROM scorecard sc JOIN scorecard_score ss ON ss.scorecard_id = sc.id
    WHERE sc.submitted_at IS NOT NULL
    GROUP BY sc.application_id
) AS s
WHERE application.id = s.application_id
"""


def _slots(role_ids: list[int]) -> dict[tuple[int, SlotKind], list[int]]:
    """Per role and kind, a slot last week, one this week and one next month."""
    now = clock.utcnow()
    slots: dict[tuple[int, SlotKind], list[int]] = {}
    for role_id in role_ids:
        for kind in SlotKind:
            for days in (-7, 2, 30):
                slot_id = db.session.scalar(
                    insert(Slot)
                    .values(
                        role_id=role_id,
                        kind=kind,
                        starts_at=now + timedelta(days=days),
                        minutes=45,
                        place="Committee room 2, Town Hall",
                        capacity=100_000,
                        booked=0,
                        created_by="bench",
                    )
                    .returning(Slot.id)
                )
                slots.setdefault((role_id, kind), []).append(slot_id)
    db.session.commit()
    return slots


def _fill(total: int, already: int, role_ids, reviewers, slots) -> None:
    """Add applications (and their scorecards, bookings and offers) until there are
    ``total``."""
    now = clock.utcnow()
    rng = random.Random(already)
    stages, weights = list(STAGES), list(STAGES.values())
    batch = 5000
    for start in range(already, total, batch):
        count = min(batch, total - start)
        applicants = (
            db.session.execute(
                insert(Applicant).returning(Applicant.id),
                [{"email": f"home{start + i}@example.com"} for i in range(count)],
            )
            .scalars()
            .all()
        )
        rows = []
        for i, applicant_id in enumerate(applicants):
            submitted = now - timedelta(minutes=rng.randrange(60 * 24 * 60))
            rows.append(
                {
                    "applicant_id": applicant_id,
                    "role_id": rng.choice(role_ids),
                    "status": rng.choices(stages, weights)[0],
                    "status_changed_at": submitted + (now - submitted) * rng.random(),
                    "preference": 1,
                    "reference": f"H{start + i:07d}",
                    "version": 1,
                    "completed_sections": [],
                    "eligibility_findings": [],
                    "needs_hr_check": rng.random() < 0.1,
                    "disability_confident": rng.random() < 0.05,
                    "needs_adjustments": rng.random() < 0.1,
                    "submitted_at": submitted,
                }
            )
        ids = db.session.execute(insert(Application).returning(Application.id), rows).scalars()
        made = list(zip(ids, rows, strict=True))
        cards = [
            {
                "application_id": app_id,
                "reviewer_id": reviewer,
                "reviewer_label": "bench",
                "submitted_at": now - timedelta(minutes=rng.randrange(60 * 24 * 10)),
            }
            for app_id, row in made
            if row["status"] in SCORING
            for reviewer in reviewers
            if rng.random() < 0.4
        ]
        if cards:
            card_ids = db.session.execute(insert(Scorecard).returning(Scorecard.id), cards)
            db.session.execute(
                insert(Score),
                [
                    {
                        "scorecard_id": card_id,
                        "essential": True,
                        "position": position,
                        "criterion": f"Criterion {position}",
                        "score": rng.randint(1, 4),
                        "evidence": "",
                    }
                    for card_id in card_ids.scalars()
                    for position in (1, 2, 3)
                ],
            )
        bookings = [
            {
                "slot_id": rng.choice(slots[(row["role_id"], kind)]),
                "application_id": app_id,
                "kind": kind,
                "booked_at": now,
            }
            for app_id, row in made
            for kind in [
                {Status.ASSESSMENT: SlotKind.ASSESSMENT, Status.INTERVIEW: SlotKind.INTERVIEW}.get(
                    row["status"]
                )
            ]
            if kind is not None and rng.random() < 0.6
        ]
        if bookings:
            db.session.execute(insert(Booking), bookings)
        offered = [
            (app_id, row)
            for app_id, row in made
            if row["status"] in (Status.OFFER, Status.PRE_EMPLOYMENT_CHECKS, Status.HIRED)
        ]
        if offered:
            offer_ids = db.session.execute(
                insert(Offer).returning(Offer.id),
                [
                    {
                        "application_id": app_id,
                        "starts_on": (now + timedelta(days=60)).date(),
                        "made_at": row["status_changed_at"],
                        "made_by": "bench",
                    }
                    for app_id, row in offered
                ],
            ).scalars()
            db.session.execute(
                insert(OfferCondition),
                [
                    {
                        "offer_id": offer_id,
                        "kind": kind,
                        "met_at": now
                        if row["status"] is Status.HIRED or rng.random() < 0.5
                        else None,
                    }
                    for offer_id, (_, row) in zip(offer_ids, offered, strict=True)
                    for kind in ConditionKind
                ],
            )
        db.session.commit()
    # The denormalised scores submit_scorecard keeps, set here for the bulk-inserted scorecards.
    db.session.execute(text(DENORMALISE_SCORES))
    db.session.commit()
    # What beat's fold does every minute: the inserts' appended counts summed per group.
    counts.fold(current_app.config["WAITING_DAYS"])
    db.session.commit()
    db.session.execute(text("ANALYZE"))
    db.session.commit()


class QueryCounter:
    def __init__(self, engine):
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._count)

    def _count(self, *args, **kwargs):
        self.count += 1


def _time(client, path: str, requests: int, counter: QueryCounter | None = None):
    for _ in range(5):
        assert client.get(path).status_code == 200
    timings, queries = [], []
    for _ in range(requests):
        before = counter.count if counter else 0
        start = time.perf_counter()
        response = client.get(path)
        timings.append(time.perf_counter() - start)
        queries.append((counter.count if counter else 0) - before)
        assert response.status_code == 200, response.status_code
    timings.sort()
    return (
        statistics.median(timings) * 1000,
        timings[int(len(timings) * 0.95) - 1] * 1000,
        max(queries),
    )


def _sign_in(client, email: str, totp_secret: str | None = None) -> None:
    page = client.get("/staff/sign-in").get_data(as_text=True)
    client.post(
        "/staff/sign-in",
        data={"email": email, "password": PASSWORD, "csrf_token": CSRF.search(page).group(1)},
    )
    if totp_secret:
        page = client.get("/staff/sign-in/security-code").get_data(as_text=True)
        client.post(
            "/staff/sign-in/security-code",
            data={
                "code": pyotp.TOTP(totp_secret).now(),
                "csrf_token": CSRF.search(page).group(1),
            },
        )
    assert client.get("/staff/").status_code == 200, f"{email} is not signed in"


def _bare_client():
    bare = Flask("bare")
    bare.add_url_rule("/", "home", lambda: "<!doctype html><title>Home</title><h1>Home</h1>")
    return bare.test_client()


@dataclass
class Site:
    """One size's own database, app and a signed-in client per user."""

    size: int
    name: str
    app: Flask
    clients: dict


def _site(size: int) -> Site:
    name = f"tracker_bench_{uuid.uuid4().hex[:8]}"
    url = services.create_database(name)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "REDIS_URL": services.TEST_REDIS_URL})
    isolate_request_globals(app)
    with app.app_context():
        upgrade()
        path = app.config["CATALOGUE_FILE"]
        load_catalogue(
            document=parse_catalogue(Path(path).read_text(), source=path, today=clock.today())
        )
        role = db.session.scalars(select(Role).where(Role.slug == "data-analyst-apprentice")).one()
        role_ids = list(db.session.scalars(select(Role.id)))
        manager = UserFactory(roles=[StaffRole.HIRING_MANAGER], tracks=[role.track])
        colleague = UserFactory(roles=[StaffRole.HIRING_MANAGER], tracks=[role.track])
        hr = UserFactory(roles=[StaffRole.ADMIN])
        db.session.commit()
        users = {WHO[0]: (hr.email, hr.totp_secret), WHO[1]: (manager.email, None)}
        reviewers = [manager.id, colleague.id]
        slots = _slots(role_ids)
        clients = {}
        for label, (email, secret) in users.items():
            clients[label] = app.test_client()
            _sign_in(clients[label], email, secret)
        _fill(size, 0, role_ids, reviewers, slots)
        db.session.remove()
    return Site(size, name, app, clients)


def measure(sizes: list[int], requests: int) -> list[dict]:
    """The home for each user, in one run: a database of each size side by side, the same
    user's home on each timed in turn, request by request, so a busy moment on the machine
    falls on every size alike; first a bare Flask app's page (size None). Each result has the
    size, who, median and p95 ms, queries, and its SQL alone (ms)."""
    sites: list[Site] = []
    results = []
    try:
        median, p95, _ = _time(_bare_client(), "/", requests)
        results.append({"size": None, "who": "bare Flask app", "median": median, "p95": p95})
        for size in sizes:
            sites.append(_site(size))
        for who in WHO:
            for site in sites:
                for _ in range(5):
                    assert site.clients[who].get("/staff/").status_code == 200
            timings: list[list[float]] = [[] for _ in sites]
            for _ in range(requests):
                for i, site in enumerate(sites):
                    start = time.perf_counter()
                    assert site.clients[who].get("/staff/").status_code == 200
                    timings[i].append((time.perf_counter() - start) * 1000)
            for site, timed in zip(sites, timings, strict=True):
                timed.sort()
                with site.app.app_context():
                    statements = Recorder(db.engine).record(site.clients[who], "/staff/")
                    floor, _ = time_sql(db.engine, statements, requests)
                results.append(
                    {
                        "size": site.size,
                        "who": who,
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
    return sorted(results, key=lambda r: r["size"] or 0)


def rows(quick: bool = False) -> list[dict]:
    """The issue's rows: the home for HR and for a hiring manager at 100,000 applications
    beside the same page at 1,000, in one run (quick: 10,000 beside 1,000)."""
    small, large = (1_000, 10_000) if quick else (1_000, 100_000)
    results = measure([small, large], 10 if quick else 30)
    return [_row(results, who, small, large) for who in WHO]


def _row(results: list[dict], who: str, small: int, large: int) -> dict:
    at = {r["size"]: r for r in results if r["who"] == who}
    ratio = at[large]["median"] / at[small]["median"]
    return {
        "what": f"the staff home ({who}), {large:,} vs {small:,} applications",
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
        "| applications | who | median ms | p95 ms | SQL queries "
        "| its SQL alone, median ms | page / SQL |"
    )
    print("| ---: | --- | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        if r["size"] is None:
            print(f"| - | {r['who']} | {r['median']:.1f} | {r['p95']:.1f} | 0 | - | - |")
            continue
        print(
            f"| {r['size']:,} | {r['who']} | {r['median']:.1f} | {r['p95']:.1f} "
            f"| {r['queries']} | {r['sql']:.1f} | {r['median'] / r['sql']:.1f} |"
        )
    print()
    for who in WHO:
        row = _row(results, who, args.sizes[0], args.sizes[-1])
        print(f"{row['what']}: {row['measured']}, {row['ratio']}x (target {row['target']})")


if __name__ == "__main__":
    main()

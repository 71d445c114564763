"""Time the reports that explain (and the funnel, for scale) on a campaign of 1,000 and 10,000
applications, each with the timeline its stage implies.

Run: .venv/bin/python bench/report_pages.py [--sizes 1000 10000] [--requests N]
Creates and drops its own database; prints a Markdown table for docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("TRACKER_ENV", "test")

import pyotp
from flask_migrate import upgrade
from sqlalchemy import insert, select, text

from tests import services
from tests.conftest import isolate_request_globals
from tests.factories import UserFactory
from tests.helpers import sign_in_as
from tracker import clock, create_app
from tracker.accounts.models import StaffRole
from tracker.applicants.models import Applicant
from tracker.applications.forms import HEARD_ABOUT
from tracker.applications.models import Application, TimelineEntry
from tracker.applications.states import REJECTION_REASONS, Status
from tracker.catalogue.models import Campaign, Role
from tracker.catalogue.schema import parse_catalogue
from tracker.catalogue.services import load_catalogue
from tracker.extensions import db

S = Status
# Each status, and the stages an application passed through to reach it.
PATHS = {
    S.SUBMITTED: [],
    S.SIFT: [S.SIFT],
    S.INTERVIEW: [S.SIFT, S.INTERVIEW],
    S.OFFER: [S.SIFT, S.INTERVIEW, S.OFFER],
    S.HIRED: [S.SIFT, S.ASSESSMENT, S.INTERVIEW, S.OFFER, S.PRE_EMPLOYMENT_CHECKS, S.HIRED],
    S.OFFER_DECLINED: [S.SIFT, S.INTERVIEW, S.OFFER, S.OFFER_DECLINED],
    S.UNSUCCESSFUL: [S.SIFT, S.UNSUCCESSFUL],
    S.WITHDRAWN: [S.SIFT, S.WITHDRAWN],
}
WEIGHTS = [30, 20, 10, 3, 4, 2, 25, 6]


def _fill(total: int, already: int, role_ids: list[int]) -> None:
    now = clock.utcnow()
    rng = random.Random(already)
    batch = 2000
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
        statuses = rng.choices(list(PATHS), weights=WEIGHTS, k=count)
        submitted = [now - timedelta(minutes=rng.randrange(60 * 24 * 90)) for _ in range(count)]
        rows = db.session.execute(
            insert(Application).returning(Application.id),
            [
                {
                    "applicant_id": applicant_id,
                    "role_id": rng.choice(role_ids),
                    "status": status,
                    "reference": f"B{start + i:07d}",
                    "version": 1,
                    "completed_sections": [],
                    "eligibility_findings": [],
                    "heard_about": rng.choice([None, *HEARD_ABOUT]),
                    "submitted_at": at,
                    "withdrawn_at": at if status is S.WITHDRAWN else None,
                    "withdrawal_reason": "personal" if status is S.WITHDRAWN else None,
                }
                for i, (applicant_id, status, at) in enumerate(
                    zip(applicants, statuses, submitted, strict=True)
                )
            ],
        ).scalars()
        entries = []
        for application_id, status, at in zip(rows, statuses, submitted, strict=True):
            before = S.SUBMITTED
            for step in PATHS[status]:
                at += timedelta(hours=rng.randint(12, 24 * 10))
                codes = (
                    rng.sample(list(REJECTION_REASONS)[:-1], 2) if step is S.UNSUCCESSFUL else []
                )
                entries.append(
                    {
                        "application_id": application_id,
                        "occurred_at": at,
                        "event": "bench",
                        "from_status": before,
                        "to_status": step,
                        "actor_label": "bench",
                        "reasons": codes,
                    }
                )
                before = step
        if entries:
            db.session.execute(insert(TimelineEntry), entries)
        db.session.commit()
    db.session.execute(text("ANALYZE"))
    db.session.commit()


def _time(client, path: str, requests: int) -> tuple[float, float]:
    for _ in range(2):
        assert client.get(path).status_code == 200, path
    timings = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(path)
        timings.append(time.perf_counter() - start)
        assert response.status_code == 200, response.status_code
    timings.sort()
    return statistics.median(timings) * 1000, timings[max(int(len(timings) * 0.95) - 1, 0)] * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000])
    parser.add_argument("--requests", type=int, default=10)
    args = parser.parse_args()

    name = f"tracker_bench_{uuid.uuid4().hex[:8]}"
    url = services.create_database(name)
    try:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "REDIS_URL": services.TEST_REDIS_URL})
        isolate_request_globals(app)
        client = app.test_client()
        with app.app_context():
            upgrade()
            path = app.config["CATALOGUE_FILE"]
            load_catalogue(
                document=parse_catalogue(Path(path).read_text(), source=path, today=clock.today())
            )
            campaign = db.session.scalars(select(Campaign)).one()
            role_ids = list(db.session.scalars(select(Role.id)))
            hr = UserFactory(roles=[StaffRole.ADMIN])
            hr.totp_secret = pyotp.random_base32()
            db.session.commit()
            sign_in_as(client, hr)
            slug = campaign.slug
            paths = [
                ("funnel (for scale)", f"/staff/reports/funnel?campaign={slug}"),
                (
                    "funnel by dates, against the previous",
                    f"/staff/reports/comparison?campaign={slug}",
                ),
                ("sources, with conversion", f"/staff/reports/sources?campaign={slug}"),
                ("reasons", f"/staff/reports/reasons?campaign={slug}"),
                ("time to hire, by role", f"/staff/reports/time-to-hire?campaign={slug}"),
                (
                    "time to hire CSV",
                    f"/staff/reports/time-to-hire.csv?campaign={slug}&table=time-to-hire",
                ),
            ]
            print("| applications | page | median ms | p95 ms |")
            print("| ---: | --- | ---: | ---: |")
            filled = 0
            for size in args.sizes:
                _fill(size, filled, role_ids)
                filled = size
                for label, target in paths:
                    median, p95 = _time(client, target, args.requests)
                    print(f"| {size:,} | {label} | {median:.1f} | {p95:.1f} |")
            db.session.remove()
            db.engine.dispose()
    finally:
        services.flush_test_redis()
        services.drop_database(name)


if __name__ == "__main__":
    main()

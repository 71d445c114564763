"""Peak Python memory and wall time of a shortlist export, as CSV and as XLSX, as rows grow.

Run: .venv/bin/python bench/export_memory.py [--sizes 10000 50000 100000]
Creates and drops its own database; prints a Markdown table for docs/performance.md.

Every application is put in one role, so each export holds them all. HR (signed in through
the real form and security code) downloads every column through Flask's test client, and
the body is read chunk by chunk and thrown away, as a web server sends it on. Each export
runs twice: once for wall time, once under tracemalloc for the peak (tracemalloc slows
Python down, so its run is not the one timed).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
import tracemalloc
import uuid
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("TRACKER_ENV", "test")

from flask_migrate import upgrade
from sqlalchemy import insert, select, text

from tests import services
from tests.conftest import isolate_request_globals
from tests.factories import UserFactory
from tests.helpers import sign_in_as
from tracker import clock, create_app
from tracker.accounts.models import StaffRole
from tracker.applicants.models import Applicant
from tracker.applications.models import Application
from tracker.applications.states import Status
from tracker.catalogue.models import Role
from tracker.catalogue.schema import parse_catalogue
from tracker.catalogue.services import load_catalogue
from tracker.exports.columns import COLUMNS
from tracker.extensions import db

STAGES = [Status.SUBMITTED, Status.SIFT, Status.ASSESSMENT, Status.INTERVIEW, Status.UNSUCCESSFUL]
LEVELS = ["level_2_or_above", "level_1", "entry_level", "none", "not_sure"]
NAMES = ["Ada Lovelace", "Bea O'Neill", "Chidi Okafor", "Dev Patel", "Ewa Nowak", "Fatima Khan"]


def _fill(total: int, already: int, role_id: int) -> None:
    """Add applications to the role until it has ``total``, with every exported field set."""
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
        rows = []
        for i, applicant_id in enumerate(applicants):
            adjustments = rng.random() < 0.15
            rows.append(
                {
                    "applicant_id": applicant_id,
                    "role_id": role_id,
                    "status": rng.choice(STAGES),
                    "preference": rng.randint(1, 3),
                    "reference": f"B{start + i:07d}",
                    "version": 1,
                    "completed_sections": [],
                    "eligibility_findings": [],
                    "full_name": f"{rng.choice(NAMES)} {start + i}",
                    "phone": f"07700 9{start + i:05d}",
                    "postcode": "SW1A 1AA",
                    "preferred_contact": rng.choice(["email", "phone", "text"]),
                    "english_level": rng.choice(LEVELS),
                    "maths_level": rng.choice(LEVELS),
                    "needs_hr_check": rng.random() < 0.1,
                    "disability_confident": rng.random() < 0.05,
                    "needs_adjustments": adjustments,
                    "adjustments": "A quiet room and extra time for the written test."
                    if adjustments
                    else None,
                    "submitted_at": now - timedelta(minutes=rng.randrange(60 * 24 * 60)),
                }
            )
        db.session.execute(insert(Application), rows)
        db.session.commit()
    db.session.execute(text("ANALYZE"))
    db.session.commit()


def _download(client, path: str) -> int:
    """Read the response as a server would send it, keeping nothing; return its size."""
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    assert "attachment" in response.headers["Content-Disposition"]
    size = 0
    for chunk in response.response:
        size += len(chunk)
    response.close()
    return size


def _measure(client, path: str) -> tuple[float, float, int]:
    """(seconds, peak MiB under tracemalloc, bytes) for one export."""
    started = time.perf_counter()
    size = _download(client, path)
    seconds = time.perf_counter() - started
    tracemalloc.start()
    _download(client, path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return seconds, peak / 2**20, size


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 50_000, 100_000])
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
            role_id = db.session.scalars(
                select(Role.id).where(Role.slug == "data-analyst-apprentice")
            ).one()
            hr = UserFactory(roles=[StaffRole.ADMIN])
            db.session.commit()
            assert sign_in_as(client, hr).status_code == 302
            columns = "&".join(f"columns={key}" for key in COLUMNS)
            base = f"/staff/exports/shortlist/download?role_id={role_id}&{columns}"
            _download(client, f"{base}&format=csv")  # warm up: templates, imports, queries
            print("| applications | format | seconds | peak MiB (tracemalloc) | file MiB |")
            print("| ---: | --- | ---: | ---: | ---: |")
            filled = 0
            for size in args.sizes:
                _fill(size, filled, role_id)
                filled = size
                for file_format in ("csv", "xlsx"):
                    seconds, peak, length = _measure(client, f"{base}&format={file_format}")
                    print(
                        f"| {size:,} | {file_format.upper()} | {seconds:.1f} | {peak:.1f} "
                        f"| {length / 2**20:.1f} |"
                    )
            db.session.remove()
            db.engine.dispose()
    finally:
        services.flush_test_redis()
        services.drop_database(name)


if __name__ == "__main__":
    main()

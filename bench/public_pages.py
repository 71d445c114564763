"""Time the public pages against PostgreSQL with the default catalogue loaded.

Run: .venv/bin/python bench/public_pages.py [--requests N]
Creates and drops its own database; prints a Markdown table for docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("TRACKER_ENV", "test")

from flask_migrate import upgrade

from tests import services
from tracker import clock, create_app
from tracker.catalogue.schema import parse_catalogue
from tracker.catalogue.services import load_catalogue
from tracker.extensions import db

PATHS = [
    "/",
    "/roles",
    "/roles?track=data-analysis&level=4",
    "/roles/data-analyst-apprentice",
    "/branding.css",
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=500)
    args = parser.parse_args()

    name = f"tracker_bench_{uuid.uuid4().hex[:8]}"
    url = services.create_database(name)
    try:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            upgrade()
            path = app.config["CATALOGUE_FILE"]
            text = Path(path).read_text()
            load_catalogue(document=parse_catalogue(text, source=path, today=clock.today()))
            db.session.commit()
        client = app.test_client()
        print("| page | requests | median ms | p95 ms | requests/s (one process) |")
        print("| --- | ---: | ---: | ---: | ---: |")
        for page in PATHS:
            for _ in range(20):  # warm up templates and the connection pool
                client.get(page)
            timings = []
            for _ in range(args.requests):
                start = time.perf_counter()
                response = client.get(page)
                timings.append(time.perf_counter() - start)
                assert response.status_code == 200, (page, response.status_code)
            timings.sort()
            median = statistics.median(timings) * 1000
            p95 = timings[int(len(timings) * 0.95) - 1] * 1000
            rate = len(timings) / sum(timings)
            print(f"| `{page}` | {args.requests} | {median:.1f} | {p95:.1f} | {rate:.0f} |")
        with app.app_context():
            db.engine.dispose()
    finally:
        services.drop_database(name)


if __name__ == "__main__":
    main()

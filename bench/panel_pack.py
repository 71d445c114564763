"""Time a day's panel pack, as a page and as a PDF, for days of more and more candidates.

Run: .venv/bin/python bench/panel_pack.py [--candidates 6 30 60] [--requests N]
Creates and drops its own database; prints a Markdown table for docs/performance.md.

The day is an assessment day for the default catalogue's data analyst role (its own criteria,
essential and desirable), six places a slot, every place booked, one candidate in six with
adjustments; the person asking sits on every slot's panel. The PDF's pages are counted.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import statistics
import sys
import time as timer
import uuid
from datetime import datetime, time, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("TRACKER_ENV", "test")

from flask_migrate import upgrade
from pypdf import PdfReader
from sqlalchemy import select

from tests import services
from tests.conftest import isolate_request_globals
from tests.factories import PASSWORD, ApplicationFactory, SlotFactory, UserFactory
from tracker import clock, create_app
from tracker.accounts.models import StaffRole
from tracker.applications.states import Status
from tracker.catalogue.models import Role
from tracker.catalogue.schema import parse_catalogue
from tracker.catalogue.services import load_catalogue
from tracker.extensions import db
from tracker.scheduling.models import Booking, SlotKind

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
PLACES = 6


def _day(role: Role, panel, on, candidates: int) -> str:
    """An assessment day on ``on`` with ``candidates`` booked; the pack's path."""
    for number in range(0, candidates, PLACES):
        slot = SlotFactory(
            role=role,
            kind=SlotKind.ASSESSMENT,
            starts_at=datetime.combine(on, time(8), tzinfo=clock.UK)
            + timedelta(minutes=30 * (number // PLACES)),
            capacity=PLACES,
            booked=min(PLACES, candidates - number),
            panel=[panel],
        )
        for seat in range(min(PLACES, candidates - number)):
            application = ApplicationFactory(
                role=role,
                submitted=True,
                status=Status.ASSESSMENT,
                needs_adjustments=seat == 0,
                adjustments="Extra time for the written task" if seat == 0 else None,
            )
            db.session.add(
                Booking(
                    slot_id=slot.id,
                    application_id=application.id,
                    kind=SlotKind.ASSESSMENT,
                    booked_at=clock.utcnow(),
                )
            )
    db.session.commit()
    return f"/staff/roles/{role.id}/days/{on.isoformat()}/assessment/pack"


def _time(client, path: str, requests: int) -> tuple[float, bytes]:
    timings, body = [], b""
    for _ in range(requests):
        started = timer.perf_counter()
        response = client.get(path)
        timings.append(timer.perf_counter() - started)
        assert response.status_code == 200, (path, response.status_code)
        body = response.data
    return statistics.median(timings), body


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--candidates", type=int, nargs="+", default=[6, 30, 60])
    parser.add_argument("--requests", type=int, default=3)
    args = parser.parse_args()

    name = f"tracker_bench_{uuid.uuid4().hex[:8]}"
    url = services.create_database(name)
    try:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "REDIS_URL": services.TEST_REDIS_URL})
        isolate_request_globals(app)
        with app.app_context():
            upgrade()
            path = app.config["CATALOGUE_FILE"]
            load_catalogue(
                document=parse_catalogue(Path(path).read_text(), source=path, today=clock.today())
            )
            role = db.session.scalars(
                select(Role).where(Role.slug == "data-analyst-apprentice")
            ).one()
            panel = UserFactory(roles=[StaffRole.HIRING_MANAGER], tracks=[role.track])
            db.session.commit()
            client = app.test_client()
            page = client.get("/staff/sign-in").get_data(as_text=True)
            client.post(
                "/staff/sign-in",
                data={
                    "email": panel.email,
                    "password": PASSWORD,
                    "csrf_token": CSRF.search(page).group(1),
                },
            )
            print(f"Criteria: {len(role.criteria)}")
            print("| candidates | page median s | page KB | PDF median s | PDF pages | s a page |")
            print("| ---: | ---: | ---: | ---: | ---: | ---: |")
            for offset, candidates in enumerate(args.candidates):
                pack = _day(role, panel, clock.today() + timedelta(days=30 + offset), candidates)
                page_s, body = _time(client, pack, args.requests)
                pdf_s, document = _time(client, pack + ".pdf", args.requests)
                pages = len(PdfReader(io.BytesIO(document)).pages)
                print(
                    f"| {candidates} | {page_s:.2f} | {len(body) // 1024} | {pdf_s:.1f} "
                    f"| {pages} | {pdf_s / pages:.2f} |"
                )
            db.session.remove()
            db.engine.dispose()
    finally:
        services.flush_test_redis()
        services.drop_database(name)


if __name__ == "__main__":
    main()

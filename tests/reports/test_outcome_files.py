"""Given a generated campaign walked through the real pipeline, when HR downloads each table of
the reports that explain, then the file parses back with csv as the table on the page, is
audited, and holds no free text; and nothing the reports read is free text."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import select

from tests.reports import pages
from tests.reports.test_outcomes import MOVES, _straight, _walk, use_fake_clock
from tests.reports.test_pages import statements
from tracker.applications.forms import HEARD_ABOUT, WITHDRAWAL_REASONS
from tracker.applications.states import REJECTION_REASONS
from tracker.audit.models import AuditEvent
from tracker.extensions import db
from tracker.reports import outcome_queries

NA = "\N{EN DASH}"
FILES = {
    "/staff/reports/reasons": (
        "reasons",
        ["unsuccessful", "unsuccessful-by-stage", "withdrawals", "withdrawals-by-stage"],
    ),
    "/staff/reports/time-to-hire?group=role": (
        "time-to-hire-by-role",
        ["time-to-offer", "time-to-hire", "offers"],
    ),
    "/staff/reports/time-to-hire?group=track": (
        "time-to-hire-by-track",
        ["time-to-offer", "time-to-hire", "offers"],
    ),
    "/staff/reports/sources": ("sources", ["conversion"]),
    "/staff/reports/comparison": ("funnel-comparison", ["comparison"]),
}


def _as_in_csv(cell: str) -> str:
    """A cell as the page shows it, written as the CSV file has it."""
    if cell == NA:
        return ""
    return cell.replace(",", "").removesuffix("%").removeprefix("+")


@pytest.fixture
def fake_clock(monkeypatch):
    return use_fake_clock(monkeypatch)


@pytest.mark.slow  # every page and file
def test_every_table_on_the_new_pages_is_its_audited_csv_file(client, sign_in, hr, fake_clock):
    rng = random.Random(16)
    plan = [
        [
            {
                "heard_about": rng.choice([None, *HEARD_ABOUT]),
                "choices": [rng.randrange(100) for _ in range(MOVES)],
                "hours": [rng.randint(1, 500) for _ in range(MOVES)],
                "reasons": rng.sample(list(REJECTION_REASONS), rng.randint(1, 3)),
                "withdrawal": rng.choice([code for code, _ in WITHDRAWAL_REASONS]),
            }
            for _ in range(rng.randint(1, 3))
        ]
        for _ in range(40)
    ]
    plan += [[_straight(0, 30 + n)] for n in range(3)]
    campaign = _walk(plan, hr, fake_clock)
    sign_in(hr)
    downloads = 0

    for path, (report, keys) in FILES.items():
        with statements() as run:
            html = client.get(f"{path}{'&' if '?' in path else '?'}campaign={campaign.slug}")
        html = html.get_data(as_text=True)
        sql = "\n".join(run).lower()
        # Free text is never read, nor shown: the feedback given and the applicant's words.
        for column in ("application_timeline.feedback", "override_reason", "withdrawal_details"):
            assert column not in sql, (path, column)
        assert "Zebedee" not in html and "Zanzibar" not in html
        for key in keys:
            csv_path = path.split("?")[0] + ".csv"
            group = path.split("group=")[1] if "group=" in path else "role"
            response = client.get(
                csv_path, query_string={"campaign": campaign.slug, "table": key, "group": group}
            )
            downloads += 1
            rows = pages.read_csv(response)
            labels = [row[0] for row in rows]
            tables_ = [t for t in pages.tables(html) if t.head == rows[0]]
            # The table on the page with these columns and rows (tables share one or other).
            shown = next(t for t in tables_ if [r[0] for r in t.rows] == labels)
            assert rows[1:] == [[r[0], *map(_as_in_csv, r[1:])] for r in shown.body], key
            assert "Zebedee" not in str(rows) and "Zanzibar" not in str(rows)
            audited = db.session.scalars(
                select(AuditEvent)
                .where(AuditEvent.action == "reports.downloaded")
                .order_by(AuditEvent.id.desc())
            ).first()
            assert (audited.object_id, audited.details) == (
                str(campaign.id),
                {"report": report, "table": key},
            )
    assert (
        len(
            db.session.scalars(
                select(AuditEvent.id).where(AuditEvent.action == "reports.downloaded")
            ).all()
        )
        == downloads
    )
    # The generated campaign went everywhere the reports look.
    timing_report = outcome_queries.timing_report(campaign, "role")
    assert timing_report.overall.to_hire.count >= 3
    assert timing_report.overall.offers.answered

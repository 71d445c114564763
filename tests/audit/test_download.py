"""The log as a CSV file: the filtered events, formula-safe, and the download itself audited."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from tests.audit.conftest import at
from tests.factories import ApplicationFactory, UserFactory
from tracker.audit.models import AuditEvent
from tracker.extensions import db


def read_csv(response) -> list[list[str]]:
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")  # so a spreadsheet reads it as UTF-8
    return list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))


def downloads() -> list[AuditEvent]:
    return list(
        db.session.scalars(select(AuditEvent).where(AuditEvent.action == "audit.downloaded"))
    )


def test_the_file_holds_the_filtered_events_as_sentences(client, hr, event):
    application = ApplicationFactory(submitted=True)
    event(
        "application.make_offer",
        actor=hr,
        object_type="application",
        object_id=application.id,
        at=at(2026, 6, 10, 9),
    )
    event("sign_out", actor=hr, at=at(2026, 6, 10, 10))
    event("application.make_offer", actor=hr, at=at(2026, 5, 1))  # before the from date

    response = client.get(
        "/admin/audit.csv?action=application.make_offer&date_from=1&date_from=6&date_from=2026"
    )

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=audit-log-")
    header, *rows = read_csv(response)
    assert header == ["Time", "Person", "Action", "Sentence", "Record", "Reference"]
    assert rows == [
        [
            "2026-06-10T10:00:00+01:00",  # UK time
            "Priya Shah",
            "application.make_offer",
            f"Priya Shah made an offer to {application.reference}",
            f"application {application.id}",
            application.reference,
        ]
    ]
    assert application.full_name not in response.get_data(as_text=True)


def test_text_a_spreadsheet_would_run_is_made_plain(client, hr, event):
    mallory = UserFactory(name='=HYPERLINK("http://evil.example","x")')
    event("sign_out", actor=mallory)
    event("sign_in.failed", label="+44@example.com")
    event("access.denied", actor=mallory, object_type="path", object_id="-1+2")

    _header, *rows = read_csv(client.get("/admin/audit.csv?person=" + str(mallory.id)))

    for row in rows:
        assert row[1] == '\'=HYPERLINK("http://evil.example","x")'
        assert row[3].startswith("'=HYPERLINK")
    assert [row[4] for row in rows] == ["path -1+2", ""]  # not at the start: no formula
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_the_download_is_audited_with_its_filters_and_row_count(client, hr, event):
    for n in range(3):
        event("sign_in.failed", label=f"p{n}@example.com", at=at(2026, 1, 1))

    _header, *rows = read_csv(
        client.get("/admin/audit.csv?action=sign_in.failed&date_to=1&date_to=1&date_to=2026")
    )

    assert len(rows) == 3
    [download] = downloads()
    assert download.actor_id == hr.id
    assert download.details == {
        "filters": {
            "person": None,
            "action": "sign_in.failed",
            "user": None,
            "from": None,
            "to": "2026-01-01",
        },
        "rows": 3,
    }
    # It is in the log from now on, in words, and not in the file it describes.
    page = client.get("/admin/audit?action=audit.downloaded").get_data(as_text=True)
    assert "Priya Shah downloaded 3 audit log events" in page


@pytest.mark.slow  # thousands of rows
def test_every_event_is_in_the_file_across_batches(client, hr, event):
    for n in range(2503):
        event("sign_in.failed", label=f"p{n}@example.com", at=at(2026, 1, 1, 9, n % 60))

    _header, *rows = read_csv(client.get("/admin/audit.csv?action=sign_in.failed"))

    people = [row[1] for row in rows]
    assert len(people) == 2503 == len(set(people))
    assert downloads()[0].details["rows"] == 2503


def test_bad_filters_refuse_the_download_and_audit_nothing(client, hr):
    response = client.get("/admin/audit.csv?date_from=30&date_from=2&date_from=2026")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert "The from date must be a real date" in page
    assert downloads() == []


def test_a_head_request_audits_nothing(client, hr):
    response = client.head("/admin/audit.csv")

    assert response.status_code == 200
    assert downloads() == []

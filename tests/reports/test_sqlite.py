"""The reports work on SQLite too, the zero-setup database `make run` uses: no SQL of
PostgreSQL's own."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pyotp
import pytest
from flask_migrate import upgrade

from tests.factories import PASSWORD, ApplicationFactory, EqualityAnswersFactory, RoleFactory
from tests.helpers import sign_in_as
from tests.reports import pages
from tracker import create_app
from tracker.accounts import users as accounts
from tracker.applications.models import TimelineEntry
from tracker.applications.states import Status
from tracker.extensions import db


@pytest.mark.slow  # every report
def test_every_report_works_on_sqlite(tmp_path):
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'reports.sqlite3'}", "TESTING": True}
    )
    with app.app_context():
        upgrade()
        admin = accounts.create_admin(
            created_by="test", email="hr@example.gov.uk", name="Sam", password=PASSWORD
        )
        admin.totp_secret = pyotp.random_base32()
        role = RoleFactory()
        for n in range(6):
            # Status set directly: the sift below is timed two days after submission, which
            # the pipeline's move would date today.
            application = ApplicationFactory(
                role=role,
                submitted=True,
                status=Status.SIFT if n % 2 else Status.SUBMITTED,
                heard_about="event",
                eligibility_findings=[{"code": "residency", "severity": "check"}],
                needs_hr_check=True,
            )
            EqualityAnswersFactory(application_id=application.id, sex="female")
            if n % 2:
                db.session.add(
                    TimelineEntry(
                        application_id=application.id,
                        occurred_at=application.submitted_at + timedelta(days=2),
                        event="start_sift",
                        from_status=Status.SUBMITTED,
                        to_status=Status.SIFT,
                        actor_label="hr@example.gov.uk",
                    )
                )
        db.session.commit()
        secret, slug = admin.totp_secret, role.campaign.slug

    client = app.test_client()
    sign_in_as(client, SimpleNamespace(email="hr@example.gov.uk", totp_secret=secret))

    funnel = client.get("/staff/reports/funnel").get_data(as_text=True)
    progress = pages.table(funnel, "Moving on and leaving")
    assert progress.row("Applied")[1:4] == ["6", "3", "3"]
    assert progress.column("Median days at this stage")["Applied"] == "2"
    sources = client.get("/staff/reports/sources").get_data(as_text=True)
    assert pages.table(sources, "What the eligibility").body[0][2] == "6"
    equality = client.get("/staff/reports/equality").get_data(as_text=True)
    assert pages.table(equality, "Sex:").row("Female")[1] == "6"
    csv = client.get(f"/staff/reports/equality.csv?campaign={slug}")
    assert csv.status_code == 200
    for path in (
        "/staff/reports/comparison?submitted_from=1&submitted_from=1&submitted_from=2000",
        "/staff/reports/reasons",
        "/staff/reports/time-to-hire",
        f"/staff/reports/reasons.csv?campaign={slug}&table=withdrawals-by-stage",
        f"/staff/reports/time-to-hire.csv?campaign={slug}&table=offers",
    ):
        assert client.get(path).status_code == 200, path
    sources = client.get("/staff/reports/sources").get_data(as_text=True)
    assert pages.table(sources, "What happened to applicants").row("A careers fair or event")[
        1:4
    ] == ["6", "3", "50%"]
    with app.app_context():
        db.session.remove()
        db.engine.dispose()

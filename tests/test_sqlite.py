"""The zero-setup path `make run` uses: SQLite. Timestamps, sessions and the outbox work there."""

from __future__ import annotations

from types import SimpleNamespace

import pyotp
import pytest
from flask_migrate import upgrade
from sqlalchemy import select

from tests.factories import PASSWORD
from tests.helpers import sign_in_as
from tracker import create_app
from tracker.accounts import users as accounts
from tracker.extensions import db
from tracker.notifications import services as emails
from tracker.notifications.models import Email
from tracker.notifications.outbox import batches


@pytest.mark.slow  # a database of its own
def test_a_staff_sign_in_and_an_email_work_on_sqlite(tmp_path):
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'local.sqlite3'}", "TESTING": True}
    )
    with app.app_context():
        upgrade()
        admin = accounts.create_admin(
            created_by="test", email="hr@example.gov.uk", name="Sam", password=PASSWORD
        )
        admin.totp_secret = pyotp.random_base32()
        emails.queue_email(
            actor="test",
            to="ada@example.com",
            template="test_email",
            context={"requested_by": "x"},
            idempotency_key="sqlite",
        )
        db.session.commit()
        secret = admin.totp_secret

    client = app.test_client()

    sign_in_as(client, SimpleNamespace(email="hr@example.gov.uk", totp_secret=secret))

    assert client.get("/admin/users").status_code == 200
    assert "Sam signed in" in client.get("/admin/audit").get_data(as_text=True)
    with app.app_context():
        # One email per send job: a job that sent a list would hold SQLite's only write lock
        # nearly without a break, and web requests waiting for it would fail.
        assert list(batches([3, 1, 2, 1])) == [[3], [1], [2]]
        email = db.session.scalar(select(Email))
        assert email.created_at.tzinfo is not None
        assert emails.claim_email(email_id=email.id) is not None
        db.session.rollback()
        db.engine.dispose()


def test_a_savepoint_on_sqlite_does_not_commit_the_request(tmp_path):
    """pysqlite would commit a transaction begun by a savepoint when the savepoint is released;
    with SQLAlchemy's remedy in place, rolling back undoes it all, as on PostgreSQL."""
    from sqlalchemy import func, select

    from tracker.applicants.models import Applicant

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'savepoint.sqlite3'}"})
    with app.app_context():
        upgrade()
        with db.session.begin_nested():
            db.session.add(Applicant(email="nested@example.com"))
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(Applicant)) == 0
        db.session.remove()
        db.engine.dispose()


@pytest.mark.slow  # a database of its own
def test_foreign_keys_are_on_and_migrations_keep_related_rows_on_sqlite(tmp_path):
    """Erasure relies on ON DELETE CASCADE, which SQLite runs only with foreign keys on; and
    with them on, a migration's table rebuild must not cascade-delete the rows below it."""
    from flask_migrate import downgrade
    from sqlalchemy import func, text

    from tests.factories import ApplicationFactory, EqualityAnswersFactory
    from tracker.applications.models import Application, EqualityAnswers

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'fk.sqlite3'}"})
    with app.app_context():
        upgrade()
        application = ApplicationFactory(submitted=True)
        EqualityAnswersFactory(application_id=application.id, sex="female")
        db.session.commit()
        db.session.remove()

        downgrade(revision="0010")  # rebuilds the applicant and application tables
        upgrade()

        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert db.session.scalar(select(func.count()).select_from(Application)) == 1
        assert db.session.scalar(select(func.count()).select_from(EqualityAnswers)) == 1
        db.session.execute(text("DELETE FROM application"))
        assert db.session.scalar(select(func.count()).select_from(EqualityAnswers)) == 0
        db.session.rollback()
        db.session.remove()
        db.engine.dispose()


@pytest.mark.slow  # a database of its own
def test_hr_adds_and_renames_a_partner_organisation_on_sqlite(tmp_path):
    """Organisations are told apart by their name key's unique index, which SQLite has too:
    no PostgreSQL-only function stands between HR and inviting a partner locally."""
    from tests.helpers import csrf_token
    from tracker.accounts.models import PartnerOrganisation

    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'partners.sqlite3'}", "TESTING": True}
    )
    with app.app_context():
        upgrade()
        admin = accounts.create_admin(
            created_by="test", email="hr@example.gov.uk", name="Sam", password=PASSWORD
        )
        admin.totp_secret = pyotp.random_base32()
        db.session.commit()
        secret = admin.totp_secret
        db.session.remove()
    client = app.test_client()
    sign_in_as(client, SimpleNamespace(email="hr@example.gov.uk", totp_secret=secret))

    def post(path: str, name: str):
        return client.post(path, data={"csrf_token": csrf_token(client, path), "name": name})

    added = post("/staff/partners/organisations/new", "Dalston  Digital Ltd")
    again = post("/staff/partners/organisations/new", "dalston digital LTD")
    with app.app_context():
        organisation = db.session.scalars(select(PartnerOrganisation)).one()
        edit = f"/staff/partners/organisations/{organisation.id}/edit"
        db.session.remove()
    renamed = post(edit, "Dalston Digital Co-operative")

    assert added.status_code == 302
    assert again.status_code == 200
    assert "There is already a partner organisation called Dalston Digital Ltd" in again.get_data(
        as_text=True
    )
    assert renamed.status_code == 302
    with app.app_context():
        organisation = db.session.scalars(select(PartnerOrganisation)).one()
        assert (organisation.name, organisation.name_key) == (
            "Dalston Digital Co-operative",
            "dalstondigitalco-operative",
        )
        db.session.remove()
        db.engine.dispose()

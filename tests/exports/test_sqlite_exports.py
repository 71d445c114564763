"""On SQLite (`make run`) the export is written by Python: the same files, no COPY."""

from __future__ import annotations

import io
from types import SimpleNamespace

import pyotp
import pytest
from flask_migrate import upgrade
from openpyxl import load_workbook

from tests.exports.conftest import DOWNLOAD, read_csv
from tests.factories import PASSWORD, ApplicationFactory, RoleFactory
from tests.helpers import sign_in_as
from tracker import create_app
from tracker.accounts import users as accounts
from tracker.extensions import db


@pytest.mark.slow  # a database of its own
def test_csv_and_xlsx_download_on_sqlite(tmp_path):
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'local.sqlite3'}", "TESTING": True}
    )
    with app.app_context():
        upgrade()
        admin = accounts.create_admin(
            created_by="test", email="hr@example.gov.uk", name="Sam", password=PASSWORD
        )
        admin.totp_secret = pyotp.random_base32()
        role = RoleFactory(title="Data analyst apprentice", slug="data-analyst")
        ApplicationFactory(role=role, submitted=True, reference="REF-0001", full_name="=1+1")
        db.session.commit()
        secret, role_id = admin.totp_secret, role.id
    client = app.test_client()
    sign_in_as(client, SimpleNamespace(email="hr@example.gov.uk", totp_secret=secret))
    query = {"role_id": role_id, "columns": ["reference", "full_name"]}

    as_csv = client.get(DOWNLOAD, query_string={**query, "format": "csv"}, buffered=True)
    as_xlsx = client.get(DOWNLOAD, query_string={**query, "format": "xlsx"}, buffered=True)

    assert read_csv(as_csv) == [["Reference", "Full name"], ["REF-0001", "'=1+1"]]
    sheet = load_workbook(io.BytesIO(as_xlsx.get_data()))["Shortlist"]
    assert [[c.value for c in line] for line in sheet.iter_rows()] == [
        ["Reference", "Full name"],
        ["REF-0001", "=1+1"],
    ]
    assert sheet["B2"].data_type == "s"
    with app.app_context():
        db.engine.dispose()

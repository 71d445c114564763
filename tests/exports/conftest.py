"""Fixtures for shortlist exports: HR, a hiring manager for one track, candidates, and
helpers that download an export and read it back as a spreadsheet would."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tests.factories import RoleFactory, TrackFactory
from tracker.applications.states import Status
from tracker.audit.models import AuditEvent
from tracker.extensions import db

SHORTLIST = "/staff/exports/shortlist"
DOWNLOAD = "/staff/exports/shortlist/download"


@pytest.fixture
def track():
    return TrackFactory(name="Digital and data")


@pytest.fixture
def role(track):
    return RoleFactory(track=track, title="Data analyst apprentice", slug="data-analyst")


@pytest.fixture
def other_role():
    """A role in another track: outside the manager's scope."""
    return RoleFactory(title="Finance apprentice", slug="finance")


@pytest.fixture
def candidate(candidate):
    """The root conftest's, but in the sift unless told: what a shortlist starts from."""

    def make(status: Status = Status.SIFT, **values):
        return candidate(status, **values)

    return make


def download(client, **params):
    """GET the download with these query parameters (lists repeat the parameter), read to
    the end and closed, as a browser does."""
    return client.get(DOWNLOAD, query_string=params, buffered=True)


def read_csv(response) -> list[list[str]]:
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff"), "Excel needs the byte order mark to read UTF-8"
    return list(csv.reader(io.StringIO(text[1:], newline="")))


def read_xlsx(response):
    """The workbook's only sheet, as openpyxl reads it from the downloaded bytes."""
    workbook = load_workbook(io.BytesIO(response.get_data()))
    assert workbook.sheetnames == ["Shortlist"]
    return workbook["Shortlist"]


def xlsx_values(sheet) -> list[list]:
    return [[cell.value for cell in line] for line in sheet.iter_rows()]


def export_events() -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "export.shortlist")
            .order_by(AuditEvent.id)
        )
    )

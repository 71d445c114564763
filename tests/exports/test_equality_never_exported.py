"""Equality monitoring answers and the date of birth never leave in an export: no column
holds them and there is no way to ask for them."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import inspect

from tests.exports.conftest import SHORTLIST, download, read_csv
from tests.factories import EqualityAnswersFactory
from tracker.applications.models import EqualityAnswers
from tracker.exports.columns import COLUMNS
from tracker.exports.extras import criterion_key
from tracker.extensions import db

BIRTHDAY = date(2003, 7, 19)
MARKS = {
    "sex": "EQMARK-SEX",
    "gender_same_as_birth": "EQMARK-GENDER",
    "sexual_orientation": "EQMARK-ORIENTATION",
    "ethnicity": "EQMARK-ETHNICITY",
    "religion": "EQMARK-RELIGION",
    "disability": "EQMARK-DISABILITY",
    "care_experienced": "EQMARK-CARE",
    "free_school_meals": "EQMARK-MEALS",
}
EQUALITY_FIELDS = {c.key for c in inspect(EqualityAnswers).columns} - {"id", "application_id"}


@pytest.fixture
def seeded(candidate):
    application = candidate(
        reference="REF-0001",
        date_of_birth=BIRTHDAY,
        needs_adjustments=True,
        adjustments="A quiet room",
    )
    EqualityAnswersFactory(application_id=application.id, **MARKS)
    db.session.commit()
    return application


def test_every_equality_question_is_seeded():
    assert set(MARKS) == EQUALITY_FIELDS - {"answered_at"}


@pytest.mark.parametrize("whole", ["role", "campaign"])
@pytest.mark.parametrize("format_", ["csv", "xlsx"])
def test_hr_exporting_every_column_never_gets_equality_answers(
    client, sign_in, hr, role, seeded, format_, whole
):
    """Every column, the decision and criterion columns included, of a role or its campaign."""
    criteria = [criterion_key(c) for c in role.criteria]
    sign_in(hr)
    which = {"role_id": role.id} if whole == "role" else {"campaign_id": role.campaign_id}

    response = download(client, **which, columns=[*COLUMNS, *criteria], format=format_)

    if format_ == "csv":
        cells = [cell for line in read_csv(response) for cell in line]
    else:
        workbook = load_workbook(io.BytesIO(response.get_data()))
        cells = [c.value for sheet in workbook for line in sheet.iter_rows() for c in line]
    assert "REF-0001" in cells  # the export did happen
    text = " ".join(str(cell) for cell in cells)
    assert "EQMARK" not in text
    assert BIRTHDAY.isoformat() not in text
    assert "19/07/2003" not in text
    assert all(getattr(cell, "date", lambda: None)() != BIRTHDAY for cell in cells)


def test_there_is_no_way_to_choose_them(client, sign_in, hr, role, seeded):
    sign_in(hr)

    page = client.get(SHORTLIST, query_string={"role_id": role.id}).get_data(as_text=True)

    offered = set(re.findall(r'name="columns" type="checkbox" value="([^"]+)"', page))
    criteria = {criterion_key(c) for c in role.criteria}
    assert criteria  # the role's criteria are offered as average-score columns
    assert offered == set(COLUMNS) | criteria
    assert not offered & (EQUALITY_FIELDS | {"date_of_birth"})
    assert "EQMARK" not in page
    for field in sorted(EQUALITY_FIELDS | {"date_of_birth"}):
        response = download(client, role_id=role.id, columns=[field], format="csv")
        assert "Select the columns from the list" in response.get_data(as_text=True)

"""Bad input to the download explains itself on the form, and exports and audits nothing."""

from __future__ import annotations

import pytest

from tests.exports.conftest import DOWNLOAD, export_events
from tracker.extensions import db

GOOD = {"columns": ["reference", "stage"], "format": "csv", "status": "sift"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"columns": ["reference", "ethnicity"]}, "Select the columns from the list"),
        ({"columns": ["date_of_birth"]}, "Select the columns from the list"),
        ({"columns": ["sexual_orientation"]}, "Select the columns from the list"),
        ({"columns": []}, "Select at least one column to export"),
        ({"format": "pdf"}, "Select CSV or Excel"),
        ({"format": ""}, "Select a file format"),
        ({"status": "draft"}, "Select a stage from the list"),
        ({"status": "shortlisted"}, "Select a stage from the list"),
        ({"role_id": ""}, "Select a role, or a whole track"),
        ({"role_id": "abc"}, "Select a role from the list"),
        ({"role_id": "-1"}, "Select a role from the list"),
        ({"role_id": "9" * 30}, "Select a role from the list"),
        ({"track_id": "1.5"}, "Select a track from the list"),
        ({"track_id": "TRACK"}, "Select a role or a whole track, not both"),
        (
            {"submitted_to": ["31", "12", "9999"]},
            "The year of the to date must be between 2000 and 2100",
        ),
        (
            {"submitted_from": ["1", "1", "1999"]},
            "The year of the from date must be between 2000 and 2100",
        ),
        ({"columns": ["reference", "essential_x"]}, "“essential_x” is not one of them"),
    ],
)
def test_bad_input_is_refused_with_a_clear_error(
    client, sign_in, hr, role, candidate, change, message
):
    candidate(full_name="Should Not Leave")
    db.session.commit()
    sign_in(hr)
    params = GOOD | {"role_id": role.id} | change
    if params.get("track_id") == "TRACK":
        params["track_id"] = role.track_id

    response = client.get(DOWNLOAD, query_string=params)

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert "Content-Disposition" not in response.headers
    assert "There is a problem" in page
    assert message in page
    assert "Should Not Leave" not in page
    assert export_events() == []


def test_a_role_that_does_not_exist_is_not_found(client, sign_in, hr):
    db.session.commit()
    sign_in(hr)

    response = client.get(DOWNLOAD, query_string=GOOD | {"role_id": 987654321})

    assert response.status_code == 404
    assert export_events() == []


def test_no_parameters_at_all_explains_what_is_missing(client, sign_in, hr):
    db.session.commit()
    sign_in(hr)

    page = client.get(DOWNLOAD).get_data(as_text=True)

    assert "Select a role, or a whole track" in page
    assert "Select a file format" in page
    assert "Select at least one column to export" in page
    assert export_events() == []


@pytest.mark.parametrize("path", ["/staff/exports/shortlist", DOWNLOAD])
def test_the_last_day_there_is_is_an_error_not_a_crash(client, sign_in, hr, role, path):
    db.session.commit()
    sign_in(hr)
    params = GOOD | {"role_id": role.id, "submitted_to": ["31", "12", "9999"]}

    response = client.get(path, query_string=params)

    assert response.status_code == 200
    assert "The year of the to date must be between 2000 and 2100" in response.get_data(
        as_text=True
    )
    assert export_events() == []

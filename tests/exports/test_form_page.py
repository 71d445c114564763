"""The export form: arriving from a candidate list, the usual columns ticked, the count of
candidates shown before downloading, and mistakes shown before anything is exported."""

from __future__ import annotations

import re

from tests.exports.conftest import SHORTLIST, export_events
from tracker.exports.columns import defaults
from tracker.extensions import db

_CHECKBOX = re.compile(r'name="columns" type="checkbox" value="([^"]+)"( checked)?')


def _ticked(page: str) -> list[str]:
    return [value for value, checked in _CHECKBOX.findall(page) if checked]


def test_arriving_from_a_candidate_list_preselects_and_counts(client, sign_in, hr, role, candidate):
    from tracker.accounts.permissions import permissions_of
    from tracker.applications.states import Status

    candidate(), candidate(), candidate(status=Status.INTERVIEW)
    db.session.commit()
    sign_in(hr)

    response = client.get(SHORTLIST, query_string={"role_id": role.id, "status": "sift"})

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" not in page
    assert f'<option value="{role.id}" selected>' in page
    assert 'value="sift" checked' in page
    assert 'value="interview" checked' not in page
    assert 'id="matching"' in page
    assert "2 candidates match" in page
    assert "Data analyst apprentice, stage: In sift" in page
    assert _ticked(page) == defaults(permissions_of(hr))
    assert 'value="xlsx" checked' in page
    assert export_events() == []  # looking is not exporting


def test_the_plain_form_has_no_errors_and_no_count(client, sign_in, hr, role):
    db.session.commit()
    sign_in(hr)

    page = client.get(SHORTLIST).get_data(as_text=True)

    assert "There is a problem" not in page
    assert 'id="matching"' not in page
    assert 'action="/staff/exports/shortlist/download"' in page
    assert 'formaction="/staff/exports/shortlist"' in page


def test_checking_the_count_keeps_the_choices(client, sign_in, hr, role, track, candidate):
    candidate()
    db.session.commit()
    sign_in(hr)

    page = client.get(
        SHORTLIST,
        query_string={"track_id": track.id, "columns": ["stage", "full_name"], "format": "csv"},
    ).get_data(as_text=True)

    assert "1 candidate matches" in page
    assert "Every role in Digital and data, all stages" in page
    assert _ticked(page) == ["stage", "full_name"]
    assert 'value="csv" checked' in page


def test_checking_the_count_shows_mistakes(client, sign_in, hr, role):
    db.session.commit()
    sign_in(hr)

    page = client.get(
        SHORTLIST, query_string={"role_id": role.id, "status": "draft", "format": "csv"}
    ).get_data(as_text=True)

    assert "There is a problem" in page
    assert "Select a stage from the list" in page
    assert "Select at least one column to export" in page
    assert 'id="matching"' not in page

"""What to export: a whole campaign, several stages, submission dates; always the user's
scope; bad dates explained and nothing exported."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tests.exports.conftest import DOWNLOAD, SHORTLIST, download, export_events, read_csv
from tests.factories import ApplicationFactory, CampaignFactory, RoleFactory, TrackFactory
from tracker import clock
from tracker.applications.states import Status
from tracker.extensions import db


@pytest.fixture
def campaign(role):
    """The fixture role's campaign, with a second role in another track."""
    RoleFactory(campaign=role.campaign, track=TrackFactory(), title="Other track's role")
    return role.campaign


def _at(day: int, hour: int = 12):
    """1 to 31 March 2026, at UK wall-clock time (GMT in March until the 29th)."""
    return datetime(2026, 3, day, hour, tzinfo=clock.UK)


def test_a_managers_campaign_export_holds_only_their_roles(
    client, sign_in, manager, role, campaign, candidate
):
    other = next(r for r in campaign.roles if r.id != role.id)
    candidate(reference="REF-MINE")
    candidate(role=other, reference="REF-NOTME")
    ApplicationFactory(submitted=True, reference="REF-ELSE")
    db.session.commit()
    sign_in(manager)

    rows = read_csv(download(client, campaign_id=campaign.id, columns=["reference"], format="csv"))

    assert rows == [["Reference"], ["REF-MINE"]]
    (event,) = export_events()
    assert (event.object_type, event.object_id) == ("campaign", str(campaign.id))
    assert event.details["filters"]["campaign_id"] == campaign.id


def test_hr_exports_the_whole_campaign_and_nothing_else(
    client, sign_in, hr, role, campaign, candidate
):
    other = next(r for r in campaign.roles if r.id != role.id)
    candidate(reference="REF-A")
    candidate(role=other, reference="REF-B")
    ApplicationFactory(submitted=True, reference="REF-ELSE")
    db.session.commit()
    sign_in(hr)

    rows = read_csv(download(client, campaign_id=campaign.id, columns=["reference"], format="csv"))

    assert sorted(r[0] for r in rows[1:]) == ["REF-A", "REF-B"]


def test_a_campaign_outside_the_scope_is_not_found(client, sign_in, manager):
    elsewhere = CampaignFactory()
    RoleFactory(campaign=elsewhere)
    db.session.commit()
    sign_in(manager)

    response = download(client, campaign_id=elsewhere.id, columns=["reference"], format="csv")

    assert response.status_code == 404
    assert export_events() == []


def test_several_stages_at_once(client, sign_in, hr, role, candidate):
    candidate(status=Status.SIFT, reference="REF-SIFT")
    candidate(status=Status.ASSESSMENT, reference="REF-ASSESS")
    candidate(status=Status.INTERVIEW, reference="REF-INT")
    db.session.commit()
    sign_in(hr)

    response = download(
        client,
        role_id=role.id,
        status=["sift", "interview"],
        columns=["reference", "stage"],
        format="csv",
    )

    assert read_csv(response)[1:] == [["REF-INT", "Interview"], ["REF-SIFT", "In sift"]]
    assert "2-stages" in response.headers["Content-Disposition"]
    assert export_events()[0].details["filters"]["statuses"] == ["sift", "interview"]


def test_submitted_between_two_dates_in_uk_days(client, sign_in, hr, role, candidate):
    candidate(reference="REF-BEFORE", submitted_at=_at(9, 23))
    candidate(reference="REF-FIRST", submitted_at=_at(10, 0) + timedelta(minutes=1))
    candidate(reference="REF-LAST", submitted_at=_at(20, 23) + timedelta(minutes=59))
    candidate(reference="REF-AFTER", submitted_at=_at(21, 0))
    db.session.commit()
    sign_in(hr)

    rows = read_csv(
        download(
            client,
            role_id=role.id,
            submitted_from=["10", "3", "2026"],
            submitted_to=["20", "3", "2026"],
            columns=["reference"],
            format="csv",
        )
    )
    page = client.get(
        SHORTLIST,
        query_string={
            "role_id": role.id,
            "submitted_from": ["10", "3", "2026"],
            "submitted_to": ["20", "3", "2026"],
            "columns": ["reference"],
            "format": "csv",
        },
    ).get_data(as_text=True)

    assert rows == [["Reference"], ["REF-FIRST"], ["REF-LAST"]]
    assert "2 candidates match" in page
    assert "submitted from 10 March 2026 to 20 March 2026" in page
    filters = export_events()[0].details["filters"]
    assert (filters["submitted_from"], filters["submitted_to"]) == ("2026-03-10", "2026-03-20")


@pytest.mark.parametrize(
    ("dates", "message"),
    [
        ({"submitted_from": ["31", "2", "2026"]}, "The from date must be a real date"),
        ({"submitted_from": ["1", "13", "2026"]}, "The from date must be a real date"),
        ({"submitted_to": ["x", "y", "z"]}, "The to date must be a real date"),
        ({"submitted_from": ["", "3", "2026"]}, "The from date must include a day"),
        (
            {"submitted_from": ["20", "3", "2026"], "submitted_to": ["10", "3", "2026"]},
            "The to date must be the same as or after the from date",
        ),
        ({"status": ["sift", "draft"]}, "Select a stage from the list"),
        ({"campaign_id": "abc"}, "Select a campaign from the list"),
    ],
)
def test_bad_filters_are_explained_and_nothing_is_exported(
    client, sign_in, hr, role, candidate, dates, message
):
    candidate(full_name="Should Not Leave")
    db.session.commit()
    sign_in(hr)
    params = {"columns": ["reference", "full_name"], "format": "csv"} | dates
    if "campaign_id" not in dates:
        params["role_id"] = role.id

    response = client.get(DOWNLOAD, query_string=params)

    page = response.get_data(as_text=True)
    assert response.mimetype == "text/html"
    assert "There is a problem" in page
    assert "<title>Error:" in page
    assert message in page
    assert "Should Not Leave" not in page
    assert export_events() == []


def test_a_role_and_a_campaign_together_are_refused(client, sign_in, hr, role, campaign):
    db.session.commit()
    sign_in(hr)

    page = client.get(
        DOWNLOAD,
        query_string={
            "role_id": role.id,
            "campaign_id": campaign.id,
            "columns": ["reference"],
            "format": "csv",
        },
    ).get_data(as_text=True)

    assert "Select a role or a whole campaign, not both" in page
    assert export_events() == []


@pytest.mark.parametrize("status", [None, "submitted", "sift"])
def test_a_manager_is_refused_names_while_name_blind(
    client, sign_in, manager, role, candidate, status
):
    candidate(status=Status.SIFT, full_name="Blind Name")
    db.session.commit()
    sign_in(manager)
    params = {"role_id": role.id, "columns": ["reference", "full_name"], "format": "xlsx"}
    if status:
        params["status"] = [status, "interview"]

    response = download(client, **params)

    page = response.get_data(as_text=True)
    assert "Content-Disposition" not in response.headers
    assert "only HR can see who candidates are while they are new or in the sift" in page
    assert "Blind Name" not in page
    assert export_events() == []

"""Who may export what: a hiring manager only their scope and never identity or adjustments;
partners, mentors and anonymous people nothing."""

from __future__ import annotations

import pytest

from tests.exports.conftest import DOWNLOAD, SHORTLIST, download, export_events, read_csv
from tests.factories import ApplicationFactory, RoleFactory, UserFactory
from tracker.accounts.models import StaffRole
from tracker.extensions import db


def test_a_manager_exports_their_own_role(client, sign_in, manager, role, candidate):
    candidate(reference="REF-0001")
    db.session.commit()
    sign_in(manager)

    rows = read_csv(download(client, role_id=role.id, columns=["reference"], format="csv"))

    assert rows == [["Reference"], ["REF-0001"]]
    assert export_events()[0].actor_id == manager.id


@pytest.mark.parametrize("format_", ["csv", "xlsx"])
def test_another_tracks_role_is_not_found(client, sign_in, manager, other_role, candidate, format_):
    candidate(role=other_role, full_name="Outside Scope")
    db.session.commit()
    sign_in(manager)

    response = download(client, role_id=other_role.id, columns=["reference"], format=format_)
    page = client.get(SHORTLIST, query_string={"role_id": other_role.id})

    assert response.status_code == 404
    assert page.status_code == 404
    assert "Outside Scope" not in response.get_data(as_text=True)
    assert export_events() == []


def test_a_track_export_holds_only_the_managers_roles(client, sign_in, track, role):
    """A manager who looks after one role of a track sees only that role's candidates."""
    sibling = RoleFactory(track=track, title="Cyber security apprentice", slug="cyber")
    ApplicationFactory(role=role, submitted=True, reference="REF-MINE")
    ApplicationFactory(role=sibling, submitted=True, reference="REF-SIBL")
    ApplicationFactory(submitted=True, reference="REF-OTHER")
    one_role_manager = UserFactory(roles=[StaffRole.HIRING_MANAGER], scoped_roles=[role])
    db.session.commit()
    sign_in(one_role_manager)

    rows = read_csv(download(client, track_id=track.id, columns=["reference"], format="csv"))

    assert rows == [["Reference"], ["REF-MINE"]]
    assert export_events()[0].details["rows"] == 1


def test_a_track_outside_the_scope_is_not_found(client, sign_in, manager, other_role):
    db.session.commit()
    sign_in(manager)

    response = download(client, track_id=other_role.track_id, columns=["reference"], format="csv")

    assert response.status_code == 404
    assert export_events() == []


def test_a_managers_form_offers_only_their_roles_and_columns(
    client, sign_in, manager, role, other_role
):
    db.session.commit()
    sign_in(manager)

    page = client.get(SHORTLIST).get_data(as_text=True)

    assert role.title in page
    assert other_role.title not in page
    assert 'value="adjustments"' not in page
    # Offered for stages past the sift, where the manager's pages show who applied.
    for identity in ("full_name", "email", "phone", "postcode", "preferred_contact"):
        assert f'value="{identity}"' in page
    assert "Names and contact details are for HR, or for stages after the sift" in page
    assert 'value="reference"' in page


@pytest.mark.parametrize(
    ("column", "message"),
    [
        ("full_name", "You cannot export the Full name column: only HR can see who candidates are"),
        ("email", "You cannot export the Email column"),
        ("phone", "You cannot export the Phone column"),
        ("postcode", "You cannot export the Postcode column"),
        ("preferred_contact", "You cannot export the Preferred contact column"),
        ("adjustments", "only HR can see the adjustments candidates ask for"),
    ],
)
@pytest.mark.parametrize("format_", ["csv", "xlsx"])
def test_a_manager_cannot_choose_identity_or_adjustments(
    client, sign_in, manager, role, candidate, column, message, format_
):
    candidate(full_name="Secret Name", adjustments="Secret adjustment", needs_adjustments=True)
    db.session.commit()
    sign_in(manager)

    response = download(client, role_id=role.id, columns=["reference", column], format=format_)

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert "Content-Disposition" not in response.headers
    assert "There is a problem" in page
    assert message in page
    assert "Secret Name" not in page and "Secret adjustment" not in page
    assert export_events() == []


def test_anonymous_people_are_sent_to_sign_in(client, role):
    for path in (SHORTLIST, f"{DOWNLOAD}?role_id={role.id}&columns=reference&format=csv"):
        response = client.get(path)

        assert response.status_code == 302
        assert response.location.startswith("/staff/sign-in")
    assert export_events() == []


@pytest.mark.parametrize("staff_role", [StaffRole.PARTNER, StaffRole.MENTOR])
def test_partners_and_mentors_are_refused(client, sign_in, role, candidate, staff_role):
    candidate(full_name="Not For Partners")
    user = UserFactory(roles=[staff_role])
    db.session.commit()
    sign_in(user)

    page = client.get(SHORTLIST)
    response = download(client, role_id=role.id, columns=["reference"], format="csv")

    assert page.status_code == 403
    assert response.status_code == 403
    assert "Not For Partners" not in response.get_data(as_text=True)
    assert export_events() == []

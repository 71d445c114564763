"""Given staff and partner employees with the mentor role, when HR sets up and edits their
mentor profiles, then only sound profiles are saved and bad input changes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.factories import TrackFactory, UserFactory
from tests.helpers import csrf_token
from tests.mentoring.factories import MentorProfileFactory, assigned, hired
from tracker.accounts.models import StaffRole
from tracker.audit.models import AuditEvent
from tracker.extensions import db
from tracker.mentoring.models import MentorProfile


def _save(client, user, **data):
    path = f"/staff/mentors/{user.id}"
    return client.post(path, data={"csrf_token": csrf_token(client, path), **data})


def test_hr_sees_every_mentor_and_who_is_not_set_up(client, sign_in, hr, mentor, track):
    waiting = UserFactory(roles=[StaffRole.MENTOR, StaffRole.PARTNER], name="Priya Shah")
    UserFactory(roles=[StaffRole.MENTOR], name="Gone Away", is_active=False)
    UserFactory(roles=[StaffRole.HIRING_MANAGER], name="Not A Mentor")
    sign_in(hr)

    page = client.get("/staff/mentors").get_data(as_text=True)

    assert "Morgan Lee" in page and "Data analysis" in page
    assert "0 of 3 used" in page and "3 left" in page
    assert "Priya Shah" in page and waiting.partner_organisation.name in page
    assert "Not set up" in page and "will not be suggested" in page
    assert f"/staff/mentors/{waiting.id}" in page
    assert "Gone Away" not in page and "Not A Mentor" not in page


def test_hr_sets_up_a_profile_that_is_audited(client, sign_in, hr, track):
    user = UserFactory(roles=[StaffRole.MENTOR], name="Priya Shah")
    other = TrackFactory(name="ICT support")
    sign_in(hr)

    response = _save(
        client,
        user,
        about="Service desk lead, Local Tech Ltd",
        tracks=[str(track.id), str(other.id)],
        capacity="4",
    )

    assert response.status_code == 302
    profile = db.session.scalars(select(MentorProfile)).one()
    assert (profile.user_id, profile.about, profile.capacity, profile.assigned) == (
        user.id,
        "Service desk lead, Local Tech Ltd",
        4,
        0,
    )
    assert {t.name for t in profile.tracks} == {"Data analysis", "ICT support"}
    assert db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "mentor.profile_created")
    )
    listing = client.get("/staff/mentors").get_data(as_text=True)
    assert "Service desk lead, Local Tech Ltd" in listing


def test_bad_profile_input_is_explained_and_changes_nothing(client, sign_in, hr, mentor, track):
    sign_in(hr)
    before = (mentor.about, mentor.capacity, [t.id for t in mentor.tracks])

    for data, message in [
        ({"about": "", "tracks": [str(track.id)], "capacity": "3"}, "Enter their job"),
        ({"about": "x" * 201, "tracks": [str(track.id)], "capacity": "3"}, "200 characters"),
        # Markup is text, escaped when shown; characters that reorder text are refused.
        ({"about": "Boss\u202e", "tracks": [str(track.id)], "capacity": "3"}, "unusual"),
        ({"about": "Developer", "capacity": "3"}, "Select at least one track"),
        ({"about": "Developer", "tracks": ["999999"], "capacity": "3"}, "tracks from the list"),
        ({"about": "Developer", "tracks": ["drop"], "capacity": "3"}, "tracks from the list"),
        ({"about": "Developer", "tracks": [str(track.id)], "capacity": ""}, "Enter how many"),
        ({"about": "Developer", "tracks": [str(track.id)], "capacity": "21"}, "between 1 and 20"),
        ({"about": "Developer", "tracks": [str(track.id)], "capacity": "0"}, "between 1 and 20"),
        ({"about": "Developer", "tracks": [str(track.id)], "capacity": "two"}, "whole number"),
    ]:
        response = _save(client, mentor.user, **data)
        page = response.get_data(as_text=True)
        assert response.status_code == 200, data
        assert message in page, data
        assert "There is a problem" in page and page.count("<title>Error: ") == 1

    db.session.expire_all()
    profile = db.session.get(MentorProfile, mentor.id)
    assert (profile.about, profile.capacity, [t.id for t in profile.tracks]) == before


def test_capacity_never_drops_below_the_apprentices_a_mentor_has(
    client, sign_in, hr, mentor, track, role
):
    for _ in range(2):
        assigned(hired(role), mentor)
    db.session.commit()  # the refused request's rollback must not undo the setup
    sign_in(hr)

    refused = _save(client, mentor.user, about="Developer", tracks=[str(track.id)], capacity="1")

    assert "Capacity must be 2 or more, as Morgan Lee mentors 2 apprentices now" in (
        refused.get_data(as_text=True)
    )
    db.session.expire_all()
    assert db.session.get(MentorProfile, mentor.id).capacity == 3
    _save(client, mentor.user, about="Developer", tracks=[str(track.id)], capacity="2")
    db.session.expire_all()
    assert db.session.get(MentorProfile, mentor.id).capacity == 2


def test_a_user_who_is_not_an_active_mentor_has_no_profile_page(client, sign_in, hr):
    manager = UserFactory(roles=[StaffRole.HIRING_MANAGER])
    former = MentorProfileFactory(user=UserFactory(roles=[StaffRole.MENTOR], is_active=False))
    sign_in(hr)

    assert client.get(f"/staff/mentors/{manager.id}").status_code == 404
    assert client.get(f"/staff/mentors/{former.user.id}").status_code == 404
    assert client.get("/staff/mentors/999999").status_code == 404
    assert _save(client, manager, about="x", capacity="2").status_code == 404
    assert db.session.scalar(select(func.count()).select_from(MentorProfile)) == 1


@pytest.mark.parametrize(
    "staff_role",
    [StaffRole.HIRING_MANAGER, StaffRole.PARTNER, StaffRole.MENTOR],
    ids=lambda r: r.value,
)
def test_only_hr_manages_mentors(client, sign_in, mentor, staff_role):
    sign_in(UserFactory(roles=[staff_role]))

    assert client.get("/staff/mentors").status_code == 403
    assert client.get(f"/staff/mentors/{mentor.user.id}").status_code == 403
    assert _save(client, mentor.user, about="x", capacity="2").status_code == 403


def test_anonymous_people_are_sent_to_sign_in_for_mentor_pages(client, mentor):
    for path in ("/staff/mentors", f"/staff/mentors/{mentor.user.id}"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.location.startswith("/staff/sign-in")

"""Given a mentor with apprentices, when they open their mentees and keep their log, then
they see only their own apprentices, contact details only with consent, never anything from
the application, and a log that refuses entries that cannot be right."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.factories import UserFactory
from tests.helpers import csrf_token
from tests.mentoring.factories import MentorProfileFactory, assigned, hired
from tracker import clock
from tracker.accounts.models import StaffRole
from tracker.extensions import db
from tracker.formatting import long_date
from tracker.mentoring.models import LogKind, MentoringLogEntry


def _day(value):
    return [str(value.day), str(value.month), str(value.year)]


def _log(client, application, **data):
    path = f"/staff/mentees/{application.id}"
    return client.post(path, data={"csrf_token": csrf_token(client, path), **data})


def _entries() -> int:
    return db.session.scalar(select(func.count()).select_from(MentoringLogEntry))


def test_a_mentor_sees_only_their_own_live_mentees(client, sign_in, role, mentor, apprentice):
    assigned(apprentice, mentor)
    other_mentor = MentorProfileFactory()
    someone_elses = hired(role, full_name="Someone Else")
    assigned(someone_elses, other_mentor)
    moved_on = hired(role, full_name="Moved On")
    assigned(moved_on, mentor, ended=True)
    assigned(moved_on, other_mentor)
    sign_in(mentor.user)

    listing = client.get("/staff/mentees").get_data(as_text=True)

    assert "Alex Example" in listing and "Data analyst apprentice" in listing
    assert "Someone Else" not in listing and "Moved On" not in listing
    assert client.get(f"/staff/mentees/{apprentice.id}").status_code == 200
    assert client.get(f"/staff/mentees/{someone_elses.id}").status_code == 404
    assert client.get(f"/staff/mentees/{moved_on.id}").status_code == 404
    assert client.get("/staff/mentees/999999").status_code == 404


def test_a_mentor_with_no_mentees_is_told_what_happens_next(client, sign_in, mentor):
    sign_in(mentor.user)

    page = client.get("/staff/mentees").get_data(as_text=True)

    assert "You have no mentees yet" in page


@pytest.mark.parametrize(
    "staff_role",
    [StaffRole.ADMIN, StaffRole.HIRING_MANAGER, StaffRole.PARTNER],
    ids=lambda r: r.value,
)
def test_people_who_are_not_mentors_cannot_see_mentees(
    client, sign_in, mentor, apprentice, staff_role
):
    assigned(apprentice, mentor)
    sign_in(UserFactory(roles=[staff_role]))

    assert client.get("/staff/mentees").status_code == 403
    assert client.get(f"/staff/mentees/{apprentice.id}").status_code == 403


def test_anonymous_people_are_sent_to_sign_in_for_mentee_pages(client, mentor, apprentice):
    assigned(apprentice, mentor)
    for path in ("/staff/mentees", f"/staff/mentees/{apprentice.id}"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.location.startswith("/staff/sign-in")


def test_contact_details_appear_only_when_the_apprentice_agreed(client, sign_in, role, mentor):
    agreed = hired(role, consent=True, full_name="Alex Agreed", phone="07911 123456")
    declined = hired(role, consent=False, full_name="Dee Declined", phone="07700 900321")
    never_asked = hired(role, consent=None, full_name="Nat Notasked", phone="07700 900654")
    for application in (agreed, declined, never_asked):
        assigned(application, mentor)
    sign_in(mentor.user)

    listing = client.get("/staff/mentees").get_data(as_text=True)
    shared = client.get(f"/staff/mentees/{agreed.id}").get_data(as_text=True)
    withheld = client.get(f"/staff/mentees/{declined.id}").get_data(as_text=True)
    unknown = client.get(f"/staff/mentees/{never_asked.id}").get_data(as_text=True)

    for page in (listing, shared):
        assert agreed.applicant.email in page and "07911 123456" in page
    for page in (listing, withheld, unknown):
        assert declined.applicant.email not in page and "07700 900321" not in page
        assert never_asked.applicant.email not in page and "07700 900654" not in page
    assert "HR will arrange your first meeting" in withheld
    assert "HR will arrange your first meeting" in unknown


def test_the_mentee_page_shows_nothing_from_the_application(client, sign_in, mentor, apprentice):
    apprentice.adjustments = "A quiet room, please"
    apprentice.needs_adjustments = True
    apprentice.other_qualifications = "GCSE computing"
    assigned(apprentice, mentor)
    sign_in(mentor.user)

    page = client.get(f"/staff/mentees/{apprentice.id}").get_data(as_text=True)

    assert "Alex Example" in page and "Data analysis" in page
    for private in (
        "1 High Street",
        "SW1A 1AA",
        "Exampleton",
        long_date(apprentice.date_of_birth),
        apprentice.date_of_birth.isoformat(),
        "A quiet room, please",
        "GCSE computing",
        "An example for",
        "Disability",
        "Equality",
    ):
        assert private not in page, private


def test_a_mentor_adds_check_ins_and_projects_and_sees_the_log_newest_first(
    client, sign_in, mentor, apprentice
):
    earlier = MentorProfileFactory(user=UserFactory(roles=[StaffRole.MENTOR], name="Earlier One"))
    assigned(apprentice, earlier, ended=True)
    db.session.add(
        MentoringLogEntry(
            application_id=apprentice.id,
            author_id=earlier.user_id,
            author="Earlier One",
            kind=LogKind.CHECK_IN,
            occurred_on=clock.today() - timedelta(days=30),
            note="Talked about the first month.",
            status="held",
            created_at=clock.utcnow(),
        )
    )
    assigned(apprentice, mentor)
    sign_in(mentor.user)
    week_ago = clock.today() - timedelta(days=7)

    _log(
        client,
        apprentice,
        kind="check_in",
        status="held",
        occurred_on=_day(week_ago),
        note="Went through the timesheet system.\n\nNext: meet the data team.",
    )
    response = _log(
        client,
        apprentice,
        kind="project",
        status="in_progress",
        occurred_on=_day(clock.today() + timedelta(days=14)),  # a project may be planned
        title="Dashboard of library visits",
        note="Building a dashboard with the libraries team.",
    )

    assert response.status_code == 302
    page = client.get(f"/staff/mentees/{apprentice.id}").get_data(as_text=True)
    assert page.index("Dashboard of library visits") < page.index("Went through the timesheet")
    assert page.index("Went through the timesheet") < page.index("Talked about the first month")
    assert "In progress" in page and "Held" in page
    assert "Next: meet the data team." in page
    assert "Recorded by Earlier One" in page and f"Recorded by {mentor.user.name}" in page
    listing = client.get("/staff/mentees").get_data(as_text=True)
    assert "Dashboard of library visits" in listing


def test_log_entries_that_cannot_be_right_are_explained_and_not_saved(
    client, sign_in, mentor, apprentice
):
    assigned(apprentice, mentor)
    sign_in(mentor.user)
    today = clock.today()
    good = {"kind": "check_in", "status": "held", "occurred_on": _day(today), "note": "A chat."}
    project = {"kind": "project", "title": "Intranet page", "status": "in_progress"}

    for changes, message in [
        ({"status": ""}, "Select how the check-in went"),
        ({"status": "complete"}, "Select one of the options"),
        ({"occurred_on": ["", "", ""]}, "Enter the date"),
        ({"occurred_on": ["31", "2", str(today.year)]}, "Date must be a real date"),
        ({"occurred_on": ["1", "", str(today.year)]}, "Date must include a month"),
        ({"occurred_on": ["1", "1", "27"]}, "Year must include 4 numbers"),
        (
            {"occurred_on": _day(today + timedelta(days=1))},
            "The date of a check-in must be today or in the past",
        ),
        ({"note": ""}, "Enter a note"),
        ({"note": "x" * 2001}, "Note must be 2000 characters or fewer"),
        ({"note": "Went \x1b[31mwell"}, "Note must not include hidden or unusual characters"),
        (project | {"title": ""}, "Enter a title for the project"),
        (project | {"title": "Intranet\u2066"}, "Title must not include hidden or unusual"),
        (project | {"status": ""}, "Select where the project is up to"),
        (project | {"status": "held"}, "Select one of the options"),
    ]:
        page = _log(client, apprentice, **(good | changes)).get_data(as_text=True)
        assert message in page, changes
        assert "There is a problem" in page, changes

    assert _entries() == 0


def test_only_the_current_mentor_can_add_to_the_log(client, sign_in, role, mentor, apprentice):
    assigned(apprentice, mentor, ended=True)
    db.session.commit()
    sign_in(mentor.user)

    response = _log(
        client,
        apprentice,
        kind="check_in",
        status="held",
        occurred_on=_day(clock.today()),
        note="Should not be saved.",
    )

    assert response.status_code == 404
    assert _entries() == 0


def test_the_mentor_chooses_a_check_in_or_a_project_by_link(client, sign_in, mentor, apprentice):
    assigned(apprentice, mentor)
    sign_in(mentor.user)
    path = f"/staff/mentees/{apprentice.id}"

    check_in = client.get(path).get_data(as_text=True)
    project = client.get(f"{path}?kind=project").get_data(as_text=True)

    assert "Add a check-in" in check_in and "How did the check-in go?" in check_in
    assert "Project title" not in check_in and "Rescheduled" in check_in
    assert f"{path}?kind=project#add" in check_in
    assert "Add a portfolio project" in project and "Project title" in project
    assert "Where is the project up to?" in project and "In progress" in project
    assert "Rescheduled" not in project

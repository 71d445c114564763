"""The interviews overview: upcoming slots across the roles a person looks after, by day; and
the panel's calendar invitation, for the panel and HR only."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from icalendar import Calendar

from tests.factories import RoleFactory, SlotFactory, UserFactory
from tests.helpers import sign_in_as
from tracker import clock
from tracker.accounts.models import StaffRole
from tracker.scheduling.models import SlotKind


def _at(day, hh_mm: str) -> datetime:
    return datetime.combine(day, time.fromisoformat(hh_mm), tzinfo=clock.UK)


def test_managers_see_upcoming_slots_for_their_roles_by_day(client, sign_in):
    mine = RoleFactory(title="Data analyst apprentice")
    theirs = RoleFactory(title="Cyber security apprentice")
    manager = UserFactory(roles=[StaffRole.HIRING_MANAGER], tracks=[mine.track])
    panel = UserFactory(roles=[StaffRole.ADMIN], name="Priya Shah")
    first_day = clock.today() + timedelta(days=3)
    second_day = first_day + timedelta(days=1)
    later = SlotFactory(role=mine, starts_at=_at(second_day, "14:00"), place="Room 2")
    early = SlotFactory(
        role=mine,
        kind=SlotKind.ASSESSMENT,
        starts_at=_at(first_day, "09:00"),
        minutes=30,
        capacity=6,
        booked=2,
        place="https://video.example.com/meeting/abcdefghijklmnopqrstuvwxyz0123456789",
        panel=[panel],
    )
    hidden = SlotFactory(role=theirs, starts_at=_at(first_day, "10:00"))
    past = SlotFactory(role=mine, starts_at=clock.utcnow() - timedelta(days=2))
    cancelled = SlotFactory(role=mine, starts_at=_at(first_day, "11:00"))
    cancelled.cancelled_at = clock.utcnow()
    sign_in(manager)

    page = client.get("/staff/interviews").get_data(as_text=True)

    assert "<title>Interviews and assessments" in page
    assert page.index(f'id="day-{first_day.isoformat()}"') < page.index(
        f'id="day-{second_day.isoformat()}"'
    )
    assert page.index(f'data-slot="{early.id}"') < page.index(f'data-slot="{later.id}"')
    assert "09:00 to 09:30: Assessment, Data analyst apprentice" in page
    assert "14:00 to 14:45: Interview, Data analyst apprentice" in page
    assert "2 of 6" in page and "Priya Shah" in page
    assert "1 slot, 2 of 6 places booked" in page  # the first day: the cancelled one is gone
    assert f'href="/staff/slots/{early.id}"' in page
    assert f'href="/staff/roles/{mine.id}/slots"' in page
    for absent in (hidden, past, cancelled):
        assert f'data-slot="{absent.id}"' not in page


def test_the_interviews_page_says_when_there_are_none(client, sign_in):
    sign_in(UserFactory(roles=[StaffRole.HIRING_MANAGER], tracks=[RoleFactory().track]))

    page = client.get("/staff/interviews").get_data(as_text=True)

    assert 'id="no-interviews"' in page


def test_partners_and_mentors_have_no_interviews_page(client, sign_in):
    sign_in(UserFactory(roles=[StaffRole.PARTNER]))

    assert client.get("/staff/interviews").status_code == 403


def test_the_invitation_is_for_the_panel_and_hr_only(client, sign_in, app):
    role = RoleFactory(title="Data analyst apprentice")
    on_panel = UserFactory(roles=[StaffRole.HIRING_MANAGER], tracks=[role.track], name="Ann Lee")
    colleague = UserFactory(roles=[StaffRole.HIRING_MANAGER], tracks=[role.track])
    slot = SlotFactory(role=role, panel=[on_panel], place="Room 4; Town Hall, Main Street")
    path = f"/staff/slots/{slot.id}/invitation.ics"

    sign_in(colleague)
    assert client.get(path).status_code == 404
    assert "calendar invitation" not in client.get(f"/staff/slots/{slot.id}").get_data(as_text=True)

    client = app.test_client()
    sign_in_as(client, on_panel)
    assert f'href="{path}"' in client.get(f"/staff/slots/{slot.id}").get_data(as_text=True)
    response = client.get(path)
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    assert str(calendar["METHOD"]) == "REQUEST"
    [event] = calendar.walk("VEVENT")
    assert str(event["UID"]).startswith(f"slot-{slot.id}@")
    assert event.decoded("DTSTART") == slot.starts_at
    assert event.decoded("DTEND") == slot.starts_at + timedelta(minutes=45)
    assert str(event["SUMMARY"]) == "Interview: Data analyst apprentice"
    assert str(event["LOCATION"]) == "Room 4; Town Hall, Main Street"
    assert str(event["ATTENDEE"]) == f"mailto:{on_panel.email}"
    assert event["ATTENDEE"].params["CN"] == "Ann Lee"
    assert str(event["ORGANIZER"]).startswith("mailto:")

    hr = app.test_client()
    sign_in_as(hr, UserFactory(roles=[StaffRole.ADMIN]))
    assert hr.get(path).data == response.data

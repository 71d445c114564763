"""Staff add assessment and interview times; invited candidates book, rebook or cancel them
from their dashboard; a full time is refused; the panel sees the adjustments asked for."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from tests.applications.conftest import sign_in_applicant
from tests.factories import ApplicationFactory, RoleFactory, SlotFactory, UserFactory
from tests.helpers import csrf_token
from tracker import clock
from tracker.accounts.models import StaffRole
from tracker.applications import pipeline
from tracker.applications.states import Event, Status
from tracker.extensions import db
from tracker.formatting import long_datetime
from tracker.notifications.models import Email
from tracker.notifications.rendering import render_email
from tracker.scheduling import queries, services
from tracker.scheduling.models import Booking, Slot, SlotKind


def _emails(template: str) -> list[Email]:
    return db.session.scalars(select(Email).where(Email.template == template)).all()


def _invited(role, status=Status.INTERVIEW, **values):
    return ApplicationFactory(role=role, submitted=True, stage=status, **values)


def test_a_manager_adds_a_time_and_bad_input_is_explained(client, sign_in):
    role = RoleFactory()
    sign_in(UserFactory(roles=[StaffRole.HIRING_MANAGER], tracks=[role.track]))
    path = f"/staff/roles/{role.id}/slots"
    day = clock.today() + timedelta(days=10)

    refused = client.post(
        path,
        data={
            "csrf_token": csrf_token(client, path),
            "kind": "interview",
            "day": [str(day.day), str(day.month), str(day.year)],
            "time": "25:99",
            "minutes": "45",
            "place": "Town Hall",
            "capacity": "0",
        },
    )
    page = refused.get_data(as_text=True)
    assert "Enter a time like 10:00 or 14:30" in page
    assert "Places must be between 1 and 100" in page
    assert db.session.scalar(select(func.count()).select_from(Slot)) == 0

    client.post(
        path,
        data={
            "csrf_token": csrf_token(client, path),
            "kind": "interview",
            "day": [str(day.day), str(day.month), str(day.year)],
            "time": "10:30",
            "minutes": "45",
            "place": "Committee room 2, Town Hall",
            "capacity": "3",
        },
    )
    slot = db.session.scalars(select(Slot)).one()
    assert (slot.capacity, slot.booked, slot.minutes) == (3, 0, 45)
    assert slot.starts_at.astimezone(clock.UK).strftime("%H:%M") == "10:30"


def test_the_same_time_in_the_same_place_cannot_be_added_twice(client, sign_in):
    role = RoleFactory()
    sign_in(UserFactory(roles=[StaffRole.HIRING_MANAGER], tracks=[role.track]))
    path = f"/staff/roles/{role.id}/slots"
    day = clock.today() + timedelta(days=10)

    def add(time="14:30", place="Committee room 2, Town Hall", kind="interview"):
        return client.post(
            path,
            data={
                "csrf_token": csrf_token(client, path),
                "kind": kind,
                "day": [str(day.day), str(day.month), str(day.year)],
                "time": time,
                "minutes": "45",
                "place": place,
                "capacity": "3",
            },
        )

    add()
    refused = add(place="  committee room 2,   Town Hall ")

    page = refused.get_data(as_text=True)
    assert refused.status_code == 200
    assert "There is already an interview on" in page
    assert "at 2:30pm at this place, with 3 places. Choose another time or place" in page
    assert 'href="#time"' in page  # the error summary leads to the start time
    assert db.session.scalar(select(func.count()).select_from(Slot)) == 1

    # Another time, another place, or an assessment at that time are all different slots.
    add(time="15:30")
    add(place="Committee room 3, Town Hall")
    add(kind="assessment")
    assert db.session.scalar(select(func.count()).select_from(Slot)) == 4


def test_a_candidate_books_rebooks_and_cancels(client):
    role = RoleFactory()
    first, second = SlotFactory(role=role), SlotFactory(role=role, minutes=30)
    application = _invited(role)
    sign_in_applicant(client, application.applicant)
    path = f"/applications/{application.id}/booking"

    assert "Choose a time" in client.get("/applications").get_data(as_text=True)
    client.post(path, data={"csrf_token": csrf_token(client, path), "slot": str(first.id)})
    db.session.refresh(first)
    assert first.booked == 1
    page = client.get(path).get_data(as_text=True)
    assert "Add it to your calendar" in page and first.place in page

    calendar = client.get(f"{path}.ics")
    body = calendar.get_data(as_text=True)
    assert calendar.mimetype == "text/calendar"
    assert "BEGIN:VEVENT" in body and "DTSTART:" in body and "Committee room 2" in body

    client.post(path, data={"csrf_token": csrf_token(client, path), "slot": str(second.id)})
    db.session.refresh(first)
    db.session.refresh(second)
    assert (first.booked, second.booked) == (0, 1)

    client.post(f"{path}/cancel", data={"csrf_token": csrf_token(client, path)})
    db.session.refresh(second)
    assert second.booked == 0
    assert queries.live_booking(application) is None
    assert len(_emails("booking_confirmed")) == 2
    assert len(_emails("booking_cancelled")) == 1
    rendered = render_email("booking_confirmed", _emails("booking_confirmed")[0].context)
    assert first.place in rendered.text and "/booking.ics" in rendered.text


def test_a_full_time_is_not_offered_and_cannot_be_taken(client):
    role = RoleFactory()
    full = SlotFactory(role=role, capacity=1)
    services.book(applicant=(other := _invited(role)).applicant, application=other, slot_id=full.id)
    application = _invited(role)
    sign_in_applicant(client, application.applicant)
    path = f"/applications/{application.id}/booking"

    assert "There are no times with places left" in client.get(path).get_data(as_text=True)
    db.session.commit()  # a refused request rolls back; keep the test's rows
    response = client.post(
        path, data={"csrf_token": csrf_token(client, path), "slot": str(full.id)}
    )
    assert response.status_code == 200
    db.session.refresh(full)
    assert full.booked == 1
    assert queries.live_booking(application) is None


def test_only_candidates_at_that_stage_can_book():
    role = RoleFactory()
    slot = SlotFactory(role=role)
    in_sift = _invited(role, Status.SIFT)
    try:
        services.book(applicant=in_sift.applicant, application=in_sift, slot_id=slot.id)
    except services.SchedulingError as error:
        assert "nothing to book" in str(error)
    else:
        raise AssertionError("a candidate in sift booked an interview")


def test_another_applicants_booking_pages_are_not_found(client):
    role = RoleFactory()
    theirs = _invited(role)
    services.book(applicant=theirs.applicant, application=theirs, slot_id=SlotFactory(role=role).id)
    sign_in_applicant(client, _invited(role).applicant)
    for path in (f"/applications/{theirs.id}/booking", f"/applications/{theirs.id}/booking.ics"):
        assert client.get(path).status_code == 404


def test_the_panel_and_hr_see_adjustments_other_managers_do_not(client, app, sign_in):
    from tests.helpers import sign_in_as

    role = RoleFactory()
    panel = UserFactory(roles=[StaffRole.HIRING_MANAGER], tracks=[role.track])
    other = UserFactory(roles=[StaffRole.HIRING_MANAGER], tracks=[role.track])
    slot = SlotFactory(role=role, panel=[panel])
    application = _invited(role, needs_adjustments=True, adjustments="A ground-floor room")
    services.book(applicant=application.applicant, application=application, slot_id=slot.id)

    sign_in(panel)
    assert "A ground-floor room" in client.get(f"/staff/slots/{slot.id}").get_data(as_text=True)
    outsider = app.test_client()
    sign_in_as(outsider, other)
    page = outsider.get(f"/staff/slots/{slot.id}").get_data(as_text=True)
    assert "A ground-floor room" not in page and application.reference in page


def test_tomorrows_bookings_are_reminded_once(today):
    role = RoleFactory()
    tomorrow_ten = clock.utcnow().astimezone(clock.UK).replace(
        hour=10, minute=0, second=0, microsecond=0
    ) + timedelta(days=1)
    soon = SlotFactory(role=role, starts_at=tomorrow_ten)
    later = SlotFactory(role=role, starts_at=tomorrow_ten + timedelta(days=3))
    for slot in (soon, later):
        application = _invited(role)
        services.book(applicant=application.applicant, application=application, slot_id=slot.id)

    assert services.remind_tomorrow(today=today) == 1
    assert services.remind_tomorrow(today=today) == 0
    assert len(_emails("booking_reminder")) == 1
    assert (
        db.session.scalar(
            select(func.count()).select_from(Booking).where(Booking.reminded_at.is_not(None))
        )
        == 1
    )


def _dashboard_text(client) -> str:
    html = client.get("/applications").get_data(as_text=True)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_dashboard_asks_for_an_interview_time_until_one_is_booked(client):
    """An assessment booked earlier is not an interview time: invited to interview, the
    candidate is asked to choose one, then sees the time they booked."""
    role = RoleFactory()
    assessment = SlotFactory(role=role, kind=SlotKind.ASSESSMENT, place="Room 1, Town Hall")
    interview = SlotFactory(role=role, place="Room 2, Town Hall")
    application = _invited(role, status=Status.ASSESSMENT)
    sign_in_applicant(client, application.applicant)
    services.book(applicant=application.applicant, application=application, slot_id=assessment.id)
    pipeline.move(application, Event.INVITE_TO_INTERVIEW, actor_label="test")
    booking_page = f"/applications/{application.id}/booking"

    html = client.get("/applications").get_data(as_text=True)
    text = _dashboard_text(client)
    assert "Choose a time for your interview" in text
    assert f'href="{booking_page}">Choose a time for your interview' in html
    assert "Your interview time" not in text
    assert "We will email you about your interview" not in text
    assert "Room 1, Town Hall" not in text
    view = client.get(f"/applications/{application.id}/view").get_data(as_text=True)
    assert "Choose a time for your interview" in view

    services.book(applicant=application.applicant, application=application, slot_id=interview.id)

    text = _dashboard_text(client)
    when = long_datetime(interview.starts_at)
    assert f"Your interview is on {when} (45 minutes), at Room 2, Town Hall." in text
    assert "Change your interview time" in text
    assert "Choose a time for your interview" not in text
    view = client.get(f"/applications/{application.id}/view").get_data(as_text=True)
    assert f"Your interview is on <strong>{when}</strong>" in view

"""Acceptance: an assessment day's panel each get one calendar invitation per slot, read at a
real SMTP server from a real worker and parsed as a calendar client would; with GOV.UK Notify,
which cannot attach files, the email links to the same file. Committed data throughout."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from icalendar import Calendar
from sqlalchemy import select

from tests.factories import RoleFactory, UserFactory
from tests.helpers import csrf_token, sign_in_as
from tests.mail import Worker, quiet, wait_for
from tests.notifications.fake_notify import API_KEY, FakeNotify
from tracker import clock
from tracker.accounts.models import StaffRole
from tracker.extensions import db
from tracker.notifications.models import Email
from tracker.scheduling.models import Slot


def _login(user) -> SimpleNamespace:
    return SimpleNamespace(email=user.email, totp_secret=user.totp_secret)


def _people(app, *, days_ahead: int):
    """A role, HR who adds the day, and a panel of HR and a hiring manager."""
    with app.app_context():
        role = RoleFactory(title="Data analyst apprentice")
        hr = UserFactory(roles=[StaffRole.ADMIN], name="Priya Shah")
        manager = UserFactory(roles=[StaffRole.HIRING_MANAGER], tracks=[role.track], name="Ann Lee")
        outsider = UserFactory(roles=[StaffRole.HIRING_MANAGER], tracks=[role.track])
        db.session.commit()
        found = SimpleNamespace(
            role_id=role.id,
            hr=_login(hr),
            outsider=_login(outsider),
            manager=_login(manager),
            panel={hr.email: hr.id, manager.email: manager.id},
            day=clock.today() + timedelta(days=days_ahead),
        )
        db.session.remove()
        return found


def _add_day(app, people, *, last: str) -> list[tuple[int, datetime]]:
    client = app.test_client()
    sign_in_as(client, people.hr)
    path = f"/staff/roles/{people.role_id}/days/new"
    day = people.day
    response = client.post(
        path,
        data={
            "csrf_token": csrf_token(client, path),
            "kind": "assessment",
            "day": [str(day.day), str(day.month), str(day.year)],
            "time": "09:00",
            "last_time": last,
            "minutes": "25",
            "gap": "5",
            "capacity": "6",
            "place": "Council Chamber, Town Hall; Main Street",
            "panel": [str(i) for i in people.panel.values()],
            "confirmed": "yes",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        made = db.session.execute(
            select(Slot.id, Slot.starts_at)
            .where(Slot.role_id == people.role_id)
            .order_by(Slot.starts_at)
        ).all()
        db.session.remove()
    return [tuple(row) for row in made]


def _calendar_of(message) -> tuple[str, Calendar]:
    [part] = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    return part.get_param("method"), Calendar.from_ical(part.get_content())


def test_each_panel_member_gets_one_invitation_per_slot(mail_app, worker, smtp_server):
    people = _people(mail_app, days_ahead=20)
    made = _add_day(mail_app, people, last="16:30")
    assert len(made) == 16

    recorder = smtp_server.recorder
    wait_for(lambda: len(recorder.messages) >= 32, timeout=90, what="32 invitations")
    quiet(mail_app, smtp_server)  # a wrongly repeated one would be in by now

    assert Counter(m["To"] for m in recorder.messages) == dict.fromkeys(people.panel, 16)
    slots = dict(made)
    for member in people.panel:
        seen = []
        for message in recorder.to(member):
            assert message["Subject"].startswith(
                "Panel invitation: assessment for Data analyst apprentice"
            )
            assert (
                "The calendar invitation is attached" in message.get_body(("plain",)).get_content()
            )
            method, calendar = _calendar_of(message)
            assert method == "REQUEST"
            assert str(calendar["METHOD"]) == "REQUEST"
            [event] = calendar.walk("VEVENT")
            slot_id = int(str(event["UID"]).removeprefix("slot-").split("@")[0])
            starts = slots[slot_id]
            assert event.decoded("DTSTART") == starts
            assert event.decoded("DTEND") == starts + timedelta(minutes=25)
            assert str(event["SUMMARY"]) == "Assessment: Data analyst apprentice"
            assert str(event["LOCATION"]) == "Council Chamber, Town Hall; Main Street"
            attendees = {str(a).removeprefix("mailto:") for a in event["ATTENDEE"]}
            assert attendees == set(people.panel)
            assert str(event["ORGANIZER"]) == "mailto:apprenticeships@example.gov.uk"
            seen.append(slot_id)
        assert sorted(seen) == sorted(slots)  # one per slot, each slot once


@pytest.mark.worker
def test_with_notify_the_email_links_to_the_same_calendar(
    mail_app, mail_env, notify_server, tmp_path
):
    notify = {
        "EMAIL_BACKEND": "notify",
        "NOTIFY_API_KEY": API_KEY,
        "NOTIFY_TEMPLATE_ID": "template-1",
        "NOTIFY_BASE_URL": f"http://127.0.0.1:{notify_server.server_port}",
    }
    worker = Worker(mail_env | notify, tmp_path / "notify.log").start()
    try:
        people = _people(mail_app, days_ahead=21)
        made = _add_day(mail_app, people, last="09:00")  # one slot
        [(slot_id, _)] = made
        wait_for(
            lambda: len([r for r in FakeNotify.requests if "body" in r]) >= 2,
            timeout=60,
            what="2 emails at Notify",
        )
    finally:
        worker.stop()

    sent = {r["body"]["email_address"]: r["body"] for r in FakeNotify.requests if "body" in r}
    assert set(sent) == set(people.panel)
    body = sent[people.manager.email]["personalisation"]["body"]
    assert "Download the calendar invitation" in body
    assert "attached" not in body
    [link] = [w for w in body.split() if w.endswith("/invitation.ics")]
    path = urlsplit(link).path
    assert path == f"/staff/slots/{slot_id}/invitation.ics"

    with mail_app.app_context():
        stored = db.session.scalars(
            select(Email).where(Email.recipient == people.manager.email)
        ).one()
        [attachment] = stored.attachments
        db.session.remove()
    client = mail_app.test_client()
    sign_in_as(client, people.manager)
    response = client.get(path)
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert response.get_data(as_text=True) == attachment["content"]
    [event] = Calendar.from_ical(response.data).walk("VEVENT")
    assert str(event["UID"]).startswith(f"slot-{slot_id}@")

    stranger = mail_app.test_client()
    sign_in_as(stranger, people.outsider)
    assert stranger.get(path).status_code == 404

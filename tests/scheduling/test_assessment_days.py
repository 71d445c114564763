"""An assessment day is one form: a run of slots, checked on a confirmation page, added all
at once with each panel member's invitations queued; a slot that clashes with a panel
member's other slot, or duplicates one, is refused and nothing is added."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import func, select

from tests.factories import RoleFactory, SlotFactory, UserFactory
from tests.helpers import csrf_token
from tracker import clock
from tracker.accounts.models import StaffRole
from tracker.extensions import db
from tracker.notifications.models import Email
from tracker.scheduling.models import Slot, SlotKind


def _day(role, panel=(), **changes) -> dict:
    day = changes.pop("day", clock.today() + timedelta(days=14))
    return {
        "kind": "assessment",
        "day": [str(day.day), str(day.month), str(day.year)],
        "time": "09:00",
        "last_time": "16:30",
        "minutes": "25",
        "gap": "5",
        "capacity": "6",
        "place": "Council Chamber, Town Hall",
        "panel": [str(p.id) for p in panel],
    } | changes


def _post(client, role, data, *, confirmed=True):
    path = f"/staff/roles/{role.id}/days/new"
    extra = {"confirmed": "yes"} if confirmed else {}
    return client.post(path, data={"csrf_token": csrf_token(client, path), **data, **extra})


def _count(model=Slot) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _at(day, hh_mm: str) -> datetime:
    return datetime.combine(day, time.fromisoformat(hh_mm), tzinfo=clock.UK)


def test_a_16_slot_assessment_day_is_one_form_post(client, sign_in):
    role = RoleFactory(title="Data analyst apprentice")
    manager = UserFactory(roles=[StaffRole.HIRING_MANAGER], tracks=[role.track], name="Ann Lee")
    hr = UserFactory(roles=[StaffRole.ADMIN], name="Priya Shah")
    sign_in(manager)
    day = clock.today() + timedelta(days=14)

    response = _post(client, role, _day(role, panel=[manager, hr], day=day))

    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.location.endswith(f"/staff/roles/{role.id}/slots")
    made = db.session.scalars(select(Slot).order_by(Slot.starts_at)).all()
    assert len(made) == 16
    assert [s.starts_at for s in made] == [
        _at(day, "09:00") + timedelta(minutes=30 * n) for n in range(16)
    ]
    assert made[-1].starts_at == _at(day, "16:30")
    for slot in made:
        assert (slot.kind, slot.minutes, slot.capacity, slot.booked) == (
            SlotKind.ASSESSMENT,
            25,
            6,
            0,
        )
        assert slot.place == "Council Chamber, Town Hall"
        assert {p.id for p in slot.panel} == {manager.id, hr.id}
    invitations = db.session.scalars(select(Email).where(Email.template == "panel_invitation"))
    sent_to = sorted((e.recipient, e.context["slot_id"]) for e in invitations)
    assert sent_to == sorted((p.email, s.id) for p in (manager, hr) for s in made)
    page = client.get(response.location).get_data(as_text=True)
    assert "16 slots added" in page


def test_the_confirmation_page_says_how_many_and_when_and_changes_nothing(client, sign_in):
    role = RoleFactory(title="Data analyst apprentice")
    manager = UserFactory(roles=[StaffRole.HIRING_MANAGER], tracks=[role.track], name="Ann Lee")
    sign_in(manager)

    response = _post(client, role, _day(role, panel=[manager]), confirmed=False)

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "16 slots, 09:00 to 16:30 (the last ends at 16:55)" in page
    assert "Add 16 assessment slots and email the panel?" in page
    assert "09:00 to 09:25" in page and "16:30 to 16:55" in page
    assert "emailed 16 calendar invitations" in page
    assert "Panel invitation: assessment for Data analyst apprentice" in page  # the preview
    assert "Dear Ann," in page
    assert 'value="yes" name="confirmed"' in page
    assert f'href="/staff/roles/{role.id}/slots">Cancel</a>' in page
    assert _count() == 0 and _count(Email) == 0

    # "Change the details" goes back to the form, as it was filled in, still changing nothing.
    changed = client.post(
        f"/staff/roles/{role.id}/days/new",
        data={"csrf_token": csrf_token(client, "/staff/"), **_day(role), "change": "1"},
    )
    assert 'value="16:30"' in changed.get_data(as_text=True)
    assert _count() == 0


def test_a_clash_for_someone_on_the_panel_is_refused_and_nothing_is_made(client, sign_in):
    role, other_role = RoleFactory(), RoleFactory(title="Cyber security apprentice")
    manager = UserFactory(roles=[StaffRole.HIRING_MANAGER], tracks=[role.track])
    hr = UserFactory(roles=[StaffRole.ADMIN], name="Priya Shah")
    day = clock.today() + timedelta(days=14)
    # HR already sits on an interview for another role, 11:10 to 11:55.
    SlotFactory(role=other_role, starts_at=_at(day, "11:10"), minutes=45, panel=[hr])
    sign_in(manager)
    before = (_count(), _count(Email))

    for confirmed in (False, True):
        response = _post(
            client, role, _day(role, panel=[manager, hr], day=day), confirmed=confirmed
        )

        page = response.get_data(as_text=True)
        assert response.status_code == 200
        assert (
            page.count(
                "Priya Shah is already on the panel for an interview for Cyber security apprentice"
            )
            == 2
        )  # the summary, and beside the panel
        assert "from 11:10 to 11:55, which overlaps the slot at 11:00" in page
        assert 'href="#panel"' in page and 'id="panel-error"' in page
        assert "<title>Error: " in page
        assert (_count(), _count(Email)) == before


def test_a_cancelled_slot_or_someone_not_on_the_panel_is_no_clash(client, sign_in):
    role = RoleFactory()
    manager = UserFactory(roles=[StaffRole.HIRING_MANAGER], tracks=[role.track])
    hr = UserFactory(roles=[StaffRole.ADMIN])
    day = clock.today() + timedelta(days=14)
    SlotFactory(starts_at=_at(day, "11:10"), panel=[hr], cancelled_at=clock.utcnow())
    SlotFactory(starts_at=_at(day, "11:10"), panel=[UserFactory(roles=[StaffRole.ADMIN])])
    # Back to back is not an overlap: this one ends at 09:00.
    SlotFactory(starts_at=_at(day, "08:15"), minutes=45, panel=[manager])
    sign_in(manager)

    response = _post(client, role, _day(role, panel=[manager, hr], day=day))

    assert response.status_code == 302
    assert _count() == 3 + 16


def test_a_duplicate_of_a_slot_at_the_same_place_is_refused(client, sign_in):
    role = RoleFactory()
    manager = UserFactory(roles=[StaffRole.HIRING_MANAGER], tracks=[role.track])
    day = clock.today() + timedelta(days=14)
    SlotFactory(
        role=role,
        kind=SlotKind.ASSESSMENT,
        starts_at=_at(day, "13:00"),
        place="council chamber,  Town Hall",
        capacity=6,
    )
    sign_in(manager)

    response = _post(client, role, _day(role, day=day))

    page = response.get_data(as_text=True)
    assert "There is already an assessment on" in page
    assert "at 1:00pm at this place, with 6 places" in page
    assert 'href="#time"' in page
    assert _count() == 1


def test_single_slots_invite_their_panel_and_are_refused_on_a_clash(client, sign_in):
    role = RoleFactory()
    manager = UserFactory(roles=[StaffRole.HIRING_MANAGER], tracks=[role.track], name="Ann Lee")
    day = clock.today() + timedelta(days=10)
    path = f"/staff/roles/{role.id}/slots"

    def add(time_of_day):
        return client.post(
            path,
            data={
                "csrf_token": csrf_token(client, path),
                "kind": "interview",
                "day": [str(day.day), str(day.month), str(day.year)],
                "time": time_of_day,
                "minutes": "45",
                "place": f"Room {time_of_day}",
                "capacity": "1",
                "panel": [str(manager.id)],
            },
        )

    sign_in(manager)
    assert add("10:00").status_code == 302
    [slot] = db.session.scalars(select(Slot)).all()
    [email] = db.session.scalars(select(Email)).all()
    assert (email.template, email.recipient, email.context) == (
        "panel_invitation",
        manager.email,
        {"slot_id": slot.id, "user_id": manager.id},
    )
    [attachment] = email.attachments
    assert attachment["filename"] == "invitation.ics"
    assert attachment["content_type"] == "text/calendar; method=REQUEST"
    assert "METHOD:REQUEST" in attachment["content"]

    refused = add("10:30")
    assert "Ann Lee is already on the panel for an interview" in refused.get_data(as_text=True)
    assert (_count(), _count(Email)) == (1, 1)


def test_no_slots_without_permission_to_move_candidates(client, sign_in):
    role = RoleFactory()
    sign_in(UserFactory(roles=[StaffRole.PARTNER]))

    assert client.get(f"/staff/roles/{role.id}/days/new").status_code == 403

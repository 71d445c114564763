"""Staff scheduling forms with a mistake in each (tests/forms/harness.py): a single slot, and
an assessment day (its form, and its confirmation page's post)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import func, select

from tests.factories import RoleFactory, SlotFactory, UserFactory
from tests.forms.harness import InvalidPost
from tracker import clock
from tracker.accounts.models import ManagerScope, StaffRole
from tracker.extensions import db
from tracker.notifications.models import Email
from tracker.scheduling.models import Slot


def _manager():
    return UserFactory(roles=[StaffRole.HIRING_MANAGER], name="Ann Lee")


def _role_of(user) -> dict:
    role = RoleFactory()
    user.scopes.append(ManagerScope(track_id=role.track_id))
    db.session.flush()
    return {"url": f"/staff/roles/{role.id}/slots", "role": role.id, "user": user.id}


def _day_of(user) -> dict:
    arranged = _role_of(user)
    return arranged | {"url": f"/staff/roles/{arranged['role']}/days/new"}


def _busy(arrange):
    """The manager already sits on an interview for another role at 11:10 on the day."""

    def arranged_busy(user) -> dict:
        arranged = arrange(user)
        day = clock.today() + timedelta(days=10)
        at = datetime.combine(day, time(11, 10), tzinfo=clock.UK)
        SlotFactory(starts_at=at, minutes=45, panel=[user])
        return arranged

    return arranged_busy


def _date(day) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


def _slot(**changes) -> dict:
    return {
        "kind": "interview",
        "day": _date(clock.today() + timedelta(days=10)),
        "time": "10:30",
        "minutes": "45",
        "place": "Committee room 2, Town Hall",
        "capacity": "3",
    } | changes


def _day(**changes) -> dict:
    return {
        "kind": "assessment",
        "day": _date(clock.today() + timedelta(days=10)),
        "time": "09:00",
        "last_time": "16:30",
        "minutes": "25",
        "gap": "5",
        "capacity": "6",
        "place": "Council Chamber, Town Hall",
    } | changes


def _slots(arranged) -> tuple[int, int]:
    return (
        db.session.scalar(select(func.count()).select_from(Slot)),
        db.session.scalar(select(func.count()).select_from(Email)),
    )


def _case(name, endpoint, arrange, data, field, message, anchor=None) -> InvalidPost:
    return InvalidPost(
        name=name,
        endpoint=endpoint,
        user=_manager,
        arrange=arrange,
        data=data,
        field=field,
        message=message,
        state=_slots,
        anchor=anchor,
    )


YESTERDAY = _date(clock.today() - timedelta(days=1))

CASES = [
    _case(
        "slot-with-an-impossible-time",
        "scheduling.slots",
        _role_of,
        lambda arranged: _slot(time="25:99"),
        "time",
        "Enter a time like 10:00 or 14:30",
    ),
    _case(
        "slot-on-a-past-date",
        "scheduling.slots",
        _role_of,
        lambda arranged: _slot(day=_date(clock.today() - timedelta(days=1))),
        "day",
        "The date must be today or in the future",
        anchor="day-day",
    ),
    _case(
        "slot-clashing-with-a-panel-members-other-slot",
        "scheduling.slots",
        _busy(_role_of),
        lambda arranged: _slot(time="11:30", panel=[str(arranged["user"])]),
        "panel",
        "Ann Lee is already on the panel for an interview",
    ),
    _case(
        "day-whose-last-start-is-before-its-first",
        "scheduling.new_day",
        _day_of,
        lambda arranged: _day(time="14:00", last_time="09:00"),
        "last_time",
        "The last start time must be the same as or later than the first start time",
    ),
    _case(
        "day-of-more-than-40-slots",
        "scheduling.new_day",
        _day_of,
        lambda arranged: _day(time="08:00", last_time="18:00", minutes="10", gap="0"),
        "last_time",
        "That makes 61 slots, and a day can have at most 40",
    ),
    _case(
        "day-with-a-gap-too-long",
        "scheduling.new_day",
        _day_of,
        lambda arranged: _day(gap="300"),
        "gap",
        "The gap must be between 0 and 240 minutes",
    ),
    _case(
        "day-of-slots-too-short",
        "scheduling.new_day",
        _day_of,
        lambda arranged: _day(minutes="2"),
        "minutes",
        "The length must be between 5 and 600 minutes",
    ),
    _case(
        "day-in-the-past",
        "scheduling.new_day",
        _day_of,
        lambda arranged: _day(day=_date(clock.today() - timedelta(days=1))),
        "day",
        "The date must be today or in the future",
        anchor="day-day",
    ),
    _case(
        "day-clashing-with-a-panel-members-other-slot",
        "scheduling.new_day",
        _busy(_day_of),
        lambda arranged: _day(panel=[str(arranged["user"])]),
        "panel",
        "which overlaps the slot at 11:00",
    ),
    _case(
        "day-with-someone-who-cannot-sit-on-the-panel",
        "scheduling.new_day",
        _day_of,
        lambda arranged: _day(panel=["999999"]),
        "panel",
        "Choose the panel from the people listed",
    ),
    # The confirmation page's post is checked again: a clash that appeared meanwhile.
    _case(
        "day-confirmed-after-a-clash-appeared",
        "scheduling.new_day",
        _busy(_day_of),
        lambda arranged: _day(panel=[str(arranged["user"])], confirmed="yes"),
        "panel",
        "Ann Lee is already on the panel for an interview",
    ),
]

EXEMPT: dict[str, str] = {}

"""Staff scheduling forms with a mistake in each (tests/forms/harness.py)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from tests.factories import RoleFactory, UserFactory
from tests.forms.harness import InvalidPost
from tracker import clock
from tracker.accounts.models import ManagerScope, StaffRole
from tracker.extensions import db
from tracker.scheduling.models import Slot


def _manager():
    return UserFactory(roles=[StaffRole.HIRING_MANAGER])


def _role_of(user) -> dict:
    role = RoleFactory()
    user.scopes.append(ManagerScope(track_id=role.track_id))
    db.session.flush()
    return {"url": f"/staff/roles/{role.id}/slots", "role": role.id}


def _slot(**changes) -> dict:
    day = clock.today() + timedelta(days=10)
    return {
        "kind": "interview",
        "day": [str(day.day), str(day.month), str(day.year)],
        "time": "10:30",
        "minutes": "45",
        "place": "Committee room 2, Town Hall",
        "capacity": "3",
    } | changes


def _slots(arranged) -> int:
    return db.session.scalar(select(func.count()).select_from(Slot))


CASES = [
    InvalidPost(
        name="slot-with-an-impossible-time",
        endpoint="scheduling.slots",
        user=_manager,
        arrange=_role_of,
        data=lambda arranged: _slot(time="25:99"),
        field="time",
        message="Enter a time like 10:00 or 14:30",
        state=_slots,
    ),
]

EXEMPT: dict[str, str] = {}

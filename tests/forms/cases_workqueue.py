"""The work queue's form with a mistake (tests/forms/harness.py): HR's reminder to book."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.factories import ApplicationFactory, UserFactory
from tests.forms.harness import InvalidPost
from tracker.accounts.models import StaffRole
from tracker.extensions import db
from tracker.notifications.models import Email
from tracker.workqueue.models import BookingReminder


def _hr():
    return UserFactory(roles=[StaffRole.ADMIN])


def _waiting(user) -> dict:
    ApplicationFactory(assessment=True)
    db.session.flush()
    return {"url": "/staff/queue/invited_not_booked/remind"}


def _sent(arranged) -> tuple[int, int]:
    return (
        db.session.scalar(select(func.count()).select_from(BookingReminder)),
        db.session.scalar(select(func.count()).select_from(Email)),
    )


CASES = [
    InvalidPost(
        name="workqueue-remind-nobody-chosen",
        endpoint="workqueue.remind",
        user=_hr,
        arrange=_waiting,
        data=lambda a: {},
        field="application_ids",
        message="Select at least one candidate to remind, or choose to remind them all",
        state=_sent,
    ),
    InvalidPost(
        name="workqueue-remind-a-tampered-id",
        endpoint="workqueue.remind",
        user=_hr,
        arrange=_waiting,
        data=lambda a: {"application_ids": ["not-an-id"]},
        field="application_ids",
        message="Those candidates could not be found: nobody was reminded",
        state=_sent,
    ),
]

EXEMPT: dict[str, str] = {}

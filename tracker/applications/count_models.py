"""The tally of submitted applications by the groups staff pages count (see counts.py)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date
from sqlalchemy.orm import Mapped, mapped_column

from tracker.applications.models import _TIMELINE_STATUS
from tracker.applications.states import Status
from tracker.extensions import db


class ApplicationCount(db.Model):
    """A change of ``delta`` applications in one group: role, stage, the day the application
    reached that stage (UTC) and its flags. Triggers on ``application`` append a -1 for the
    group a row leaves and a +1 for the group it joins (migration 0024); the sum of a group's
    rows is how many applications are in it. Rows are only appended, so concurrent changes
    never wait on each other; ``counts.fold`` sums them back to one row per group."""

    __tablename__ = "application_count"

    id: Mapped[int] = mapped_column(primary_key=True)
    # No foreign key: a tally row is not a reference, and must never block deleting a role.
    role_id: Mapped[int] = mapped_column(index=True)
    status: Mapped[Status] = mapped_column(_TIMELINE_STATUS)
    since_on: Mapped[date] = mapped_column(Date)
    needs_hr_check: Mapped[bool]
    disability_confident: Mapped[bool]
    needs_adjustments: Mapped[bool]
    delta: Mapped[int]

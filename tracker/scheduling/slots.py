"""Staff verbs for slots: add one, or a day's run of them, all or nothing.

A new slot is refused when candidates could not tell it from a live slot (same role, kind,
time and place), or when someone on its panel already sits on a live slot, for any role, at
an overlapping time: a person cannot be in two rooms. Each panel member is then invited to
each slot (invitations.py), through the outbox. Verbs flush and never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.accounts.models import User
from tracker.accounts.permissions import Permission, can
from tracker.audit.services import record_event
from tracker.catalogue.models import Role
from tracker.clock import UK, utcnow
from tracker.extensions import db
from tracker.formatting import long_date, long_datetime
from tracker.scheduling.invitations import invite_panel
from tracker.scheduling.models import Slot, SlotKind, slot_panel
from tracker.scheduling.services import SchedulingError

# A day's run of slots longer than this is almost certainly a typing mistake (a gap of 0
# where 10 was meant), and would send each panel member that many emails.
MOST_SLOTS_IN_A_DAY = 40
_LONGEST_SLOT = timedelta(minutes=600)  # the slot table's CHECK


def clock(value: datetime) -> str:
    """UK time on the 24-hour clock, as the forms ask for it: 09:00."""
    return f"{value.astimezone(UK):%H:%M}"


@dataclass(frozen=True)
class Day:
    """The slots an assessment day form describes, before they exist."""

    starts: list[datetime]  # UK time
    minutes: int

    @property
    def length(self) -> timedelta:
        return timedelta(minutes=self.minutes)

    @property
    def summary(self) -> str:
        first, last = self.starts[0], self.starts[-1]
        count = len(self.starts)
        noun = "slot" if count == 1 else "slots"
        end = clock(last + timedelta(minutes=self.minutes))
        return f"{count} {noun}, {clock(first)} to {clock(last)} (the last ends at {end})"


def plan_day(*, day: date, first: time, last: time, minutes: int, gap: int) -> Day:
    """One slot every ``minutes + gap`` from ``first`` up to ``last``, on ``day`` (UK time).

    :raise SchedulingError: for a last start before the first, a run past midnight, or more
        slots than ``MOST_SLOTS_IN_A_DAY``.
    """
    start, end = first.hour * 60 + first.minute, last.hour * 60 + last.minute
    if end < start:
        raise SchedulingError(
            "The last start time must be the same as or later than the first start time",
            field="last_time",
        )
    step = minutes + gap
    offsets = list(range(start, end + 1, step))
    if len(offsets) > MOST_SLOTS_IN_A_DAY:
        raise SchedulingError(
            f"That makes {len(offsets)} slots, and a day can have at most "
            f"{MOST_SLOTS_IN_A_DAY}. Choose a later first start, an earlier last start, or "
            "a longer length or gap",
            field="last_time",
        )
    if offsets[-1] + minutes > 24 * 60:
        raise SchedulingError("The last slot must end by midnight", field="last_time")
    return Day(
        starts=[datetime.combine(day, time(m // 60, m % 60), tzinfo=UK) for m in offsets],
        minutes=minutes,
    )


def check_slots(
    *, role: Role, kind: SlotKind, starts: list[datetime], minutes: int, place: str, panel
) -> None:
    """Refuse the first new slot that is in the past, duplicates a slot, or clashes with a
    panel member's other slot. Reads only: the confirmation page asks before anything
    changes, and ``create_slots`` asks again under the locks."""
    if min(starts) <= utcnow():
        raise SchedulingError(
            "The slot must start in the future"
            if len(starts) == 1
            else f"The first slot, at {clock(min(starts))}, must start in the future",
            field="time",
        )
    _refuse_duplicates(role=role, kind=kind, starts=starts, place=place)
    _refuse_panel_clashes(starts=starts, minutes=minutes, panel=panel)


def _normalised_place(place: str) -> str:
    return " ".join(place.split()).casefold()


def _refuse_duplicates(*, role: Role, kind: SlotKind, starts: list[datetime], place: str):
    """A live slot candidates could not tell apart from a new one: they would see the same
    time twice, and it would split the places in one room between two lists."""
    same_times = db.session.scalars(
        select(Slot)
        .where(
            Slot.role_id == role.id,
            Slot.kind == kind,
            Slot.starts_at.in_(starts),
            Slot.cancelled_at.is_(None),
        )
        .order_by(Slot.starts_at)
    )
    wanted = _normalised_place(place)
    same = next((s for s in same_times if _normalised_place(s.place) == wanted), None)
    if same is not None:
        raise SchedulingError(
            f"There is already an {kind.value} "
            f"on {long_datetime(same.starts_at)} at this place, with {same.capacity} "
            f"{'place' if same.capacity == 1 else 'places'}. Choose another time or place",
            field="time",
        )


def _refuse_panel_clashes(*, starts: list[datetime], minutes: int, panel) -> None:
    if not panel:
        return
    length = timedelta(minutes=minutes)
    nearby = db.session.scalars(
        select(Slot)
        .where(
            Slot.id.in_(
                select(slot_panel.c.slot_id).where(slot_panel.c.user_id.in_([p.id for p in panel]))
            ),
            Slot.cancelled_at.is_(None),
            Slot.starts_at < max(starts) + length,
            Slot.starts_at > min(starts) - _LONGEST_SLOT,
        )
        .order_by(Slot.starts_at, Slot.id)
        .options(selectinload(Slot.panel), selectinload(Slot.role))
    ).all()
    sitting = {p.id for p in panel}
    for start in sorted(starts):
        for other in nearby:
            if other.starts_at < start + length and start < other.ends_at:
                person = next(m for m in other.panel if m.id in sitting)
                raise SchedulingError(
                    f"{person.name} is already on the panel for an {other.kind.value} for "
                    f"{other.role.title} on {long_date(other.starts_at.astimezone(UK).date())} "
                    f"from {clock(other.starts_at)} to {clock(other.ends_at)}, which overlaps "
                    f"the slot at {clock(start)}. Choose another time, or take "
                    f"{person.name} off the panel",
                    field="panel",
                )


def create_slots(
    *,
    actor: User,
    role: Role,
    kind: SlotKind,
    starts: list[datetime],
    minutes: int,
    place: str,
    capacity: int,
    panel: list[User],
) -> list[Slot]:
    """Create a slot at each of ``starts``, or none, and invite the panel to each.

    :raise SchedulingError: without permission, or for a slot ``check_slots`` refuses.
    """
    if not can(actor, Permission.MOVE_CANDIDATES):
        raise SchedulingError("You do not have permission to create slots")
    # Lock the role and the panel's people, in a fixed order, so that two people adding the
    # same time (or a double click), or slots sharing a panel member, are checked one after
    # the other rather than both passing the checks below.
    db.session.execute(select(Role.id).where(Role.id == role.id).with_for_update())
    if panel:
        db.session.execute(
            select(User.id)
            .where(User.id.in_([p.id for p in panel]))
            .order_by(User.id)
            .with_for_update()
        )
    check_slots(role=role, kind=kind, starts=starts, minutes=minutes, place=place, panel=panel)
    now = utcnow()
    created = [
        Slot(
            role_id=role.id,
            role=role,
            kind=kind,
            starts_at=start,
            minutes=minutes,
            place=place,
            capacity=capacity,
            booked=0,
            created_by=actor.email,
            created_at=now,
            panel=list(panel),
        )
        for start in sorted(starts)
    ]
    db.session.add_all(created)
    db.session.flush()
    for slot in created:
        record_event(
            actor=actor,
            action="slot.created",
            object_type="slot",
            object_id=slot.id,
            details={"of": len(created)} if len(created) > 1 else None,
        )
        invite_panel(actor_label=actor.email, slot=slot)
    return created


def create_slot(*, actor: User, role: Role, kind: SlotKind, starts_at: datetime, **details):
    """One slot: the same checks, and the same invitations, as a day's run."""
    [slot] = create_slots(actor=actor, role=role, kind=kind, starts=[starts_at], **details)
    return slot


def create_day(
    *,
    actor: User,
    role: Role,
    kind: SlotKind,
    day: date,
    first: time,
    last: time,
    minutes: int,
    gap: int,
    place: str,
    capacity: int,
    panel: list[User],
) -> list[Slot]:
    """An assessment day: ``plan_day``'s slots, all or nothing."""
    planned = plan_day(day=day, first=first, last=last, minutes=minutes, gap=gap)
    return create_slots(
        actor=actor,
        role=role,
        kind=kind,
        starts=planned.starts,
        minutes=minutes,
        place=place,
        capacity=capacity,
        panel=panel,
    )


def preview_day(*, actor: User, role: Role, kind: SlotKind, panel: list[User], **given) -> Day:
    """What ``create_day`` would make, refused now for what it would refuse."""
    if not can(actor, Permission.MOVE_CANDIDATES):
        raise SchedulingError("You do not have permission to create slots")
    planned = plan_day(**{k: given[k] for k in ("day", "first", "last", "minutes", "gap")})
    check_slots(
        role=role,
        kind=kind,
        starts=planned.starts,
        minutes=planned.minutes,
        place=given["place"],
        panel=panel,
    )
    return planned

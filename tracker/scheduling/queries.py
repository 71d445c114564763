"""Questions about slots and bookings.

Who runs a slot: HR (who arrange every assessment and interview), and the people on its
panel while the slot's role is still in their scope. One rule, as a query filter and as a
check on slots already loaded, for the slot page, the panel packs and the calendar invitation.

A manager taken off a role's scope stays on the panels of slots made before, but no longer
sees those candidates' adjustments, packs or invitations: scope is what says who sees a role's
candidates (``visible_roles``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from tracker.accounts.models import User
from tracker.accounts.permissions import Permission, can, visible_roles
from tracker.applications.models import Application
from tracker.applications.states import Status
from tracker.catalogue.models import Role
from tracker.extensions import db
from tracker.scheduling.models import Booking, Slot, SlotKind, slot_panel


def _runs_every_slot(user: User) -> bool:
    return can(user, Permission.VIEW_ADJUSTMENTS)


def run_by(user: User, query: Select) -> Select:
    """``query`` (of slots) narrowed to the slots this user runs."""
    if _runs_every_slot(user):
        return query
    return query.where(
        Slot.id.in_(select(slot_panel.c.slot_id).where(slot_panel.c.user_id == user.id)),
        Slot.role_id.in_(visible_roles(user).with_only_columns(Role.id)),
    )


def runs_which(user: User, slots: Iterable[Slot]) -> set[int]:
    """The ids of those of ``slots`` (panels loaded) that this user runs: one query at most."""
    slots = list(slots)
    if _runs_every_slot(user):
        return {s.id for s in slots}
    on_panel = [s for s in slots if any(m.id == user.id for m in s.panel)]
    if not on_panel:
        return set()
    in_scope = set(
        db.session.scalars(
            visible_roles(user)
            .with_only_columns(Role.id)
            .where(Role.id.in_({s.role_id for s in on_panel}))
        )
    )
    return {s.id for s in on_panel if s.role_id in in_scope}


def runs(user: User, slot: Slot) -> bool:
    """Whether this user runs the slot (its panel loaded): sees its candidates' adjustments,
    its panel pack and its calendar invitation."""
    return slot.id in runs_which(user, [slot])


KIND_FOR_STATUS = {Status.ASSESSMENT: SlotKind.ASSESSMENT, Status.INTERVIEW: SlotKind.INTERVIEW}


def open_slots(application: Application, now: datetime) -> list[Slot]:
    """Slots the candidate may choose: their role, their stage, in the future, not full."""
    kind = KIND_FOR_STATUS.get(application.status)
    if kind is None:
        return []
    return list(
        db.session.scalars(
            select(Slot)
            .where(
                Slot.role_id == application.role_id,
                Slot.kind == kind,
                Slot.cancelled_at.is_(None),
                Slot.starts_at > now,
                Slot.booked < Slot.capacity,
            )
            .order_by(Slot.starts_at, Slot.id)
        )
    )


def live_booking(application: Application, kind: SlotKind | None = None) -> Booking | None:
    kind = kind or KIND_FOR_STATUS.get(application.status)
    if kind is None:
        return None
    return db.session.scalar(
        select(Booking).where(
            Booking.application_id == application.id,
            Booking.kind == kind,
            Booking.cancelled_at.is_(None),
        )
    )


def current_bookings(applications: list[Application]) -> dict[int, Booking]:
    """Each application's live booking for the stage it is at now, by application id.

    A candidate who booked an assessment and is then invited to interview has a live booking,
    but not an interview time: that one is not returned.
    """
    wanted = {a.id: KIND_FOR_STATUS[a.status] for a in applications if a.status in KIND_FOR_STATUS}
    if not wanted:
        return {}
    bookings = db.session.scalars(
        select(Booking)
        .where(Booking.application_id.in_(wanted), Booking.cancelled_at.is_(None))
        .options(joinedload(Booking.slot))
    )
    return {b.application_id: b for b in bookings if b.kind is wanted[b.application_id]}

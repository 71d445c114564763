"""Who runs a slot: HR (who arrange every assessment and interview), and the people on its
panel while the slot's role is still in their scope. One rule, as a query filter and as a
check on slots already loaded, for the slot page, the panel packs and the calendar invitation.

A manager taken off a role's scope stays on the panels of slots made before, but no longer
sees those candidates' adjustments, packs or invitations: scope is what says who sees a role's
candidates (``visible_roles``).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Select, select

from tracker.accounts.models import User
from tracker.accounts.permissions import Permission, can, visible_roles
from tracker.catalogue.models import Role
from tracker.extensions import db
from tracker.scheduling.models import Slot, slot_panel


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

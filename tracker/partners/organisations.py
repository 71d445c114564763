"""Partner organisations as a list HR manages: created once, by name, then its people are
invited into it (admin.invite chooses from this list rather than taking a typed name, so
"Acme Ltd" and "ACME  ltd" never become two organisations).

Verbs flush and never commit; the view's ``attempt`` commits.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, case, false, func, select
from sqlalchemy.exc import IntegrityError

from tracker.accounts.models import (
    PartnerOrganisation,
    StaffRole,
    User,
    UserRole,
    organisation_name_key,
)
from tracker.accounts.permissions import Permission, can
from tracker.audit.services import record_event
from tracker.extensions import db
from tracker.partners.models import Share
from tracker.refusals import Refused

MAX_NAME = 200

# What two names must differ in to be two organisations (the model keeps it in name_key).
name_key = organisation_name_key


class OrganisationError(Refused):
    """A partner organisation that cannot be created or renamed as asked."""


def _require(actor: User) -> None:
    if not can(actor, Permission.SHARE_CANDIDATES):
        raise OrganisationError("You do not have permission to manage partner organisations")


def _taken(existing: str) -> OrganisationError:
    return OrganisationError(
        f"There is already a partner organisation called {existing}", field="name"
    )


def _clash(key: str, *, except_id: int | None = None) -> str | None:
    """The name of another organisation with this key, if there is one."""
    query = select(PartnerOrganisation.name).where(PartnerOrganisation.name_key == key)
    if except_id is not None:
        query = query.where(PartnerOrganisation.id != except_id)
    return db.session.scalar(query.limit(1))


def _checked_name(name: str | None, *, except_id: int | None = None) -> str:
    cleaned = " ".join((name or "").split())
    if not cleaned:
        raise OrganisationError("Enter the organisation's name", field="name")
    if len(cleaned) > MAX_NAME:
        raise OrganisationError(
            f"The organisation's name must be {MAX_NAME} characters or fewer", field="name"
        )
    existing = _clash(name_key(cleaned), except_id=except_id)
    if existing is not None:
        raise _taken(existing)
    return cleaned


def _save_name(organisation: PartnerOrganisation, name: str) -> None:
    """Give a new or existing organisation its (checked) name and flush it, in a savepoint.
    Two HR users adding "Acme" and "acme" at the same moment both pass the check above; the
    unique index on name_key refuses the second, whose savepoint alone is undone (a new
    organisation is dropped again, a renamed one keeps its old name), and they are told which
    name has it: the first's transaction has committed by then, so it can be read.

    The change is made inside the savepoint because beginning one flushes what is pending.
    """
    own_id = organisation.id
    try:
        with db.session.begin_nested():
            organisation.name = name
            db.session.add(organisation)
            db.session.flush()
    except IntegrityError:
        existing = _clash(name_key(name), except_id=own_id)
        if existing is None:
            raise
        raise _taken(existing) from None


def create_organisation(*, actor: User, name: str | None) -> PartnerOrganisation:
    """Add a partner organisation to the list, so its people can be invited.

    :raise OrganisationError: without permission, for an empty or overlong name, or a name
        another organisation has already, ignoring case and spaces.
    """
    _require(actor)
    organisation = PartnerOrganisation()
    _save_name(organisation, _checked_name(name))
    record_event(
        actor=actor,
        action="partners.organisation_created",
        object_type="partner_organisation",
        object_id=organisation.id,
        details={"name": organisation.name},
    )
    return organisation


def rename_organisation(
    *, actor: User, organisation: PartnerOrganisation, name: str | None
) -> PartnerOrganisation:
    """Correct an organisation's name; its users and shares stay with it.

    :raise OrganisationError: as ``create_organisation`` does.
    """
    _require(actor)
    cleaned = _checked_name(name, except_id=organisation.id)
    if cleaned != organisation.name:
        before = organisation.name
        _save_name(organisation, cleaned)
        record_event(
            actor=actor,
            action="partners.organisation_renamed",
            object_type="partner_organisation",
            object_id=organisation.id,
            details={"from": before, "to": cleaned},
        )
    return organisation


# What HR's pages ask ------------------------------------------------------------------


def managed_organisations(user: User) -> Select:
    """The organisations ``user`` may manage: every one for HR, none for anyone else."""
    query = select(PartnerOrganisation)
    return query if can(user, Permission.SHARE_CANDIDATES) else query.where(false())


@dataclass(frozen=True)
class Summary:
    organisation: PartnerOrganisation
    active_users: int
    invited_users: int
    shares: int
    live_shares: int


def _partner_users():
    return select(User).join(UserRole).where(UserRole.role == StaffRole.PARTNER)


def summaries() -> list[Summary]:
    """Every organisation by name, with its partner users who can sign in, those invited who
    have not yet set a password, and its shares (all, and those not ended)."""
    users = (
        _partner_users()
        .where(User.is_active.is_(True))
        .with_only_columns(
            User.partner_organisation_id.label("organisation_id"),
            func.count(case((User.password_hash.is_not(None), 1))).label("active"),
            func.count(case((User.password_hash.is_(None), 1))).label("invited"),
        )
        .group_by(User.partner_organisation_id)
        .subquery()
    )
    shares = (
        select(
            Share.organisation_id,
            func.count(Share.id).label("all"),
            func.count(case((Share.ended_at.is_(None), 1))).label("live"),
        )
        .group_by(Share.organisation_id)
        .subquery()
    )
    rows = db.session.execute(
        select(
            PartnerOrganisation,
            func.coalesce(users.c.active, 0),
            func.coalesce(users.c.invited, 0),
            func.coalesce(shares.c.all, 0),
            func.coalesce(shares.c.live, 0),
        )
        .outerjoin(users, users.c.organisation_id == PartnerOrganisation.id)
        .outerjoin(shares, shares.c.organisation_id == PartnerOrganisation.id)
        .order_by(func.lower(PartnerOrganisation.name), PartnerOrganisation.id)
    ).all()
    return [Summary(*row) for row in rows]


def members(organisation: PartnerOrganisation) -> list[User]:
    """The organisation's partner users, deactivated ones included (shown as such), by name."""
    return list(
        db.session.scalars(
            _partner_users()
            .where(User.partner_organisation_id == organisation.id)
            .order_by(User.is_active.desc(), func.lower(User.name), User.id)
        )
    )


def shares_with(organisation: PartnerOrganisation) -> list[Share]:
    """The organisation's shares, live first, then by due date."""
    return list(
        db.session.scalars(
            select(Share)
            .where(Share.organisation_id == organisation.id)
            .order_by(Share.ended_at.is_not(None), Share.due_on, Share.id)
        )
    )

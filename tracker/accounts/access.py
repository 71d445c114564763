"""HR's verbs on other people's accounts: inviting, changing access, deactivating.

Each takes the acting administrator, flushes and never commits; a refusal names the form
field it concerns (tracker.refusals).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from tracker.accounts.links import issue_token
from tracker.accounts.models import (
    ManagerScope,
    PartnerOrganisation,
    StaffRole,
    TokenPurpose,
    User,
    UserRole,
)
from tracker.accounts.tokens import token_hash
from tracker.accounts.users import AccountError, cancel_links, normalise_email, revoke_sessions
from tracker.audit.services import record_event
from tracker.extensions import db
from tracker.formatting import public_url
from tracker.notifications.services import queue_email


@dataclass(frozen=True)
class Access:
    """What a user may do: roles; for hiring managers the tracks and roles they look after;
    for employer partners the organisation (a row of the managed list) they work for."""

    roles: frozenset[StaffRole]
    track_ids: frozenset[int] = frozenset()
    role_ids: frozenset[int] = frozenset()
    partner_organisation_id: int | None = None


def _organisation(access: Access) -> PartnerOrganisation | None:
    """The partner's organisation, which must be on HR's list (never made up here)."""
    if StaffRole.PARTNER not in access.roles:
        return None
    found = (
        db.session.get(PartnerOrganisation, access.partner_organisation_id)
        if access.partner_organisation_id
        else None
    )
    if found is None:
        raise AccountError(
            "Select the employer partner's organisation", field="partner_organisation"
        )
    return found


def _apply_access(user: User, access: Access) -> None:
    if not access.roles:
        raise AccountError("Choose at least one role", field="roles")
    if StaffRole.HIRING_MANAGER in access.roles and not (access.track_ids or access.role_ids):
        raise AccountError(
            "Choose the tracks or roles this hiring manager looks after", field="tracks"
        )
    organisation = _organisation(access)
    # Rows the user keeps are reused: a new row beside the old one would be inserted before
    # the old one is deleted, and break the unique constraints.
    kept_roles = {row.role: row for row in user.roles}
    user.roles = [
        kept_roles.get(role) or UserRole(role=role)
        for role in sorted(access.roles, key=lambda r: r.value)
    ]
    manager = StaffRole.HIRING_MANAGER in access.roles
    kept_scopes = {(row.track_id, row.role_id): row for row in user.scopes}
    user.scopes = (
        [kept_scopes.get((t, None)) or ManagerScope(track_id=t) for t in sorted(access.track_ids)]
        + [kept_scopes.get((None, r)) or ManagerScope(role_id=r) for r in sorted(access.role_ids)]
        if manager
        else []
    )
    user.partner_organisation = organisation


def _describe(user: User) -> dict:
    return {
        "roles": sorted(r.value for r in user.role_set),
        "tracks": sorted(s.track_id for s in user.scopes if s.track_id),
        "role_scopes": sorted(s.role_id for s in user.scopes if s.role_id),
        "partner_organisation": user.partner_organisation.name
        if user.partner_organisation
        else None,
    }


def invite_user(*, actor: User, email: str, name: str, access: Access) -> User:
    """Create an account and email a single-use link to set its password."""
    email = normalise_email(email)
    if db.session.scalar(select(User).where(User.email == email)):
        raise AccountError("There is already a user with this email address", field="email")
    user = User(email=email, name=" ".join(name.split()))
    db.session.add(user)
    _apply_access(user, access)
    db.session.flush()
    _send_invitation(actor=actor, user=user)
    record_event(
        actor=actor,
        action="user.invited",
        object_type="user",
        object_id=user.id,
        details={"email": email, **_describe(user)},
    )
    return user


def _send_invitation(*, actor: User, user: User) -> None:
    days = current_app.config["INVITATION_VALID_DAYS"]
    token = issue_token(user, TokenPurpose.INVITATION, timedelta(days=days))
    queue_email(
        actor=actor.email,
        to=user.email,
        template="staff_invitation",
        context={
            "user_id": user.id,
            "invited_by": actor.name,
            "link": public_url("accounts.invitation_link", token=token),
            "valid_days": days,
        },
        idempotency_key=f"staff_invitation:{user.id}:{token_hash(token)[:16]}",
    )


def resend_invitation(*, actor: User, user: User) -> None:
    if not user.is_active:
        raise AccountError("This account is deactivated: reactivate it first")
    if user.has_accepted_invitation:
        raise AccountError("This person has already set their password")
    _send_invitation(actor=actor, user=user)
    record_event(
        actor=actor, action="user.invitation_resent", object_type="user", object_id=user.id
    )


def update_access(*, actor: User, user: User, access: Access) -> None:
    if user.id == actor.id and StaffRole.ADMIN not in access.roles:
        raise AccountError("You cannot remove your own administrator role", field="roles")
    before = _describe(user)
    becomes_admin = StaffRole.ADMIN in access.roles and not user.has_role(StaffRole.ADMIN)
    _apply_access(user, access)
    if becomes_admin:
        # Administrators need a security code: sessions begun without one must start again.
        revoke_sessions(user)
    db.session.flush()
    record_event(
        actor=actor,
        action="user.access_changed",
        object_type="user",
        object_id=user.id,
        details={"before": before, "after": _describe(user)},
    )


def deactivate_user(*, actor: User, user: User) -> None:
    """Stop someone signing in, and end every session they have open now."""
    if user.id == actor.id:
        raise AccountError("You cannot deactivate your own account")
    if not user.is_active:
        raise AccountError("This account is already deactivated")
    user.is_active = False
    ended = revoke_sessions(user)
    cancel_links(user)
    db.session.flush()
    record_event(
        actor=actor,
        action="user.deactivated",
        object_type="user",
        object_id=user.id,
        details={"sessions_ended": ended},
    )


def reactivate_user(*, actor: User, user: User) -> None:
    if user.is_active:
        raise AccountError("This account is already active")
    user.is_active = True
    revoke_sessions(user)  # a sign-in that raced the deactivation must not come back to life
    db.session.flush()
    record_event(actor=actor, action="user.reactivated", object_type="user", object_id=user.id)

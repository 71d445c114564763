"""Authorisation in one place: what each role may do, and which records each user may see.

Views never check roles themselves. They ask for a permission (``@require``) and find records
through the scoped queries below, so a record outside someone's scope is simply not found.
"""

from __future__ import annotations

import enum
from functools import wraps

from flask import abort
from flask_login import current_user
from sqlalchemy import Select, or_, select

from tracker.accounts.models import ManagerScope, StaffRole, User
from tracker.catalogue.models import Role


class Permission(enum.Enum):
    VIEW_STAFF_PAGES = "view staff pages"
    MANAGE_USERS = "manage users"
    READ_AUDIT_LOG = "read the audit log"
    MANAGE_EMAILS = "manage emails"
    VIEW_ROLES = "view roles and their candidates"
    MOVE_CANDIDATES = "move candidates through the stages"
    # HR arranges the assessments and interviews, so only HR nudges candidates to book them.
    REMIND_CANDIDATES = "remind invited candidates to book"
    # Reviewers see colleagues' scores only once they have scored (no anchoring); HR, who
    # decide on the scores rather than give them, see them from the start.
    SEE_SCORES_UNSCORED = "see reviewers' scores of candidates they have not scored"
    # Name-blind review: only HR sees who a candidate is and how to reach them.
    VIEW_CANDIDATE_IDENTITY = "see candidates' names, ages and contact details"
    # Only whoever arranges assessments and interviews (HR) sees the adjustments asked for.
    VIEW_ADJUSTMENTS = "see the adjustments candidates ask for"
    SHARE_CANDIDATES = "share candidates with employer partners"
    EXPORT_SHORTLISTS = "export shortlists of the candidates they can see"
    VIEW_REPORTS = "see recruitment reports"
    # The one place equality monitoring answers are shown, and only in suppressed aggregate.
    VIEW_EQUALITY_REPORT = "see the equality report"
    MANAGE_PERSONAL_DATA = "run retention, subject access requests and erasure"
    MANAGE_MENTORS = "manage mentors and assign them to apprentices"
    # A partner's and a mentor's own work. HR has neither unless they also hold that role:
    # what a partner or mentor sees is found through their organisation or their profile.
    GIVE_PARTNER_FEEDBACK = "see candidates shared with their organisation and give feedback"
    MENTOR_APPRENTICES = "see and keep a log of the apprentices they mentor"


ROLE_PERMISSIONS: dict[StaffRole, frozenset[Permission]] = {
    StaffRole.ADMIN: frozenset(Permission)
    - {Permission.GIVE_PARTNER_FEEDBACK, Permission.MENTOR_APPRENTICES},
    StaffRole.HIRING_MANAGER: frozenset(
        {
            Permission.VIEW_STAFF_PAGES,
            Permission.VIEW_ROLES,
            Permission.MOVE_CANDIDATES,
            Permission.EXPORT_SHORTLISTS,
        }
    ),
    StaffRole.PARTNER: frozenset({Permission.VIEW_STAFF_PAGES, Permission.GIVE_PARTNER_FEEDBACK}),
    StaffRole.MENTOR: frozenset({Permission.VIEW_STAFF_PAGES, Permission.MENTOR_APPRENTICES}),
}


def permissions_of(user: User) -> frozenset[Permission]:
    if not user.is_active:
        return frozenset()
    return frozenset().union(*(ROLE_PERMISSIONS[role] for role in user.role_set))


def can(user, permission: Permission) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and permission in permissions_of(user)


def require(permission: Permission):
    """Signed in (else to the sign-in page) and allowed (else 403, which is audited)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                from tracker.extensions import login_manager

                return login_manager.unauthorized()
            if not can(current_user, permission):
                abort(403, description=f"needs permission to {permission.value}")
            return view(*args, **kwargs)

        wrapped.required_permission = permission
        return wrapped

    return decorator


def visible_roles(user: User) -> Select:
    """The roles this user may see candidates for: all for HR, their scope for a manager."""
    query = select(Role)
    if user.has_role(StaffRole.ADMIN):
        return query
    if not user.has_role(StaffRole.HIRING_MANAGER):
        return query.where(False)
    in_scope = select(ManagerScope).where(ManagerScope.user_id == user.id)
    track_ids = in_scope.with_only_columns(ManagerScope.track_id).where(
        ManagerScope.track_id.is_not(None)
    )
    role_ids = in_scope.with_only_columns(ManagerScope.role_id).where(
        ManagerScope.role_id.is_not(None)
    )
    return query.where(or_(Role.track_id.in_(track_ids), Role.id.in_(role_ids)))

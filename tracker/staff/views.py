"""The staff home page, and the roles a hiring manager looks after."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user
from sqlalchemy.orm import selectinload

from tracker.accounts.models import StaffRole
from tracker.accounts.permissions import Permission, can, require, visible_roles
from tracker.catalogue.models import Role
from tracker.extensions import db

bp = Blueprint("staff", __name__, url_prefix="/staff")


@bp.get("/")
@require(Permission.VIEW_STAFF_PAGES)
def dashboard():
    roles = []
    if can(current_user, Permission.VIEW_ROLES):
        roles = db.session.scalars(
            visible_roles(current_user)
            .where(Role.is_published.is_(True))
            .options(selectinload(Role.track), selectinload(Role.campaign))
            .order_by(Role.position)
        ).all()
    return render_template("staff/dashboard.html", roles=roles, StaffRole=StaffRole)


@bp.get("/roles/<int:role_id>")
@require(Permission.VIEW_ROLES)
def role(role_id: int):
    """:raise 404: when the role does not exist or is outside the user's scope."""
    found = db.session.scalar(
        visible_roles(current_user)
        .where(Role.id == role_id)
        .options(selectinload(Role.criteria), selectinload(Role.track))
    )
    if found is None:
        abort(404)
    return render_template("staff/role.html", role=found)

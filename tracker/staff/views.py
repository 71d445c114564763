"""The staff home page, the roles a hiring manager looks after, and their applications."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user
from sqlalchemy.orm import selectinload

from tracker.accounts.models import StaffRole
from tracker.accounts.permissions import Permission, can, require, visible_roles
from tracker.applications.models import Application
from tracker.applications.queries import applications_for_role, visible_applications
from tracker.applications.views import send_cv
from tracker.audit.services import record_event
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
    return render_template(
        "staff/role.html",
        role=found,
        applications=applications_for_role(current_user, found.id),
    )


def _visible_application(application_id: int):
    """:raise 404: when the application is a draft, or outside the user's scope."""
    found = db.session.scalar(
        visible_applications(current_user).where(Application.id == application_id)
    )
    if found is None:
        abort(404)
    return found


@bp.get("/applications/<int:application_id>")
@require(Permission.VIEW_ROLES)
def application(application_id: int):
    """One submitted application. Never shows equality monitoring answers."""
    return render_template(
        "staff/application.html", application=_visible_application(application_id)
    )


@bp.get("/applications/<int:application_id>/cv")
@require(Permission.VIEW_ROLES)
def application_cv(application_id: int):
    found = _visible_application(application_id)
    record_event(
        actor=current_user,
        action="application.cv_downloaded",
        object_type="application",
        object_id=found.id,
    )
    db.session.commit()
    return send_cv(found)

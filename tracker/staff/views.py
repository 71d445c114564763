"""The staff home page, the roles a hiring manager looks after, and their applications.

An application's page is built in application_page.py; the routes of the forms on it (moves,
notes, scores, conditions, revealing who applied) are in move_views.py and record_views.py,
on the screening blueprint."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template
from flask_login import current_user
from sqlalchemy.orm import selectinload

from tracker.accounts.models import StaffRole
from tracker.accounts.permissions import Permission, can, require, visible_roles
from tracker.actions import save, scoped_or_404
from tracker.applications.models import Application
from tracker.applications.queries import applications_for_role, visible_applications
from tracker.applications.states import STAFF_LABELS, Status
from tracker.applications.storage import send_cv
from tracker.audit.denials import record_denied
from tracker.audit.services import record_event
from tracker.catalogue.models import Role
from tracker.clock import today
from tracker.extensions import db
from tracker.scheduling import packs
from tracker.screening import identity, saved_filters
from tracker.screening import queries as screening_queries
from tracker.staff.application_page import render_application
from tracker.workqueue.home import home_context

bp = Blueprint("staff", __name__, url_prefix="/staff")


@bp.get("/")
@require(Permission.VIEW_STAFF_PAGES)
def dashboard():
    """The staff home: what needs doing first (the work queue), then the roles' stages, then
    the admin and report pages."""
    roles, counts, waiting = [], {}, {}
    if can(current_user, Permission.VIEW_ROLES):
        roles = db.session.scalars(
            visible_roles(current_user)
            .where(Role.is_published.is_(True))
            .options(selectinload(Role.track), selectinload(Role.campaign))
            .order_by(Role.position)
        ).all()
    if roles:
        counts, waiting = screening_queries.stage_and_waiting_counts(
            current_user, current_app.config["WAITING_DAYS"]
        )
    extra = {}
    if can(current_user, Permission.VIEW_ROLES):
        extra["saved_views"] = saved_filters.for_home(current_user)
        extra["panel_days"] = packs.days_today(current_user, today())
    return render_template(
        "staff/dashboard.html",
        **home_context(current_user),
        roles=roles,
        StaffRole=StaffRole,
        stage_counts=counts,
        waiting=waiting,
        waiting_days=current_app.config["WAITING_DAYS"],
        stage_labels=STAFF_LABELS,
        summary_stages=SUMMARY_STAGES,
        **extra,
    )


# The stages HR and managers watch on the home page; the role's list shows every stage.
SUMMARY_STAGES = (
    Status.SUBMITTED,
    Status.SIFT,
    Status.ASSESSMENT,
    Status.INTERVIEW,
    Status.OFFER,
    Status.HIRED,
)


@bp.get("/roles/<int:role_id>")
@require(Permission.VIEW_ROLES)
def role(role_id: int):
    """:raise 404: when the role does not exist or is outside the user's scope."""
    found = scoped_or_404(
        visible_roles(current_user)
        .where(Role.id == role_id)
        .options(selectinload(Role.criteria), selectinload(Role.track))
    )
    return render_template(
        "staff/role.html",
        role=found,
        applications=applications_for_role(current_user, found.id),
    )


def _visible_application(application_id: int):
    """:raise 404: when the application is a draft, or outside the user's scope."""
    return scoped_or_404(visible_applications(current_user).where(Application.id == application_id))


@bp.get("/applications/<int:application_id>")
@require(Permission.VIEW_ROLES)
def application(application_id: int):
    """One submitted application, its timeline, emails and the moves open to it. Never shows
    equality monitoring answers."""
    return render_application(_visible_application(application_id))


@bp.get("/applications/<int:application_id>/cv")
@require(Permission.VIEW_ROLES)
def application_cv(application_id: int):
    """The CV, under a neutral name. During the sift it follows SIFT_CV_ACCESS: a CV usually
    names its writer.

    Answers 403, with a page that says why, when the candidate is name-blind to this user
    and CVs are withheld during the sift.
    """
    found = _visible_application(application_id)
    if found.cv is None:  # the applicant chose not to attach one
        abort(404)
    if not identity.may_download_cv(current_user, found):
        # Refused like any 403 (audited), but with a page that says why and what to do.
        record_denied("CV withheld during the sift")
        return render_template("staff/cv_withheld.html", application=found), 403
    save(
        lambda: record_event(
            actor=current_user,
            action="application.cv_downloaded",
            object_type="application",
            object_id=found.id,
        )
    )
    return send_cv(found, download_name=identity.cv_download_name(found))


@bp.get("/candidates")
@require(Permission.VIEW_ROLES)
def candidates():
    """The roles in the user's scope, with their candidates in each stage: the header's
    "Candidates", from which each role's candidate list opens."""
    roles = db.session.scalars(
        visible_roles(current_user)
        .where(Role.is_published.is_(True))
        .options(selectinload(Role.track), selectinload(Role.campaign))
        .order_by(Role.position)
    ).all()
    counts, waiting = ({}, {})
    if roles:
        counts, waiting = screening_queries.stage_and_waiting_counts(
            current_user, current_app.config["WAITING_DAYS"]
        )
    return render_template(
        "staff/candidates.html",
        roles=roles,
        stage_counts=counts,
        waiting=waiting,
        waiting_days=current_app.config["WAITING_DAYS"],
        stage_labels=STAFF_LABELS,
        summary_stages=SUMMARY_STAGES,
        StaffRole=StaffRole,
    )

"""The staff home page, the roles a hiring manager looks after, and their applications."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.accounts.models import StaffRole
from tracker.accounts.permissions import Permission, can, require, visible_roles
from tracker.actions import save, scoped_or_404
from tracker.applications.models import Application
from tracker.applications.queries import applications_for_role, visible_applications
from tracker.applications.states import (
    REJECTION_REASONS,
    STAFF_LABELS,
    Actor,
    Status,
    events_from,
)
from tracker.applications.views import send_cv
from tracker.audit.denials import record_denied
from tracker.audit.services import record_event
from tracker.catalogue.models import Role
from tracker.clock import today, utcnow
from tracker.extensions import db
from tracker.mentoring import queries as mentoring_queries
from tracker.notifications.models import Email
from tracker.offers.services import offer_for
from tracker.partners import queries as partner_queries
from tracker.scheduling import packs
from tracker.screening import identity, review, saved_views, scorecards, side_by_side
from tracker.screening import queries as screening_queries
from tracker.screening import services as screening_services
from tracker.screening.forms import (
    ConditionForm,
    MoveForm,
    NoteForm,
    RevealIdentityForm,
    scorecard_form,
)
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
        extra["saved_views"] = saved_views.for_home(current_user)
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


SECTIONS = {
    "application": "Application",
    "scores": "Scores",
    "timeline": "Timeline",
    "notes": "Notes",
    "emails": "Emails",
}


def _section() -> str:
    asked = request.args.get("section", "")
    return asked if asked in SECTIONS else "application"


def render_application(
    found,
    *,
    move_form=None,
    scores_form=None,
    note_form=None,
    condition_form=None,
    condition_kind: str | None = None,
    reveal_form=None,
):
    """The application's page, one section at a time (``?section=``), each a screen's work.
    After a refused form, pass it: the page opens the section that holds it and shows its
    errors and everything typed in it, so nothing is lost to one mistake. A condition's form
    is one of several on the page: ``condition_kind`` says which."""
    forms = (move_form, scores_form, note_form, condition_form, reveal_form)
    refused = next((f for f in forms if f is not None), None)
    if condition_form is not None:
        # The error summary leads to this condition's own note box.
        condition_form.note.error_anchor = f"note-{condition_kind}"
    if move_form is not None:
        # The decision is on two sections: it comes back on the one it was sent from.
        section = "scores" if request.args.get("section") == "scores" else "application"
    elif note_form is not None:
        section = "notes"
    elif refused is not None:
        section = "application"
    else:
        section = _section()
    if move_form is None:
        move_form = MoveForm(formdata=None, data={"version": found.version})
    move_form.set_events(events_from(found.status, Actor.STAFF, manual_only=True))
    own = scorecards.own_scorecard(found, current_user)
    # Two questions: whether the page asks for this user's scores (not yet submitted), and
    # whether it shows everyone's (after their own, or at once to HR, who decide).
    scored = own is not None and own.submitted_at is not None
    sees_scores = scorecards.may_see_others(found, current_user, own=own)
    context = {}
    if section == "application":
        criteria = scorecards.criteria_for(found)
        ids = {c.id for _, c in criteria}
        context.update(
            criteria=criteria,
            answers={a.criterion_id: a for a in found.answers if a.criterion_id in ids},
            # Answers to questions the role no longer asks are still evidence.
            other_answers=[a for a in found.answers if a.criterion_id not in ids],
            scorecard_form=scores_form or scorecard_form(criteria, formdata=None),
            offer=offer_for(found),
            mentor_panel=mentoring_queries.mentor_panel(found),
            condition_form=condition_form or ConditionForm(formdata=None),
            refused_condition=condition_kind if condition_form is not None else None,
            reveal_form=reveal_form or RevealIdentityForm(formdata=None),
        )
    elif section == "scores":
        context.update(
            partner_feedback=partner_queries.feedback_for_application(found),
            side_by_side=side_by_side.table(found, current_user.id) if sees_scores else None,
        )
    elif section == "timeline":
        partner_feedback = partner_queries.feedback_for_application(found)
        context.update(timeline=_timeline(screening_queries.timeline(found), partner_feedback))
    elif section == "notes":
        context.update(
            notes=screening_queries.notes(found),
            note_form=note_form or NoteForm(formdata=None),
        )
    else:
        context.update(
            emails=db.session.scalars(
                select(Email)
                .where(Email.context["application_id"].as_integer() == found.id)
                .order_by(Email.created_at.desc())
            ).all()
        )
    return render_template(
        "staff/application.html",
        application=found,
        section=section,
        sections=SECTIONS,
        form=move_form,
        refused=refused,
        own_scorecard=own,
        scored=scored,
        sees_scores=sees_scores,
        summary=scorecards.summarise(found) if sees_scores else None,
        reviewers=found.score_count,
        days_in_stage=_days_in_stage(found),
        scale=scorecards.SCALE,
        stage_labels=STAFF_LABELS,
        reason_labels=REJECTION_REASONS,
        # Name-blind review (tracker/screening/identity.py): nobody sees who applied during
        # the sift, HR included, unless this HR user revealed it for this application.
        **identity.page_context(current_user, found),
        guaranteed=screening_services.is_guaranteed(found),
        review=_review_context(found),
        **context,
    )


def _days_in_stage(found) -> int | None:
    since = found.status_changed_at or found.submitted_at
    return (utcnow() - since).days if since else None


def _review_context(found) -> dict | None:
    """Review mode (tracker/screening/review.py): "Candidate n of N", the way back to the
    list and a skip, carried in the query string (also the scorecard's form action's)."""
    walk = review.Walk.parse(request.args, status_key="review")
    if walk is None or not can(current_user, Permission.MOVE_CANDIDATES):
        return None
    n, total = review.position(current_user, found.role_id, walk)
    return {
        "walk": walk,
        "n": n,
        "total": total,
        "list_href": url_for(
            "screening.candidates", role_id=found.role_id, status=walk.status.value, unscored=1
        ),
        "skip_href": url_for(
            "screening.review",
            role_id=found.role_id,
            **walk.review_args(skip=(*walk.skip, found.id)),
        ),
    }


def _timeline(moves, partner_feedback) -> list[tuple[str, object]]:
    """Moves and partners' feedback, newest first, as ("move" | "feedback", record) pairs."""
    items = [(m.occurred_at, "move", m) for m in moves] + [
        (f.submitted_at, "feedback", f) for f in partner_feedback
    ]
    items.sort(key=lambda item: item[0], reverse=True)
    return [(kind, record) for _, kind, record in items]


@bp.get("/applications/<int:application_id>/cv")
@require(Permission.VIEW_ROLES)
def application_cv(application_id: int):
    """The CV, under a neutral name. During the sift it follows SIFT_CV_ACCESS: a CV usually
    names its writer.

    Answers 403, with a page that says why, when the candidate is name-blind to this user
    and CVs are withheld during the sift.
    """
    found = _visible_application(application_id)
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

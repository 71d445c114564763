"""Hiring managers' and HR's screening pages: the pipeline list per role, and moves.

Views parse, find records through the user's scoped queries (another team's candidate is
simply not found), call one service, commit and redirect.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload

from tracker.accounts.permissions import Permission, require, visible_roles
from tracker.applications.models import Application
from tracker.applications.queries import find_visible_application, visible_applications
from tracker.applications.states import (
    AWAITING_DECISION,
    BULK_EVENTS,
    PIPELINE_ORDER,
    STAFF_EVENTS,
    STAFF_LABELS,
    Event,
    Status,
)
from tracker.catalogue.models import Role
from tracker.clock import utcnow
from tracker.extensions import db
from tracker.offers import services as offers
from tracker.offers.models import ConditionKind
from tracker.routing import page_arg
from tracker.screening import identity, queries, review, scorecards, services
from tracker.screening.forms import (
    BulkMoveForm,
    ConditionForm,
    MoveForm,
    NoteForm,
    RevealIdentityForm,
    scorecard_form,
)
from tracker.staff.views import render_application

bp = Blueprint("screening", __name__, url_prefix="/staff")


def _role(role_id: int) -> Role:
    """:raise 404: when the role is outside the user's scope."""
    found = db.session.scalar(
        visible_roles(current_user).where(Role.id == role_id).options(selectinload(Role.track))
    )
    if found is None:
        abort(404)
    return found


def _visible(application_id: int) -> Application:
    """:raise 404: when the application is a draft or outside the user's scope."""
    found = find_visible_application(current_user, application_id)
    if found is None:
        abort(404)
    return found


def _filters() -> queries.Filters:
    args = request.args
    status = args.get("status", "")
    return queries.Filters(
        status=Status(status) if status in {s.value for s in PIPELINE_ORDER} else None,
        flags=tuple(f for f in args.getlist("flag") if f in queries.FLAGS),
        reference=args.get("reference", "")[:12],
        sort=args.get("sort", "oldest") if args.get("sort") in queries.SORTS else "oldest",
        page=page_arg(),
    )


@bp.route("/roles/<int:role_id>/candidates", methods=["GET", "POST"])
@require(Permission.VIEW_ROLES)
def candidates(role_id: int):
    role = _role(role_id)
    filters = _filters()
    form = BulkMoveForm()
    form.set_events(list(BULK_EVENTS))
    if request.method == "POST":
        if not services.can_move(current_user):
            abort(403, description="needs permission to move candidates")
        if form.validate_on_submit():
            chosen = db.session.scalars(
                visible_applications(current_user).where(
                    Application.role_id == role.id,
                    Application.id.in_(form.application_ids.data),
                )
            ).all()
            try:
                result = services.move_candidates(
                    actor=current_user,
                    applications=list(chosen),
                    event=Event(form.event.data),
                    reasons=form.reasons.data,
                    feedback=form.feedback.data,
                )
            except services.MoveError as error:
                db.session.rollback()
                form.event.errors.append(str(error))
            else:
                db.session.commit()
                flash(
                    _bulk_message(result),
                    "error" if result.skipped and not result.moved else "message",
                )
                return redirect(request.full_path.rstrip("?"))
    page = queries.pipeline_page(current_user, role.id, filters)
    counts = queries.stage_counts(current_user, role.id)
    now = utcnow()
    waiting_for = {
        a.id: (now - (a.status_changed_at or a.submitted_at)).days
        for a in page.items
        if a.status in AWAITING_DECISION and (a.status_changed_at or a.submitted_at)
    }
    return render_template(
        "screening/candidates.html",
        role=role,
        page=page,
        filters=filters,
        form=form,
        counts={status: counts.get((role.id, status), 0) for status in PIPELINE_ORDER},
        stages=PIPELINE_ORDER,
        stage_labels=STAFF_LABELS,
        flags=queries.FLAGS,
        sorts=queries.SORTS,
        waiting_days=current_app.config["WAITING_DAYS"],
        waiting_for=waiting_for,
        previous_href=_page_href(role, page.page - 1) if page.page > 1 else None,
        next_href=_page_href(role, page.page + 1) if page.page < page.pages else None,
    )


def _page_href(role: Role, number: int) -> str:
    args = request.args.to_dict(flat=False)
    args["page"] = [str(number)]
    return url_for("screening.candidates", role_id=role.id, **args)


def _bulk_message(result: services.BulkResult) -> str:
    parts = [f"Moved {len(result.moved)} candidate{'s' if len(result.moved) != 1 else ''}."]
    if result.skipped:
        first = result.skipped[0]
        parts.append(
            f"{len(result.skipped)} not moved, for example {first[0].reference}: {first[1]}."
        )
    return " ".join(parts)


@bp.post("/applications/<int:application_id>/move")
@require(Permission.MOVE_CANDIDATES)
def move(application_id: int):
    application = _visible(application_id)
    form = MoveForm()
    form.set_events(list(STAFF_EVENTS))
    if form.validate_on_submit():
        try:
            services.move_candidate(
                actor=current_user,
                application=application,
                event=Event(form.event.data),
                expected_version=int(form.version.data),
                reasons=form.reasons.data,
                feedback=form.feedback.data,
                override_reason=form.override_reason.data,
                starts_on=form.starts_on.data,
            )
        except services.MoveError as error:
            db.session.rollback()
            form.event.errors.append(str(error))
            # The page shows the application as it is now: a second try starts from there.
            form.version.data = str(application.version)
        else:
            db.session.commit()
            flash(f"{application.reference} is now: {STAFF_LABELS[application.status].lower()}.")
            return redirect(url_for("staff.application", application_id=application_id))
    return render_application(application, move_form=form)


@bp.post("/applications/<int:application_id>/notes")
@require(Permission.MOVE_CANDIDATES)
def add_note(application_id: int):
    application = _visible(application_id)
    form = NoteForm()
    if form.validate_on_submit():
        services.add_note(actor=current_user, application=application, text=form.text.data)
        db.session.commit()
        flash("Note added.")
        return redirect(
            url_for("staff.application", application_id=application_id, section="notes") + "#notes"
        )
    return render_application(application, note_form=form)


@bp.post("/applications/<int:application_id>/reveal")
@require(Permission.VIEW_CANDIDATE_IDENTITY)
def reveal_identity(application_id: int):
    """HR shows themselves who applied, during the sift, with a reason that is audited."""
    application = _visible(application_id)
    form = RevealIdentityForm()
    if form.validate_on_submit():
        try:
            identity.reveal_identity(
                actor=current_user, application=application, reason=form.reason.data
            )
        except identity.RevealError as error:
            db.session.rollback()
            form.reason.errors = [str(error)]
        else:
            db.session.commit()
            flash(
                f"You can now see who applied for {application.reference}. "
                "This is recorded in the audit log."
            )
            return redirect(
                url_for("staff.application", application_id=application_id) + "#identity"
            )
    # The page again, with the error beside the reason and what was typed kept.
    return render_application(application, reveal_form=form)


@bp.post("/applications/<int:application_id>/scorecard")
@require(Permission.MOVE_CANDIDATES)
def score(application_id: int):
    """Scores beside the answers. In review mode (its place in the query string) a submitted
    scorecard leads to the next candidate; a refused one stays, with what was typed."""
    application = _visible(application_id)
    criteria = scorecards.criteria_for(application)
    form = scorecard_form(criteria)
    walk = review.Walk.parse(request.args, status_key="review")
    if form.validate_on_submit():
        try:
            scorecards.submit_scorecard(
                actor=current_user,
                application=application,
                scores={
                    c.id: (int(form[f"score_{c.id}"].data), form[f"evidence_{c.id}"].data or "")
                    for _, c in criteria
                },
            )
        except scorecards.ScorecardError as error:
            db.session.rollback()
            flash(str(error), "error")
            return redirect(
                url_for("staff.application", application_id=application_id, **_walk_args(walk))
            )
        db.session.commit()
        if walk is not None:
            flash(f"Your scores for {application.reference} are submitted.")
            return redirect(
                url_for(
                    "screening.review",
                    role_id=application.role_id,
                    **walk.review_args(done=walk.done + 1),
                )
            )
        flash("Your scores are submitted. You can now see other reviewers' scores.")
        return redirect(
            url_for("staff.application", application_id=application_id, section="scores")
            + "#scores"
        )
    return render_application(application, scores_form=form)


def _walk_args(walk: review.Walk | None) -> dict[str, str]:
    return walk.args() if walk is not None else {}


@bp.get("/roles/<int:role_id>/review", endpoint="review")
@require(Permission.MOVE_CANDIDATES)
def review_next(role_id: int):
    """Review mode: the next candidate waiting for this user's score, in the list's order."""
    role = _role(role_id)
    walk = review.Walk.parse(request.args)
    if walk is None:
        return render_template("screening/review_stage.html", role=role), 400
    found = review.next_candidate(current_user, role.id, walk)
    if found is None:
        return render_template(
            "screening/review_done.html",
            role=role,
            walk=walk,
            stage=STAFF_LABELS[walk.status],
            skipped=len(walk.skip),
        )
    return redirect(url_for("staff.application", application_id=found.id, **walk.args()))


@bp.post("/applications/<int:application_id>/conditions/<kind>")
@require(Permission.MOVE_CANDIDATES)
def meet_condition(application_id: int, kind: str):
    if kind not in {k.value for k in ConditionKind}:
        abort(404)
    application = _visible(application_id)
    form = ConditionForm()
    if form.validate_on_submit():
        try:
            hired = offers.meet_condition(
                actor=current_user,
                application=application,
                kind=ConditionKind(kind),
                note=form.note.data,
            )
        except offers.OfferError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(
                f"Every condition is met: {application.reference} is hired."
                if hired
                else "Condition recorded."
            )
        return redirect(url_for("staff.application", application_id=application_id) + "#offer")
    return render_application(application, condition_form=form, condition_kind=kind)

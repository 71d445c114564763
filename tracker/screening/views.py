"""Hiring managers' and HR's screening pages: the pipeline list per role, and moves.

Views parse, find records through the user's scoped queries (another team's candidate is
simply not found), call one service, commit and redirect.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.orm import selectinload

from tracker.accounts.permissions import Permission, can, require, visible_roles
from tracker.actions import attempt, check, save, scoped_or_404
from tracker.applications.models import Application
from tracker.applications.queries import visible_applications
from tracker.applications.states import (
    AWAITING_DECISION,
    BULK_EVENTS,
    PIPELINE_ORDER,
    SCORING,
    STAFF_LABELS,
    Event,
)
from tracker.catalogue.models import Role
from tracker.offers import services as offers
from tracker.offers.models import ConditionKind
from tracker.routing import page_arg
from tracker.screening import filters as list_filters
from tracker.screening import identity, queries, review, saved_views, services
from tracker.screening.forms import (
    BulkMoveForm,
    ConditionForm,
    NoteForm,
    RevealIdentityForm,
    SaveViewForm,
)
from tracker.staff.views import render_application

bp = Blueprint("screening", __name__, url_prefix="/staff")


def _role(role_id: int) -> Role:
    """:raise 404: when the role is outside the user's scope."""
    return scoped_or_404(
        visible_roles(current_user).where(Role.id == role_id).options(selectinload(Role.track))
    )


def _visible(application_id: int, *, lock: bool = False) -> Application:
    """:raise 404: when the application is a draft or outside the user's scope. ``lock`` for
    a change that must not race another (the application's row only)."""
    return scoped_or_404(
        visible_applications(current_user).where(Application.id == application_id),
        lock=lock,
        of=Application,
    )


def _filters() -> tuple[list_filters.Filters, dict[str, str]]:
    # Only HR may search by name or email: anyone else's search is dropped, not echoed.
    # A reviewer who may not see averages before scoring sorts and filters by score only
    # among the candidates they have scored.
    filters, errors = list_filters.parse(
        request.args,
        may_search=identity.may_reveal(current_user),
        may_see_scores=can(current_user, Permission.SEE_SCORES_UNSCORED),
    )
    return filters.with_page(page_arg()), errors


@bp.route("/roles/<int:role_id>/candidates", methods=["GET", "POST"])
@require(Permission.VIEW_ROLES)
def candidates(role_id: int):
    """The list. Posting its move form asks to confirm the move (bulk_views.py): nothing
    moves, and nobody is emailed, until that page's "Yes"."""
    role = _role(role_id)
    filters, filter_errors = _filters()
    form = BulkMoveForm()
    form.set_events(list(BULK_EVENTS))
    if request.method == "POST":
        if not services.can_move(current_user):
            abort(403, description="needs permission to move candidates")
        if form.validate_on_submit():
            form.drop_unrevealed()
            checked = check(
                form,
                lambda: services.check_bulk_move(
                    event=Event(form.event.data),
                    reasons=form.reasons.data,
                    feedback=form.feedback.data,
                ),
                field="event",
            )
            chosen = checked and bulk_views.chosen(role, filters, filter_errors, form)
            if chosen:
                return bulk_views.render_confirmation(role, form, chosen)
    return render_list(role, filters, filter_errors, form, SaveViewForm(formdata=None))


def render_list(role: Role, filters, filter_errors, form, view_form):
    page = queries.pipeline_page(current_user, role.id, filters)
    if filters.search:
        # HR's search by name or email finds who is behind a name-blind reference: audited,
        # as the explicit reveal is (tracker/screening/identity.py).
        blind = queries.count_name_blind_found(current_user, role.id, filters)
        if blind:
            save(
                lambda: identity.record_search(
                    actor=current_user, role=role, results=page.total, name_blind=blind
                )
            )
    counts = queries.stage_counts(current_user, role.id)
    return render_template(
        "screening/candidates.html",
        role=role,
        page=page,
        filters=filters,
        filter_errors=filter_errors,
        raw=request.args,
        form=form,
        view_form=view_form,
        saved=[(v, saved_views.list_url(v)) for v in saved_views.for_role(current_user, role.id)],
        saved_query=filters.saved_query,
        match_limit=queries.MATCH_LIMIT,
        may_search=identity.may_reveal(current_user),
        counts={status: counts.get((role.id, status), 0) for status in PIPELINE_ORDER},
        stages=PIPELINE_ORDER,
        stage_labels=STAFF_LABELS,
        flags=list_filters.FLAGS,
        sorts=list_filters.SORTS,
        awaiting=AWAITING_DECISION,
        waiting_days=current_app.config["WAITING_DAYS"],
        previous_href=_page_href(role, filters, page.page - 1) if page.page > 1 else None,
        next_href=_page_href(role, filters, page.page + 1) if page.page < page.pages else None,
        waiting_for_me=_waiting_for_me(role, filters),
        # A reviewer sees colleagues' average only on the candidates they have scored.
        sees_unscored=can(current_user, Permission.SEE_SCORES_UNSCORED),
    )


def _waiting_for_me(role: Role, filters) -> int:
    """In a stage reviewers score, how many wait for this user's score ("Review next")."""
    if filters.status not in SCORING or not services.can_move(current_user):
        return 0
    return review.count_waiting(current_user, role.id, filters.status)


def _page_href(role: Role, filters, number: int) -> str:
    query = filters.with_page(number).query_string(page=True)
    base = url_for("screening.candidates", role_id=role.id)
    return f"{base}?{query}" if query else base


@bp.post("/roles/<int:role_id>/saved-views")
@require(Permission.VIEW_ROLES)
def save_view(role_id: int):
    """Save the list's filters and sort (from the query string the form was posted to)."""
    role = _role(role_id)
    filters, filter_errors = _filters()
    form = SaveViewForm()
    if form.validate_on_submit():
        if filter_errors:
            form.name.errors = ["Correct the filters before saving them"]
        else:
            saved = attempt(
                form,
                lambda: saved_views.save_view(
                    actor=current_user, role=role, name=form.name.data, filters=filters
                ),
                field="name",
            )
            if saved:
                flash(f'Saved the view "{saved.value.name}".')
                return redirect(saved_views.list_url(saved.value))
    bulk = BulkMoveForm(formdata=None)
    bulk.set_events(list(BULK_EVENTS))
    return render_list(role, filters, filter_errors, bulk, form)


@bp.post("/saved-views/<int:view_id>/delete")
@require(Permission.VIEW_ROLES)
def delete_view(view_id: int):
    view = saved_views.find_own(current_user, view_id)
    if view is None:
        abort(404)
    form = FlaskForm()
    if not form.validate_on_submit():
        abort(400)
    role_id, name = view.role_id, view.name
    if attempt(None, lambda: saved_views.delete_view(actor=current_user, view=view)):
        flash(f'Deleted the view "{name}".')
    return redirect(url_for("screening.candidates", role_id=role_id))


@bp.post("/applications/<int:application_id>/notes")
@require(Permission.MOVE_CANDIDATES)
def add_note(application_id: int):
    application = _visible(application_id)
    form = NoteForm()
    if form.validate_on_submit() and attempt(
        form,
        lambda: services.add_note(actor=current_user, application=application, text=form.text.data),
        field="text",
    ):
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
    if form.validate_on_submit() and attempt(
        form,
        lambda: identity.reveal_identity(
            actor=current_user, application=application, reason=form.reason.data
        ),
        field="reason",
    ):
        flash(
            f"You can now see who applied for {application.reference}. "
            "This is recorded in the audit log."
        )
        return redirect(url_for("staff.application", application_id=application_id) + "#identity")
    # The page again, with the error beside the reason and what was typed kept.
    return render_application(application, reveal_form=form)


@bp.post("/applications/<int:application_id>/conditions/<kind>")
@require(Permission.MOVE_CANDIDATES)
def meet_condition(application_id: int, kind: str):
    if kind not in {k.value for k in ConditionKind}:
        abort(404)
    application = _visible(application_id, lock=True)
    form = ConditionForm()
    if form.validate_on_submit():
        met = attempt(
            form,
            lambda: offers.meet_condition(
                actor=current_user,
                application=application,
                kind=ConditionKind(kind),
                note=form.note.data,
            ),
            field="note",
        )
        if met:
            flash(
                f"Every condition is met: {application.reference} is hired."
                if met.value
                else "Condition recorded."
            )
            return redirect(url_for("staff.application", application_id=application_id) + "#offer")
    return render_application(application, condition_form=form, condition_kind=kind)


# Moves, bulk moves and review mode's routes live beside these, on the same blueprint (kept
# apart for size).
from tracker.screening import bulk_views, move_views, review_views  # noqa: E402, F401

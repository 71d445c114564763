"""Hiring managers' and HR's screening pages: the pipeline list per role, and its saved
views. Moving candidates in bulk (bulk_views.py) and review mode (review_views.py) have
modules of their own on this blueprint; the forms on a candidate's staff page (moves, notes,
scores, conditions) are staff's (tracker/staff/move_views.py and record_views.py), on this
blueprint too.

Views parse, find records through the user's scoped queries (another team's candidate is
simply not found), call one service, commit and redirect.
"""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from tracker.accounts.permissions import Permission, require
from tracker.actions import attempt, check
from tracker.applications.states import BULK_EVENTS, Event
from tracker.screening import bulk_confirmation, saved_filters, services
from tracker.screening.blueprint import bp
from tracker.screening.forms import BulkMoveForm, SaveViewForm
from tracker.screening.listing import render_list, request_filters, role_in_scope


@bp.route("/roles/<int:role_id>/candidates", methods=["GET", "POST"])
@require(Permission.VIEW_ROLES)
def candidates(role_id: int):
    """The list. Posting its move form asks to confirm the move (bulk_confirmation.py):
    nothing moves, and nobody is emailed, until that page's "Yes" (bulk_views.py)."""
    role = role_in_scope(role_id)
    filters, filter_errors = request_filters()
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
            chosen = checked and bulk_confirmation.chosen(role, filters, filter_errors, form)
            if chosen:
                return bulk_confirmation.render_confirmation(role, form, chosen)
    return render_list(role, filters, filter_errors, form, SaveViewForm(formdata=None))


@bp.post("/roles/<int:role_id>/saved-views")
@require(Permission.VIEW_ROLES)
def save_view(role_id: int):
    """Save the list's filters and sort (from the query string the form was posted to)."""
    role = role_in_scope(role_id)
    filters, filter_errors = request_filters()
    form = SaveViewForm()
    if form.validate_on_submit():
        if filter_errors:
            form.name.errors = ["Correct the filters before saving them"]
        else:
            saved = attempt(
                form,
                lambda: saved_filters.save_view(
                    actor=current_user, role=role, name=form.name.data, filters=filters
                ),
                field="name",
            )
            if saved:
                flash(f'Saved the view "{saved.value.name}".')
                return redirect(saved_filters.list_url(saved.value))
    bulk = BulkMoveForm(formdata=None)
    bulk.set_events(list(BULK_EVENTS))
    return render_list(role, filters, filter_errors, bulk, form)


@bp.post("/saved-views/<int:view_id>/delete")
@require(Permission.VIEW_ROLES)
def delete_view(view_id: int):
    view = saved_filters.find_own(current_user, view_id)
    if view is None:
        abort(404)
    form = FlaskForm()
    if not form.validate_on_submit():
        abort(400)
    role_id, name = view.role_id, view.name
    if attempt(None, lambda: saved_filters.delete_view(actor=current_user, view=view)):
        flash(f'Deleted the view "{name}".')
    return redirect(url_for("screening.candidates", role_id=role_id))

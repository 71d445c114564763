"""Moving many candidates from the list (endpoint screening.bulk_move), on the screening
blueprint.

The list's move form (screening.candidates) never moves anyone: it finds the candidates
chosen, through the user's scope, and shows what will happen, to how many, and the email
each will be sent. That page posts here, carrying the move and each candidate it listed with
the version it showed: this finds them again in the user's scope and moves those, skipping
(and reporting) any that changed or left the list meanwhile. Nobody it did not list is moved.

The confirmation page itself is built in bulk_confirmation.py.
"""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_login import current_user

from tracker.accounts.permissions import Permission, require
from tracker.actions import add_error, attempt
from tracker.applications.models import Application
from tracker.applications.queries import visible_applications
from tracker.applications.states import BULK_EVENTS, Event
from tracker.catalogue.models import Role
from tracker.extensions import db
from tracker.screening import services
from tracker.screening.blueprint import bp
from tracker.screening.bulk_confirmation import list_args
from tracker.screening.forms import BulkConfirmForm, BulkMoveForm, SaveViewForm
from tracker.screening.listing import render_list, request_filters, role_in_scope


@bp.post("/roles/<int:role_id>/candidates/move")
@require(Permission.MOVE_CANDIDATES)
def bulk_move(role_id: int):
    """The confirmation's "Yes"."""
    role = role_in_scope(role_id)
    form = BulkConfirmForm()
    form.set_events(list(BULK_EVENTS))
    if form.validate_on_submit():
        versions = form.versions
        found = list(
            db.session.scalars(
                visible_applications(current_user)
                .where(Application.role_id == role.id, Application.id.in_(versions))
                .order_by(Application.id)
                .with_for_update(of=Application)
            )
        )
        moved = attempt(
            form,
            lambda: services.move_candidates(
                actor=current_user,
                applications=found,
                event=Event(form.event.data),
                reasons=form.reasons.data,
                feedback=form.feedback.data,
                versions=versions,
            ),
            field="event",
        )
        gone = len(versions) - len(found)
        if moved and moved.value.moved:
            flash(_message(moved.value, gone))
            return redirect(url_for("screening.candidates", role_id=role.id, **list_args()))
        if moved:
            add_error(form, "Nobody was moved. " + _message(moved.value, gone), "chosen")
    return _back_to_list(role, form)


def _back_to_list(role: Role, confirm: BulkConfirmForm):
    """The list, with the move's form as it was chosen and the reason it was not made."""
    form = BulkMoveForm(formdata=None)
    form.set_events(list(BULK_EVENTS))
    form.event.data = confirm.event.data
    form.reasons.data = confirm.reasons.data
    form.feedback.data = confirm.feedback.data
    if not confirm.chosen.errors:
        form.application_ids.data = list(confirm.versions)
    for name in ("event", "reasons", "feedback"):
        form[name].errors = list(confirm[name].errors)
    form.scope.errors = [*confirm.chosen.errors, *confirm.form_errors]
    return render_list(role, *request_filters(), form, SaveViewForm(formdata=None))


def _message(result: services.BulkResult, gone: int = 0) -> str:
    moved = len(result.moved)
    parts = [f"Moved {moved} candidate{'s' if moved != 1 else ''}."] if moved else []
    if result.skipped:
        first = result.skipped[0]
        parts.append(
            f"{len(result.skipped)} not moved, for example {first[0].reference}: {first[1]}."
        )
    if gone:
        parts.append(f"{gone} no longer in your list {'were' if gone != 1 else 'was'} not moved.")
    return " ".join(parts)

"""Moving one candidate from their staff page (endpoints screening.move and
screening.make_unsuccessful, on the screening blueprint). A refused move shows the staff page
again, with the form's errors: so these routes are staff's, above screening.

Making a candidate unsuccessful emails them and cannot be undone, so it is asked twice: the
move form leads to a page that shows the reasons chosen and the email they will be sent, and
only its "Yes" makes the move. Other moves happen at once.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from tracker.accounts.permissions import Permission, require
from tracker.actions import attempt, check
from tracker.applications.states import REJECTION_REASONS, STAFF_EVENTS, STAFF_LABELS, Event
from tracker.screening import identity, previews, services
from tracker.screening.blueprint import bp
from tracker.screening.forms import MoveForm
from tracker.screening.listing import visible_application
from tracker.staff.application_page import render_application


def _section_args() -> dict:
    # The decision is on two sections of the page: the answer returns to the one it came from.
    return {"section": "scores"} if request.args.get("section") == "scores" else {}


def _moved(application):
    flash(f"{application.reference} is now: {STAFF_LABELS[application.status].lower()}.")
    return redirect(url_for("staff.application", application_id=application.id))


def _move(form: MoveForm, application, event: Event):
    return lambda: services.move_candidate(
        actor=current_user,
        application=application,
        event=event,
        expected_version=int(form.version.data),
        reasons=form.reasons.data,
        feedback=form.feedback.data,
        override_reason=form.override_reason.data,
        starts_on=form.starts_on.data,
    )


@bp.post("/applications/<int:application_id>/move")
@require(Permission.MOVE_CANDIDATES)
def move(application_id: int):
    """Make the move chosen, or, for "unsuccessful", check it and ask to confirm it."""
    application = visible_application(application_id, lock=True)
    form = MoveForm()
    form.set_events(list(STAFF_EVENTS))
    if form.validate_on_submit():
        form.drop_unrevealed()
        event = Event(form.event.data)
        if event is not Event.REJECT:
            if attempt(form, _move(form, application, event), field="event"):
                return _moved(application)
        elif check(
            form,
            lambda: services.check_move(
                actor=current_user,
                application=application,
                event=event,
                expected_version=int(form.version.data),
                reasons=form.reasons.data,
                feedback=form.feedback.data,
                override_reason=form.override_reason.data,
            ),
            field="event",
        ):
            return _confirm_unsuccessful(application, form)
    return _refused(application, form)


def _refused(application, form: MoveForm):
    # The page shows the application as it is now: a second try starts from there.
    form.version.data = str(application.version)
    return render_application(application, move_form=form)


def _confirm_unsuccessful(application, form: MoveForm):
    return render_template(
        "screening/confirm_unsuccessful.html",
        application=application,
        form=form,
        show_identity=identity.shows_identity(current_user, application),
        stage_labels=STAFF_LABELS,
        reasons=[REJECTION_REASONS[code] for code in form.reasons.data],
        email=previews.move_email(
            Event.REJECT,
            application,
            viewer=current_user,
            reasons=form.reasons.data,
            feedback=form.feedback.data,
        ),
        action=url_for(
            "screening.make_unsuccessful", application_id=application.id, **_section_args()
        ),
        back=url_for("staff.application", application_id=application.id, **_section_args())
        + "#move",
    )


@bp.post("/applications/<int:application_id>/unsuccessful")
@require(Permission.MOVE_CANDIDATES)
def make_unsuccessful(application_id: int):
    """The confirmation's "Yes": the move, checked again (its version says whether anyone
    moved the candidate since the page was shown)."""
    application = visible_application(application_id, lock=True)
    form = MoveForm()
    form.set_events([Event.REJECT])
    if form.validate_on_submit() and attempt(
        form, _move(form, application, Event.REJECT), field="event"
    ):
        return _moved(application)
    return _refused(application, form)

"""The forms on a candidate's staff page that record something: a note, HR revealing who
applied, an offer's condition met, and the user's scorecard (endpoints screening.add_note,
screening.reveal_identity, screening.meet_condition and screening.score, on the screening
blueprint). A refused form shows the staff page again, with its errors and what was typed:
so these routes are staff's, above screening.
"""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user

from tracker.accounts.permissions import Permission, require
from tracker.actions import attempt
from tracker.offers import services as offers
from tracker.offers.models import ConditionKind
from tracker.screening import identity, review, scorecards, services
from tracker.screening.blueprint import bp
from tracker.screening.forms import ConditionForm, NoteForm, RevealIdentityForm, scorecard_form
from tracker.screening.listing import visible_application
from tracker.staff.application_page import render_application


@bp.post("/applications/<int:application_id>/notes")
@require(Permission.MOVE_CANDIDATES)
def add_note(application_id: int):
    application = visible_application(application_id)
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
    application = visible_application(application_id)
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
    application = visible_application(application_id, lock=True)
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


@bp.post("/applications/<int:application_id>/scorecard")
@require(Permission.MOVE_CANDIDATES)
def score(application_id: int):
    """Scores beside the answers. In review mode (its place in the query string) a submitted
    scorecard leads to the next candidate; a refused one stays, with what was typed."""
    application = visible_application(application_id)
    criteria = scorecards.criteria_for(application)
    form = scorecard_form(criteria)
    walk = review.Walk.parse(request.args, status_key="review")
    submitted = form.validate_on_submit() and attempt(
        form,
        lambda: scorecards.submit_scorecard(
            actor=current_user,
            application=application,
            scores={
                c.id: (int(form[f"score_{c.id}"].data), form[f"evidence_{c.id}"].data or "")
                for _, c in criteria
            },
        ),
    )
    if submitted:
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

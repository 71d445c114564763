"""Scoring and review mode's routes, on the screening blueprint (endpoints screening.score and
screening.review): a scorecard submitted in review mode leads to the next candidate waiting.

Imported at the bottom of tracker/screening/views.py, so the routes exist wherever the
blueprint does.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from tracker.accounts.permissions import Permission, require
from tracker.actions import attempt
from tracker.applications.states import STAFF_LABELS
from tracker.screening import review, scorecards
from tracker.screening.forms import scorecard_form
from tracker.screening.views import _role, _visible, bp
from tracker.staff.views import render_application


@bp.post("/applications/<int:application_id>/scorecard")
@require(Permission.MOVE_CANDIDATES)
def score(application_id: int):
    """Scores beside the answers. In review mode (its place in the query string) a submitted
    scorecard leads to the next candidate; a refused one stays, with what was typed."""
    application = _visible(application_id)
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

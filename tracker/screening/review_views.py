"""Review mode's route, on the screening blueprint (endpoint screening.review): the next
candidate waiting for this user's score. A scorecard submitted in review mode
(screening.score, tracker/staff/record_views.py) comes back here for the next one.
"""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_login import current_user

from tracker.accounts.permissions import Permission, require
from tracker.applications.states import STAFF_LABELS
from tracker.screening import review
from tracker.screening.blueprint import bp
from tracker.screening.listing import role_in_scope


@bp.get("/roles/<int:role_id>/review", endpoint="review")
@require(Permission.MOVE_CANDIDATES)
def review_next(role_id: int):
    """Review mode: the next candidate waiting for this user's score, in the list's order."""
    role = role_in_scope(role_id)
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

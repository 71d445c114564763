"""The applicant's own pages that show the times they have booked beside their applications:
their dashboard and the copy of a submitted application. They live here, above applications,
because applications knows nothing of bookings; they register on the applications blueprint
(endpoints applications.dashboard and applications.view)."""

from __future__ import annotations

from flask import current_app, redirect, render_template, url_for

from tracker import clock
from tracker.applicants.login import applicant_required, current_applicant
from tracker.applications import forms, ranking
from tracker.applications.blueprint import bp, own
from tracker.applications.queries import (
    applications_by_campaign,
    equality_answers,
    rejection_reasons,
)
from tracker.applications.states import Event, Status, can
from tracker.catalogue.queries import current_campaign
from tracker.scheduling.queries import current_bookings


@bp.get("/applications")
@applicant_required
def dashboard():
    applicant = current_applicant()
    today = clock.today()
    # Every campaign the applicant applied in: an older one may still be at interview.
    # The live applications in the applicant's order, then those out of the running.
    groups = [
        (campaign, ranking.ranked_order(applications))
        for campaign, applications in applications_by_campaign(applicant)
    ]
    every = [a for _, applications in groups for a in applications]
    return render_template(
        "applications/dashboard.html",
        groups=groups,
        bookings=current_bookings(every),
        decisions=rejection_reasons([a for a in every if a.status is Status.UNSUCCESSFUL]),
        campaign=current_campaign(today),
        limit=current_app.config["MAX_APPLICATIONS_PER_CAMPAIGN"],
        today=today,
        withdrawable={a.id for a in every if can(a.status, Event.WITHDRAW)},
        form=forms.ButtonForm(),
    )


@bp.get("/applications/<int:application_id>/view")
@applicant_required
def view(application_id: int):
    """A copy of what the applicant submitted."""
    application = own(application_id)
    if application.is_draft:
        return redirect(url_for("applications.task_list", application_id=application.id))
    return render_template(
        "applications/view.html",
        application=application,
        equality_answers=equality_answers(application),
        can_withdraw=can(application.status, Event.WITHDRAW),
        bookings=current_bookings([application]),
    )

"""The applicant's answer to an offer. Accepting is one step; declining cannot be undone, so
it asks first, showing what happens and the email that will follow.

Pages of the applicant's journey: they register on the applications blueprint (endpoints
applications.offer and applications.decline_offer)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for

from tracker.actions import attempt
from tracker.applicants.login import applicant_required, current_applicant
from tracker.applications import forms
from tracker.applications.blueprint import bp, own
from tracker.applications.states import Event, can
from tracker.notifications.rendering import render_email
from tracker.offers.services import offer_for, respond_to_offer


def _open_offer(application_id: int):
    """(the applicant's application, None) while it has an offer to answer; otherwise
    (it, a redirect to their applications)."""
    application = own(application_id)
    if not can(application.status, Event.ACCEPT_OFFER):
        return application, redirect(url_for("applications.dashboard"))
    return application, None


@bp.route("/applications/<int:application_id>/offer", methods=["GET", "POST"])
@applicant_required
def offer(application_id: int):
    application, elsewhere = _open_offer(application_id)
    if elsewhere:
        return elsewhere
    form = forms.OfferResponseForm()
    if form.validate_on_submit():
        if form.response.data == "decline":
            # The mentor question, shown to anyone without JavaScript, is ignored here.
            return redirect(url_for("applications.decline_offer", application_id=application.id))
        accepted = attempt(
            form,
            lambda: respond_to_offer(
                applicant=current_applicant(),
                application=application,
                accept=True,
                mentor_contact_consent=form.mentor_contact_consent,
            ),
            field="response",
        )
        if accepted:
            flash(
                "You have accepted our offer. We will be in touch about the checks before you "
                "start."
            )
            return redirect(url_for("applications.dashboard"))
    return render_template(
        "applications/offer.html", application=application, form=form, offer=offer_for(application)
    )


@bp.route("/applications/<int:application_id>/offer/decline", methods=["GET", "POST"])
@applicant_required
def decline_offer(application_id: int):
    application, elsewhere = _open_offer(application_id)
    if elsewhere:
        return elsewhere
    form = forms.ConfirmDeclineForm()
    if form.validate_on_submit():
        declined = attempt(
            form,
            lambda: respond_to_offer(
                applicant=current_applicant(), application=application, accept=False
            ),
        )
        if declined:
            flash("You have declined our offer. Thank you for letting us know.")
            return redirect(url_for("applications.dashboard"))
    # The email that will follow, as it will read: it is the applicant's own.
    email = render_email(
        "offer_declined", {"application_id": application.id, "timeline_entry_id": None}
    )
    return render_template(
        "applications/decline_offer.html", application=application, form=form, email=email
    )

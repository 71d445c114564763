"""Candidates book, rebook or cancel a time, and add it to their calendar."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, url_for
from sqlalchemy import select

from tracker.actions import attempt, scoped_or_404
from tracker.applicants.login import applicant_required, current_applicant
from tracker.applications.models import Application
from tracker.clock import utcnow
from tracker.formatting import long_datetime
from tracker.scheduling import ics, queries, services
from tracker.scheduling.blueprint import bp
from tracker.scheduling.forms import CancelBookingForm, ChooseSlotForm


def _own(application_id: int) -> Application:
    return scoped_or_404(
        select(Application).where(
            Application.id == application_id,
            Application.applicant_id == current_applicant().id,
        )
    )


@bp.route("/applications/<int:application_id>/booking", methods=["GET", "POST"])
@applicant_required
def book(application_id: int):
    application = _own(application_id)
    if application.status not in queries.KIND_FOR_STATUS:
        flash("There is nothing to book for this application now.", "error")
        return redirect(url_for("applications.dashboard"))
    current = queries.live_booking(application)
    choices = queries.open_slots(application, utcnow())
    form = ChooseSlotForm()
    form.slot.choices = [
        (str(s.id), f"{long_datetime(s.starts_at)} ({s.minutes} minutes), {s.place}")
        for s in choices
        if current is None or s.id != current.slot_id
    ]
    if form.validate_on_submit():
        booked = attempt(
            form,
            lambda: services.book(
                applicant=current_applicant(),
                application=application,
                slot_id=int(form.slot.data),
            ),
            field="slot",
        )
        if booked:
            flash("Your time is booked. We have emailed you the details.")
            return redirect(url_for("scheduling.book", application_id=application.id))
    return render_template(
        "scheduling/book.html",
        application=application,
        current=current,
        form=form,
        cancel_form=CancelBookingForm(),
    )


@bp.post("/applications/<int:application_id>/booking/cancel")
@applicant_required
def cancel_booking(application_id: int):
    application = _own(application_id)
    form = CancelBookingForm()
    if form.validate_on_submit():
        # A button with nothing to fill in: a refusal ("no booking to cancel") is flashed.
        cancelled = attempt(
            None, lambda: services.cancel(applicant=current_applicant(), application=application)
        )
        if cancelled:
            flash("Your booking is cancelled. Choose another time if you can.")
    return redirect(url_for("scheduling.book", application_id=application.id))


@bp.get("/applications/<int:application_id>/booking.ics")
@applicant_required
def calendar(application_id: int):
    application = _own(application_id)
    booking = queries.live_booking(application)
    if booking is None:
        abort(404)
    body = ics.calendar_file(
        uid=f"booking-{booking.id}@apprenticeship-tracker",
        starts_at=booking.slot.starts_at,
        minutes=booking.slot.minutes,
        summary=f"{booking.kind.label}: {application.role.title}",
        location=booking.slot.place,
        description=f"Your {booking.kind.value} for the {application.role.title} role.",
        stamp=booking.booked_at,
    )
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="{booking.kind.value}.ics"'},
    )

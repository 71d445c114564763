"""Slots for staff; booking, rebooking and cancelling for candidates; a calendar file."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.accounts.models import ManagerScope, StaffRole, User, UserRole
from tracker.accounts.permissions import Permission, can, require, visible_roles
from tracker.applicants.login import applicant_required, current_applicant
from tracker.applications.models import Application
from tracker.catalogue.models import Role
from tracker.clock import utcnow
from tracker.extensions import db
from tracker.scheduling import ics, services
from tracker.scheduling.forms import CancelBookingForm, ChooseSlotForm, SlotForm
from tracker.scheduling.models import Slot, SlotKind
from tracker.templating import long_datetime

bp = Blueprint("scheduling", __name__)


def _role(role_id: int) -> Role:
    found = db.session.scalar(visible_roles(current_user).where(Role.id == role_id))
    if found is None:
        abort(404)
    return found


def _possible_panel(role: Role) -> list[User]:
    """HR, and the hiring managers who look after this role or its track."""
    scoped = select(ManagerScope.user_id).where(
        (ManagerScope.role_id == role.id) | (ManagerScope.track_id == role.track_id)
    )
    admins = select(UserRole.user_id).where(UserRole.role == StaffRole.ADMIN)
    return list(
        db.session.scalars(
            select(User)
            .where(User.is_active.is_(True), User.id.in_(scoped.union(admins)))
            .order_by(User.name)
        )
    )


@bp.route("/staff/roles/<int:role_id>/slots", methods=["GET", "POST"])
@require(Permission.VIEW_ROLES)
def slots(role_id: int):
    role = _role(role_id)
    form = SlotForm()
    people = _possible_panel(role)
    form.panel.choices = [(u.id, u.name) for u in people]
    if form.validate_on_submit():
        try:
            services.create_slot(
                actor=current_user,
                role=role,
                kind=SlotKind(form.kind.data),
                starts_at=form.starts_at(),
                minutes=form.minutes.data,
                place=form.place.data,
                capacity=form.capacity.data,
                panel=[u for u in people if u.id in set(form.panel.data or [])],
            )
        except services.SchedulingError as error:
            db.session.rollback()
            getattr(form, error.field or "day").errors.append(str(error))
        else:
            db.session.commit()
            flash("Slot added. Candidates invited to this stage can book it now.")
            return redirect(url_for("scheduling.slots", role_id=role.id))
    listing = db.session.scalars(
        select(Slot)
        .where(Slot.role_id == role.id, Slot.cancelled_at.is_(None))
        .order_by(Slot.starts_at)
        .options(selectinload(Slot.panel))
    ).all()
    return render_template(
        "scheduling/slots.html",
        role=role,
        form=form,
        slots=listing,
        can_add=can(current_user, Permission.MOVE_CANDIDATES),
    )


@bp.get("/staff/slots/<int:slot_id>")
@require(Permission.VIEW_ROLES)
def slot(slot_id: int):
    found = db.session.scalar(
        select(Slot)
        .join(Role)
        .where(
            Slot.id == slot_id, Role.id.in_(visible_roles(current_user).with_only_columns(Role.id))
        )
    )
    if found is None:
        abort(404)
    bookings = [b for b in found.bookings if b.cancelled_at is None]
    return render_template(
        "scheduling/slot.html",
        slot=found,
        bookings=bookings,
        show_adjustments=services.may_see_adjustments(current_user, found),
    )


def _own(application_id: int) -> Application:
    applicant = current_applicant()
    found = db.session.scalar(
        select(Application).where(
            Application.id == application_id, Application.applicant_id == applicant.id
        )
    )
    if found is None:
        abort(404)
    return found


@bp.route("/applications/<int:application_id>/booking", methods=["GET", "POST"])
@applicant_required
def book(application_id: int):
    application = _own(application_id)
    if application.status not in services.KIND_FOR_STATUS:
        flash("There is nothing to book for this application now.", "error")
        return redirect(url_for("applications.dashboard"))
    current = services.live_booking(application)
    choices = services.open_slots(application, utcnow())
    form = ChooseSlotForm()
    form.slot.choices = [
        (str(s.id), f"{long_datetime(s.starts_at)} ({s.minutes} minutes), {s.place}")
        for s in choices
        if current is None or s.id != current.slot_id
    ]
    if form.validate_on_submit():
        try:
            services.book(
                applicant=current_applicant(),
                application=application,
                slot_id=int(form.slot.data),
            )
        except services.SchedulingError as error:
            db.session.rollback()
            form.slot.errors.append(str(error))
        else:
            db.session.commit()
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
        try:
            services.cancel(applicant=current_applicant(), application=application)
        except services.SchedulingError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash("Your booking is cancelled. Choose another time if you can.")
    return redirect(url_for("scheduling.book", application_id=application.id))


@bp.get("/applications/<int:application_id>/booking.ics")
@applicant_required
def calendar(application_id: int):
    application = _own(application_id)
    booking = services.live_booking(application)
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

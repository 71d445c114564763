"""Slots for staff: one at a time, or an assessment day's run of them; the interviews
overview; the panel's calendar invitation. Candidates book, rebook and cancel
(applicant_views.py)."""

from __future__ import annotations

from datetime import datetime, time
from itertools import groupby

from flask import Response, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from tracker.accounts.models import ManagerScope, StaffRole, User, UserRole
from tracker.accounts.permissions import Permission, can, require, visible_roles
from tracker.actions import attempt, check, scoped_or_404
from tracker.catalogue.models import Role
from tracker.clock import UK, today
from tracker.extensions import db
from tracker.formatting import long_datetime
from tracker.notifications.rendering import render_email
from tracker.scheduling import invitations, packs, queries
from tracker.scheduling.blueprint import bp
from tracker.scheduling.forms import DayForm, SlotForm
from tracker.scheduling.models import Slot, SlotKind
from tracker.scheduling.slots import Day, create_day, create_slot, preview_day
from tracker.scheduling.slots import clock as uk_clock


def _role(role_id: int) -> Role:
    return scoped_or_404(visible_roles(current_user).where(Role.id == role_id))


def _in_scope():
    return Slot.role_id.in_(visible_roles(current_user).with_only_columns(Role.id))


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


def _with_panel_choices(form, role: Role) -> list[User]:
    people = _possible_panel(role)
    form.panel.choices = [(u.id, u.name) for u in people]
    return people


def _chosen(form, people: list[User]) -> list[User]:
    wanted = set(form.panel.data or [])
    return [u for u in people if u.id in wanted]


@bp.route("/staff/roles/<int:role_id>/slots", methods=["GET", "POST"])
@require(Permission.VIEW_ROLES)
def slots(role_id: int):
    role = _role(role_id)
    form = SlotForm()
    people = _with_panel_choices(form, role)
    if form.validate_on_submit():
        added = attempt(
            form,
            lambda: create_slot(
                actor=current_user,
                role=role,
                kind=SlotKind(form.kind.data),
                starts_at=form.starts_at(),
                minutes=form.minutes.data,
                place=form.place.data,
                capacity=form.capacity.data,
                panel=_chosen(form, people),
            ),
            field="day",
        )
        if added:
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


def _day_details(form: DayForm, role: Role, people: list[User]) -> dict:
    return {
        "actor": current_user,
        "role": role,
        "kind": SlotKind(form.kind.data),
        "day": form.day.data,
        "first": form.start_time(),
        "last": form.last_start_time(),
        "minutes": form.minutes.data,
        "gap": form.gap.data,
        "place": form.place.data,
        "capacity": form.capacity.data,
        "panel": _chosen(form, people),
    }


@bp.route("/staff/roles/<int:role_id>/days/new", methods=["GET", "POST"])
@require(Permission.MOVE_CANDIDATES)
def new_day(role_id: int):
    """An assessment day: the form, then a page that says what it makes and who is emailed,
    then the slots. Each step checks again, so a clash that appears meanwhile is refused."""
    role = _role(role_id)
    form = DayForm()
    people = _with_panel_choices(form, role)
    if request.method == "POST" and "change" in request.form:
        return render_template("scheduling/new_day.html", role=role, form=form)
    if form.validate_on_submit():
        details = _day_details(form, role, people)
        if form.confirmed.data == "yes":
            made = attempt(form, lambda: create_day(**details))
            if made:
                count = len(made.value)
                invited = " The panel will be emailed their calendar invitations."
                flash(
                    f"{count} {'slot' if count == 1 else 'slots'} added. Candidates invited to "
                    f"this stage can book them now.{invited if details['panel'] else ''}"
                )
                return redirect(url_for("scheduling.slots", role_id=role.id))
        else:
            planned = check(form, lambda: preview_day(**details))
            if planned:
                return _confirm_day(form, role, planned.value, details)
    return render_template("scheduling/new_day.html", role=role, form=form)


def _confirm_day(form: DayForm, role: Role, day: Day, details: dict):
    panel = details["panel"]
    first = day.starts[0]
    preview = None
    if panel:
        preview = render_email(
            "panel_invitation",
            {"slot_id": 0, "user_id": 0},
            overrides={
                "name": panel[0].name.split(" ")[0],
                "kind": details["kind"].value,
                "role_title": role.title,
                "when": long_datetime(first),
                "minutes": details["minutes"],
                "place": details["place"],
            },
        )
    # The confirmation posts what was typed again, with "confirmed": nothing is kept between.
    resubmitted = [
        (name, value)
        for name, values in request.form.lists()
        if name not in {"csrf_token", "confirmed", "change", "submit"}
        for value in values
    ]
    return render_template(
        "scheduling/confirm_day.html",
        role=role,
        form=form,
        day=day,
        details=details,
        times=[(uk_clock(s), uk_clock(s + day.length)) for s in day.starts],
        preview=preview,
        resubmitted=resubmitted,
    )


@bp.get("/staff/slots/<int:slot_id>")
@require(Permission.VIEW_ROLES)
def slot(slot_id: int):
    found = scoped_or_404(select(Slot).where(Slot.id == slot_id, _in_scope()))
    bookings = [b for b in found.bookings if b.cancelled_at is None]
    runs = queries.runs(current_user, found)
    return render_template(
        "scheduling/slot.html",
        slot=found,
        bookings=bookings,
        show_adjustments=runs,
        on_panel=any(m.id == current_user.id for m in found.panel),
        has_pack=found.cancelled_at is None and runs,
        day=found.starts_at.astimezone(UK).date(),
    )


@bp.get("/staff/slots/<int:slot_id>/invitation.ics")
@require(Permission.VIEW_STAFF_PAGES)
def invitation(slot_id: int):
    """The panel's calendar invitation, as emailed (Notify links here): for the panel and
    HR; anyone else is told there is no such file."""
    found = scoped_or_404(
        queries.run_by(
            current_user, select(Slot).where(Slot.id == slot_id, Slot.cancelled_at.is_(None))
        )
    )
    return Response(
        invitations.invitation_file(found),
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="{invitations.FILENAME}"'},
    )


@bp.get("/staff/interviews")
@require(Permission.VIEW_ROLES)
def interviews():
    """Upcoming assessments and interviews across every role the user looks after, by day."""
    start_of_today = datetime.combine(today(), time(0), tzinfo=UK)
    upcoming = db.session.scalars(
        select(Slot)
        .where(_in_scope(), Slot.cancelled_at.is_(None), Slot.starts_at >= start_of_today)
        .order_by(Slot.starts_at, Slot.id)
        .options(joinedload(Slot.role), selectinload(Slot.panel))
        .limit(SHOWN + 1)
    ).all()
    days = [
        (day, list(day_slots))
        for day, day_slots in groupby(
            upcoming[:SHOWN], key=lambda s: s.starts_at.astimezone(UK).date()
        )
    ]
    # The panel packs this user may have: their own panels' (HR: every one), by day.
    pack_days = packs.days_among(current_user, upcoming[:SHOWN])
    theirs = queries.runs_which(current_user, upcoming[:SHOWN])
    return render_template(
        "scheduling/interviews.html",
        days=days,
        more=len(upcoming) > SHOWN,
        clock=uk_clock,
        pack_days={d: [p for p in pack_days if p.day == d] for d, _ in days},
        has_pack=lambda slot: slot.id in theirs,
    )


# Enough for a busy month of assessment days; the roles' own pages list the rest.
SHOWN = 300

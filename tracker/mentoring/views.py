"""HR's mentor pages and the mentor's own dashboard.

HR sets up mentors' profiles and assigns them to hired apprentices. A mentor finds their
apprentices only through their own live assignments: anyone else's is simply not found.
Views parse, find records through those queries (``scoped_or_404``), and run one service
call through ``attempt``, which commits or shows the refusal beside its field.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from tracker.accounts.models import User
from tracker.accounts.permissions import Permission, require
from tracker.actions import attempt, scoped_or_404
from tracker.applications.models import Application
from tracker.catalogue.models import Track
from tracker.extensions import db
from tracker.mentoring import queries, services
from tracker.mentoring.forms import AssignForm, LogEntryForm, MentorProfileForm
from tracker.mentoring.models import LogKind
from tracker.offers.services import offer_for

bp = Blueprint("mentoring", __name__, url_prefix="/staff")


@bp.get("/mentors")
@require(Permission.MANAGE_MENTORS)
def mentors():
    return render_template("mentoring/mentors.html", mentors=queries.mentors())


@bp.route("/mentors/<int:user_id>", methods=["GET", "POST"])
@require(Permission.MANAGE_MENTORS)
def profile(user_id: int):
    """:raise 404: unless the user is an active mentor."""
    user = scoped_or_404(queries.managed_mentors(current_user).where(User.id == user_id))
    existing = queries.profile_for(user)
    form = MentorProfileForm(
        data={
            "about": existing.about,
            "tracks": [t.id for t in existing.tracks],
            "capacity": existing.capacity,
        }
        if existing
        else None
    )
    tracks = db.session.scalars(select(Track).order_by(Track.position, Track.name)).all()
    form.tracks.choices = [(t.id, t.name) for t in tracks]
    if form.validate_on_submit() and attempt(
        form,
        lambda: services.save_profile(
            actor=current_user,
            user=user,
            about=form.about.data,
            track_ids=form.tracks.data,
            capacity=form.capacity.data,
        ),
        field="capacity",
    ):
        flash(f"{user.name}'s mentor profile is saved.")
        return redirect(url_for("mentoring.mentors"))
    return render_template("mentoring/profile.html", user=user, profile=existing, form=form)


@bp.get("/apprentices")
@require(Permission.MANAGE_MENTORS)
def apprentices():
    listing = queries.apprentices()
    return render_template(
        "mentoring/apprentices.html",
        apprentices=listing,
        unassigned=sum(1 for a in listing if a.assignment is None),
    )


@bp.route("/apprentices/<int:application_id>/mentor", methods=["GET", "POST"])
@require(Permission.MANAGE_MENTORS)
def assign(application_id: int):
    """:raise 404: unless the application is a hired apprentice's."""
    application = scoped_or_404(
        queries.managed_apprentices(current_user).where(Application.id == application_id)
    )
    current = services.live_assignment(application)
    suggestions = queries.suggestions(application, exclude=current.mentor_id if current else None)
    form = AssignForm(data={"current": str(current.id) if current else ""})
    form.mentor.choices = [(str(s.profile.id), s.profile.user.name) for s in suggestions]
    open_places = [s for s in suggestions if not s.is_full]
    if not form.is_submitted() and open_places:
        form.mentor.data = str(open_places[0].profile.id)
    if form.validate_on_submit() and attempt(
        form,
        lambda: services.assign_mentor(
            actor=current_user,
            application=application,
            mentor_id=int(form.mentor.data),
            reason=form.reason.data,
            seen_assignment_id=form.seen_assignment_id,
        ),
        field="mentor",
    ):
        chosen = next(s for s in suggestions if str(s.profile.id) == form.mentor.data)
        flash(
            f"{chosen.profile.user.name} is now {application.full_name}'s mentor. "
            "We have emailed them both."
        )
        return redirect(url_for("mentoring.apprentices"))
    return render_template(
        "mentoring/assign.html",
        application=application,
        offer=offer_for(application),
        current=current,
        history=queries.history(application),
        suggestions=suggestions,
        suggested=open_places[0] if open_places else None,
        form=form,
    )


@bp.get("/mentees")
@require(Permission.MENTOR_APPRENTICES)
def mentees():
    return render_template(
        "mentoring/mentees.html",
        mentees=queries.mentees(current_user),
        statuses=services.LOG_STATUSES,
    )


@bp.route("/mentees/<int:application_id>", methods=["GET", "POST"])
@require(Permission.MENTOR_APPRENTICES)
def mentee(application_id: int):
    """:raise 404: unless the signed-in user is the apprentice's mentor now."""
    application = scoped_or_404(
        queries.mentees_of(current_user).where(Application.id == application_id)
    )
    asked = request.form.get("kind") if request.method == "POST" else request.args.get("kind")
    log_kind = LogKind.PROJECT if asked == LogKind.PROJECT.value else LogKind.CHECK_IN
    form = LogEntryForm(log_kind=log_kind)
    if form.validate_on_submit() and attempt(
        form,
        lambda: services.add_log_entry(
            actor=current_user,
            application=application,
            kind=log_kind,
            occurred_on=form.occurred_on.data,
            title=form.entry_title,
            note=form.note.data,
            status=form.status.data,
        ),
        field="status",
    ):
        flash(f"{log_kind.label} added to {application.full_name}'s log.")
        return redirect(url_for("mentoring.mentee", application_id=application.id) + "#log")
    return render_template(
        "mentoring/mentee.html",
        application=application,
        offer=offer_for(application),
        assignment=services.live_assignment(application),
        entries=queries.log_entries(application),
        statuses=services.LOG_STATUSES,
        form=form,
        other_kind=LogKind.CHECK_IN if log_kind is LogKind.PROJECT else LogKind.PROJECT,
    )

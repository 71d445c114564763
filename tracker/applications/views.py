"""The applicant's journey: start, the task list, check and submit, withdrawing, deleting
and ordering. Views parse, find the application through the applicant's own scoped query (so
another applicant's is simply not found), call one service through ``attempt``, and
redirect. The sections and the role's questions have modules of their own, on the same
blueprint; so do the pages that show bookings (tracker/scheduling/application_views.py) and
the answer to an offer (tracker/offers/applicant_views.py), which live above applications."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for

from tracker import clock
from tracker.actions import attempt
from tracker.applicants.login import applicant_required, current_applicant
from tracker.applications import (
    drafts,
    eligibility,
    equality,
    forms,
    progress,
    ranking,
    storage,
    submission,
)
from tracker.applications.blueprint import bp, own, own_draft
from tracker.applications.models import Application
from tracker.applications.queries import equality_answers, own_applications
from tracker.applications.sections import SECTIONS
from tracker.applications.states import APPLICANT_LABELS, TAG_COLOURS, UNRANKED, Event, can
from tracker.catalogue.queries import find_current_role
from tracker.extensions import db


@bp.app_context_processor
def _status_helpers():
    return {
        "status_label": APPLICANT_LABELS,
        "status_tag": TAG_COLOURS,
        "level_labels": {level.value: level.label for level in eligibility.SubjectLevel},
        "equality_questions": equality.QUESTIONS,
        "equality_label": equality.label_for,
        "can_rank": progress.can_rank,
        "unranked": UNRANKED,
        "rank_label": ranking.rank_label,
    }


@bp.route("/roles/<slug>/apply", methods=["GET", "POST"])
def start(slug: str):
    today = clock.today()
    role = find_current_role(slug, today)
    if role is None:
        abort(404)
    applicant = current_applicant()
    if applicant is None:
        return redirect(url_for("applicants.sign_in", role=role.slug))
    existing = db.session.scalar(own_applications(applicant).where(Application.role_id == role.id))
    if existing is not None:
        return redirect(url_for("applications.task_list", application_id=existing.id))
    form = forms.ButtonForm()
    if form.validate_on_submit():
        started = attempt(
            form, lambda: drafts.start_application(applicant=applicant, role=role, today=today)
        )
        if started:
            if started.value.completed_sections:
                flash(
                    "We have copied your answers from your other application. Check them "
                    "before you submit."
                )
            return redirect(url_for("applications.task_list", application_id=started.value.id))
    error = form.form_errors[0] if form.form_errors else None
    return render_template(
        "applications/start.html", role=role, form=form, error=error, today=today
    ), (409 if error else 200)


@bp.get("/applications/<int:application_id>")
@applicant_required
def task_list(application_id: int):
    application, elsewhere = own_draft(application_id)
    if elsewhere:
        return elsewhere
    return render_template(
        "applications/task_list.html",
        application=application,
        sections=SECTIONS,
        status_of=lambda key: progress.section_status(application, key),
        missing=progress.incomplete_sections(application),
        findings=progress.findings_for(application),
        questions_answered=progress.questions_progress(application),
        today=clock.today(),
    )


@bp.get("/applications/<int:application_id>/cv/file")
def cv_file(application_id: int):
    """The applicant's own CV, to check which file they uploaded. Anyone else: not found."""
    if current_applicant() is None:
        abort(404)
    return storage.send_cv(own(application_id))


@bp.route("/applications/<int:application_id>/check", methods=["GET", "POST"])
@applicant_required
def check(application_id: int):
    application = own(application_id)
    if not application.is_draft:
        return redirect(url_for("applications.submitted", application_id=application.id))
    today = clock.today()
    form = forms.DeclarationForm()
    problem = None
    if form.validate_on_submit():
        sent = attempt(
            form,
            lambda: submission.submit_application(
                applicant=current_applicant(), application=application, today=today
            ),
        )
        if sent:
            return redirect(url_for("applications.submitted", application_id=application.id))
        application = own(application_id)
        if not application.is_draft:
            # Submitted by another request a moment ago (a double click): all is well.
            return redirect(url_for("applications.submitted", application_id=application.id))
        problem = form.form_errors[0] if form.form_errors else None
        form.form_errors = []
    findings = progress.findings_for(application)
    return render_template(
        "applications/check.html",
        application=application,
        form=form,
        problem=problem,
        missing=progress.incomplete_sections(application),
        findings=findings,
        blocked=eligibility.blocks(findings),
        is_open=application.role.is_open(today),
        equality_answers=equality_answers(application),
    ), (422 if problem else 200)


@bp.get("/applications/<int:application_id>/submitted")
@applicant_required
def submitted(application_id: int):
    application = own(application_id)
    if application.is_draft:
        return redirect(url_for("applications.task_list", application_id=application.id))
    return render_template("applications/submitted.html", application=application)


@bp.route("/applications/<int:application_id>/withdraw", methods=["GET", "POST"])
@applicant_required
def withdraw(application_id: int):
    application = own(application_id)
    if not can(application.status, Event.WITHDRAW):
        flash("You cannot withdraw this application.", "error")
        return redirect(url_for("applications.dashboard"))
    form = forms.WithdrawForm()
    if form.validate_on_submit():
        withdrawn = attempt(
            None,
            lambda: submission.withdraw_application(
                applicant=current_applicant(),
                application=application,
                reason=form.reason.data,
                details=form.details.data,
            ),
        )
        if withdrawn:
            flash(f"You have withdrawn your application for {application.role.title}.")
        return redirect(url_for("applications.dashboard"))
    return render_template("applications/withdraw.html", application=application, form=form)


@bp.route("/applications/<int:application_id>/delete", methods=["GET", "POST"])
@applicant_required
def delete(application_id: int):
    application, elsewhere = own_draft(application_id)
    if elsewhere:
        return elsewhere
    form = forms.ButtonForm()
    if form.validate_on_submit():
        title = application.role.title
        deleted = attempt(
            None,
            lambda: drafts.delete_draft(applicant=current_applicant(), application=application),
        )
        if deleted:
            flash(f"Your draft application for {title} has been deleted.")
        return redirect(url_for("applications.dashboard"))
    return render_template("applications/delete.html", application=application, form=form)


@bp.post("/applications/<int:application_id>/move/<direction>")
@applicant_required
def move(application_id: int, direction: str):
    if direction not in ("up", "down"):
        abort(404)
    application = own(application_id)
    form = forms.ButtonForm()
    if form.validate_on_submit():
        attempt(
            None,
            lambda: drafts.move_preference(
                applicant=current_applicant(),
                application=application,
                up=direction == "up",
                today=clock.today(),
            ),
        )
    return redirect(url_for("applications.dashboard"))

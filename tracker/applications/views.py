"""The applicant's journey: start, the task list, check and submit, the applicant's own
dashboard, withdrawing and deleting. Views parse, find the application through the
applicant's own scoped query (so another applicant's is simply not found), call one service
through ``attempt``, and redirect. The sections, the role's questions and the offer have
modules of their own, on the same blueprint."""

from __future__ import annotations

import io

from flask import abort, current_app, flash, redirect, render_template, send_file, url_for

from tracker import clock
from tracker.actions import attempt
from tracker.applicants.login import applicant_required, current_applicant
from tracker.applications import (
    eligibility,
    equality,
    forms,
    ranking,
    services,
    storage,
    uploads,
)
from tracker.applications.blueprint import bp, own, own_draft
from tracker.applications.models import Application
from tracker.applications.queries import own_applications
from tracker.applications.sections import SECTIONS
from tracker.applications.states import (
    APPLICANT_LABELS,
    TAG_COLOURS,
    UNRANKED,
    Event,
    Status,
    can,
)
from tracker.catalogue.queries import current_campaign, find_current_role
from tracker.extensions import db
from tracker.scheduling import services as scheduling

__all__ = ["bp", "send_cv"]


@bp.app_context_processor
def _status_helpers():
    return {
        "status_label": APPLICANT_LABELS,
        "status_tag": TAG_COLOURS,
        "level_labels": {level.value: level.label for level in eligibility.SubjectLevel},
        "equality_questions": equality.QUESTIONS,
        "equality_label": equality.label_for,
        "can_rank": services.can_rank,
        "unranked": UNRANKED,
        "rank_label": ranking.rank_label,
    }


@bp.get("/applications")
@applicant_required
def dashboard():
    applicant = current_applicant()
    today = clock.today()
    # Every campaign the applicant applied in: an older one may still be at interview.
    # The live applications in the applicant's order, then those out of the running.
    groups = [
        (campaign, ranking.ranked_order(applications))
        for campaign, applications in services.applications_by_campaign(applicant)
    ]
    every = [a for _, applications in groups for a in applications]
    return render_template(
        "applications/dashboard.html",
        groups=groups,
        bookings=scheduling.current_bookings(every),
        decisions=services.rejection_reasons([a for a in every if a.status is Status.UNSUCCESSFUL]),
        campaign=current_campaign(today),
        limit=current_app.config["MAX_APPLICATIONS_PER_CAMPAIGN"],
        today=today,
        withdrawable={a.id for a in every if can(a.status, Event.WITHDRAW)},
        form=forms.ButtonForm(),
    )


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
            form, lambda: services.start_application(applicant=applicant, role=role, today=today)
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
        status_of=lambda key: services.section_status(application, key),
        missing=services.incomplete_sections(application),
        findings=services.findings_for(application),
        questions_answered=services.questions_progress(application),
        today=clock.today(),
    )


@bp.get("/applications/<int:application_id>/cv/file")
def cv_file(application_id: int):
    """The applicant's own CV, to check which file they uploaded. Anyone else: not found."""
    if current_applicant() is None:
        abort(404)
    return send_cv(own(application_id))


def send_cv(application: Application, *, download_name: str | None = None):
    """The CV as an attachment, under ``download_name`` (staff pass a neutral one) or else
    the applicant's own file name.

    :raise 404: when the application has no CV or its file is missing.
    """
    if application.cv is None:
        abort(404)
    try:
        path = uploads.path_for(storage.folder(), application.cv.storage_name)
    except ValueError:
        abort(404)
    if not path.is_file():
        abort(404)
    # CVs are small (CV_MAX_BYTES): read the whole file, so no open handle outlives the request.
    response = send_file(
        io.BytesIO(path.read_bytes()),
        mimetype=application.cv.media_type,
        as_attachment=True,
        download_name=download_name or application.cv.display_name,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


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
            lambda: services.submit_application(
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
    findings = services.findings_for(application)
    return render_template(
        "applications/check.html",
        application=application,
        form=form,
        problem=problem,
        missing=services.incomplete_sections(application),
        findings=findings,
        blocked=eligibility.blocks(findings),
        is_open=application.role.is_open(today),
        equality_answers=services.equality_answers(application),
    ), (422 if problem else 200)


@bp.get("/applications/<int:application_id>/submitted")
@applicant_required
def submitted(application_id: int):
    application = own(application_id)
    if application.is_draft:
        return redirect(url_for("applications.task_list", application_id=application.id))
    return render_template("applications/submitted.html", application=application)


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
        equality_answers=services.equality_answers(application),
        can_withdraw=can(application.status, Event.WITHDRAW),
        bookings=scheduling.current_bookings([application]),
    )


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
            lambda: services.withdraw_application(
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
            lambda: services.delete_draft(applicant=current_applicant(), application=application),
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
            lambda: services.move_preference(
                applicant=current_applicant(),
                application=application,
                up=direction == "up",
                today=clock.today(),
            ),
        )
    return redirect(url_for("applications.dashboard"))


# The other pages of the journey, registered on the same blueprint.
from tracker.applications import (  # noqa: E402
    offer_views,  # noqa: F401
    question_views,  # noqa: F401
    section_views,  # noqa: F401
)

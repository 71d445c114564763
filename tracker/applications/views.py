"""The applicant's journey: start, the task list and its sections, check and submit, and the
applicant's own dashboard. Views parse, find the application through the applicant's own
scoped query (so another applicant's is simply not found), call one service, and redirect."""

from __future__ import annotations

import io

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from sqlalchemy import select

from tracker import clock
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
from tracker.applications.models import Application
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
from tracker.extensions import db, limiter
from tracker.offers.services import offer_for
from tracker.scheduling import services as scheduling

bp = Blueprint("applications", __name__)


def _own(application_id: int) -> Application:
    """:raise 404: unless the signed-in applicant made this application.

    A change (a POST) locks the row first, so that it waits for a submission in another tab
    and then sees it, rather than editing or deleting an application already sent.
    """
    query = select(Application).where(
        Application.id == application_id,
        Application.applicant_id == current_applicant().id,
    )
    if request.method == "POST":
        query = query.with_for_update()
    found = db.session.scalar(query)
    if found is None:
        abort(404)
    return found


def _own_draft(application_id: int):
    application = _own(application_id)
    if not application.is_draft:
        return application, redirect(url_for("applications.view", application_id=application.id))
    return application, None


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
    existing = db.session.scalar(
        select(Application).where(
            Application.applicant_id == applicant.id, Application.role_id == role.id
        )
    )
    if existing is not None:
        return redirect(url_for("applications.task_list", application_id=existing.id))
    form = forms.ButtonForm()
    error = None
    if form.validate_on_submit():
        try:
            application = services.start_application(applicant=applicant, role=role, today=today)
        except services.ApplicationError as problem:
            db.session.rollback()
            error = str(problem)
        else:
            db.session.commit()
            if application.completed_sections:
                flash(
                    "We have copied your answers from your other application. Check them "
                    "before you submit."
                )
            return redirect(url_for("applications.task_list", application_id=application.id))
    return render_template(
        "applications/start.html", role=role, form=form, error=error, today=today
    ), (409 if error else 200)


@bp.get("/applications/<int:application_id>")
@applicant_required
def task_list(application_id: int):
    application, elsewhere = _own_draft(application_id)
    if elsewhere:
        return elsewhere
    return render_template(
        "applications/task_list.html",
        application=application,
        sections=SECTIONS,
        status_of=lambda key: services.section_status(application, key),
        missing=services.incomplete_sections(application),
        findings=services.findings_for(application),
        today=clock.today(),
    )


def _saved(application: Application):
    db.session.commit()
    return redirect(url_for("applications.task_list", application_id=application.id))


def _section(application: Application, form, template: str, **context):
    return render_template(
        f"applications/sections/{template}.html", application=application, form=form, **context
    )


def _column_section(application: Application, form, section: str):
    """A section whose fields are the application's own columns: save them, or show errors."""
    if form.validate_on_submit():
        services.save_section(
            applicant=current_applicant(),
            application=application,
            section=section,
            values={name: form[name].data or None for name in services.CARRIED[section]},
        )
        return _saved(application)
    return _section(application, form, section)


@bp.route("/applications/<int:application_id>/personal-details", methods=["GET", "POST"])
@applicant_required
def personal_details(application_id: int):
    application, elsewhere = _own_draft(application_id)
    if elsewhere:
        return elsewhere
    return _column_section(
        application, forms.PersonalDetailsForm(obj=application), "personal_details"
    )


@bp.route(
    "/applications/<int:application_id>/eligibility",
    methods=["GET", "POST"],
    endpoint="eligibility",
)
@applicant_required
def eligibility_section(application_id: int):
    application, elsewhere = _own_draft(application_id)
    if elsewhere:
        return elsewhere
    form = forms.EligibilityForm(obj=application)
    area = current_app.config["LOCAL_AREA_NAME"]
    role = application.role
    form.lives_in_area.label.text = f"Do you live in {area}?"
    form.qualification_in_same_subject.label.text = (
        f"Do you already have a qualification at level {role.level} or higher in the same "
        f"subject as this apprenticeship ({role.standard})?"
    )
    return _column_section(application, form, "eligibility")


@bp.route("/applications/<int:application_id>/qualifications", methods=["GET", "POST"])
@applicant_required
def qualifications(application_id: int):
    application, elsewhere = _own_draft(application_id)
    if elsewhere:
        return elsewhere
    return _column_section(application, forms.QualificationsForm(obj=application), "qualifications")


@bp.route("/applications/<int:application_id>/questions", methods=["GET", "POST"])
@applicant_required
def questions(application_id: int):
    application, elsewhere = _own_draft(application_id)
    if elsewhere:
        return elsewhere
    criteria = application.role.essential_criteria
    word_limit = current_app.config["ANSWER_WORD_LIMIT"]
    saved = {f"answer_{a.criterion_id}": a.answer for a in application.answers}
    form = forms.questions_form(criteria, word_limit=word_limit, data=saved)
    if form.validate_on_submit():
        services.save_answers(
            applicant=current_applicant(),
            application=application,
            answers={c.id: form[f"answer_{c.id}"].data for c in criteria},
        )
        return _saved(application)
    fields = [form[f"answer_{c.id}"] for c in criteria]
    return _section(application, form, "questions", fields=fields, word_limit=word_limit)


@bp.route("/applications/<int:application_id>/cv", methods=["GET", "POST"])
@applicant_required
# Per applicant, not per address: a whole college may share one.
@limiter.limit(
    "30 per hour",
    methods=["POST"],
    key_func=lambda: f"cv-upload:{getattr(current_applicant(), 'id', None)}",
)
def cv(application_id: int):
    application, elsewhere = _own_draft(application_id)
    if elsewhere:
        return elsewhere
    form = forms.CvForm()
    applicant = current_applicant()
    if form.validate_on_submit():
        if form.skip.data:
            services.skip_cv(applicant=applicant, application=application)
            return _saved(application)
        if form.remove.data:
            services.remove_cv(applicant=applicant, application=application)
            db.session.commit()
            flash("Your CV has been removed.")
            return redirect(url_for("applications.cv", application_id=application.id))
        upload = form.cv.data
        if not upload or not getattr(upload, "filename", None):
            form.cv.errors.append("Select a file to upload, or continue without a CV")
        else:
            # Read one byte past the limit: enough to know a file is too big, never more.
            data = upload.stream.read(current_app.config["CV_MAX_BYTES"] + 1)
            try:
                services.attach_cv(
                    applicant=applicant,
                    application=application,
                    data=data,
                    filename=upload.filename,
                )
            except services.ApplicationError as problem:
                db.session.rollback()
                form.cv.errors.append(str(problem))
            else:
                return _saved(application)
    max_size = uploads.format_file_size(current_app.config["CV_MAX_BYTES"])
    return _section(application, form, "cv", max_size=max_size)


@bp.get("/applications/<int:application_id>/cv/file")
def cv_file(application_id: int):
    """The applicant's own CV, to check which file they uploaded. Anyone else: not found."""
    if current_applicant() is None:
        abort(404)
    return send_cv(_own(application_id))


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


@bp.route("/applications/<int:application_id>/adjustments", methods=["GET", "POST"])
@applicant_required
def adjustments(application_id: int):
    application, elsewhere = _own_draft(application_id)
    if elsewhere:
        return elsewhere
    form = forms.AdjustmentsForm(
        data={
            "needs_adjustments": {True: "yes", False: "no"}.get(application.needs_adjustments),
            "adjustments": application.adjustments,
        }
        if request.method == "GET"
        else None
    )
    if form.validate_on_submit():
        needs = form.needs_adjustments.data == "yes"
        services.save_section(
            applicant=current_applicant(),
            application=application,
            section="adjustments",
            values={
                "needs_adjustments": needs,
                "adjustments": form.adjustments.data if needs else None,
            },
        )
        return _saved(application)
    return _section(application, form, "adjustments")


@bp.route("/applications/<int:application_id>/disability-confident", methods=["GET", "POST"])
@applicant_required
def disability_confident(application_id: int):
    application, elsewhere = _own_draft(application_id)
    if elsewhere:
        return elsewhere
    form = forms.DisabilityConfidentForm(
        data={
            "declares_disability": application.declares_disability,
            "disability_confident": {True: "yes", False: "no"}.get(
                application.disability_confident
            ),
        }
        if request.method == "GET"
        else None
    )
    if form.validate_on_submit():
        declares = form.declares_disability.data
        services.save_section(
            applicant=current_applicant(),
            application=application,
            section="disability_confident",
            values={
                "declares_disability": declares,
                # The scheme is for people who say they are disabled; anyone else is not in it.
                "disability_confident": declares == "yes"
                and form.disability_confident.data == "yes",
            },
        )
        return _saved(application)
    return _section(application, form, "disability_confident")


@bp.route(
    "/applications/<int:application_id>/equality", methods=["GET", "POST"], endpoint="equality"
)
@applicant_required
def equality_section(application_id: int):
    application, elsewhere = _own_draft(application_id)
    if elsewhere:
        return elsewhere
    answers = services.equality_answers(application)
    form = forms.EqualityForm(obj=answers)
    if form.is_submitted() and form.skip.data and form.validate():
        services.save_equality(applicant=current_applicant(), application=application, answers=None)
        return _saved(application)
    if form.validate_on_submit():
        services.save_equality(
            applicant=current_applicant(),
            application=application,
            answers={name: form[name].data or None for name in services.EQUALITY_FIELDS},
        )
        return _saved(application)
    return _section(application, form, "equality")


@bp.route("/applications/<int:application_id>/check", methods=["GET", "POST"])
@applicant_required
def check(application_id: int):
    application = _own(application_id)
    if not application.is_draft:
        return redirect(url_for("applications.submitted", application_id=application.id))
    today = clock.today()
    form = forms.DeclarationForm()
    problem = None
    if form.validate_on_submit():
        try:
            services.submit_application(
                applicant=current_applicant(), application=application, today=today
            )
        except services.ApplicationError as error:
            db.session.rollback()
            application = _own(application_id)
            if not application.is_draft:
                # Submitted by another request a moment ago (a double click): all is well.
                return redirect(url_for("applications.submitted", application_id=application.id))
            problem = str(error)
        else:
            db.session.commit()
            return redirect(url_for("applications.submitted", application_id=application.id))
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
    application = _own(application_id)
    if application.is_draft:
        return redirect(url_for("applications.task_list", application_id=application.id))
    return render_template("applications/submitted.html", application=application)


@bp.get("/applications/<int:application_id>/view")
@applicant_required
def view(application_id: int):
    """A copy of what the applicant submitted."""
    application = _own(application_id)
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
    application = _own(application_id)
    if not can(application.status, Event.WITHDRAW):
        flash("You cannot withdraw this application.", "error")
        return redirect(url_for("applications.dashboard"))
    form = forms.WithdrawForm()
    if form.validate_on_submit():
        try:
            services.withdraw_application(
                applicant=current_applicant(),
                application=application,
                reason=form.reason.data,
                details=form.details.data,
            )
        except services.ApplicationError as error:
            db.session.rollback()
            flash(str(error), "error")
            return redirect(url_for("applications.dashboard"))
        db.session.commit()
        flash(f"You have withdrawn your application for {application.role.title}.")
        return redirect(url_for("applications.dashboard"))
    return render_template("applications/withdraw.html", application=application, form=form)


@bp.route("/applications/<int:application_id>/offer", methods=["GET", "POST"])
@applicant_required
def offer(application_id: int):
    application = _own(application_id)
    if not can(application.status, Event.ACCEPT_OFFER):
        return redirect(url_for("applications.dashboard"))
    form = forms.OfferResponseForm()
    if form.validate_on_submit():
        accept = form.response.data == "accept"
        try:
            services.respond_to_offer(
                applicant=current_applicant(),
                application=application,
                accept=accept,
                mentor_contact_consent=form.mentor_contact_consent if accept else None,
            )
        except services.ApplicationError as error:
            db.session.rollback()
            flash(str(error), "error")
            return redirect(url_for("applications.dashboard"))
        db.session.commit()
        flash(
            "You have accepted our offer. We will be in touch about the checks before you start."
            if accept
            else "You have declined our offer. Thank you for letting us know."
        )
        return redirect(url_for("applications.dashboard"))
    return render_template(
        "applications/offer.html", application=application, form=form, offer=offer_for(application)
    )


@bp.route("/applications/<int:application_id>/delete", methods=["GET", "POST"])
@applicant_required
def delete(application_id: int):
    application, elsewhere = _own_draft(application_id)
    if elsewhere:
        return elsewhere
    form = forms.ButtonForm()
    if form.validate_on_submit():
        title = application.role.title
        services.delete_draft(applicant=current_applicant(), application=application)
        db.session.commit()
        flash(f"Your draft application for {title} has been deleted.")
        return redirect(url_for("applications.dashboard"))
    return render_template("applications/delete.html", application=application, form=form)


@bp.post("/applications/<int:application_id>/move/<direction>")
@applicant_required
def move(application_id: int, direction: str):
    if direction not in ("up", "down"):
        abort(404)
    application = _own(application_id)
    form = forms.ButtonForm()
    if form.validate_on_submit():
        try:
            services.move_preference(
                applicant=current_applicant(),
                application=application,
                up=direction == "up",
                today=clock.today(),
            )
        except services.ApplicationError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
    return redirect(url_for("applications.dashboard"))

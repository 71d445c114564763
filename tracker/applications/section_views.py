"""The task list's sections: each page saves its own answers through one service call and
goes back to the task list. The role's questions have a module of their own."""

from __future__ import annotations

from flask import current_app, flash, redirect, request, url_for

from tracker.actions import add_error, attempt
from tracker.applicants.login import applicant_required, current_applicant, restores_typed_work
from tracker.applications import drafts, forms, uploads
from tracker.applications.blueprint import bp, form_for, own_draft
from tracker.applications.models import Application
from tracker.applications.queries import equality_answers
from tracker.applications.section_pages import saved, section_page
from tracker.extensions import limiter


def _save_section(application: Application, form, section: str, values: dict) -> bool:
    return bool(
        attempt(
            form,
            lambda: drafts.save_section(
                applicant=current_applicant(),
                application=application,
                section=section,
                values=values,
            ),
        )
    )


def _column_section(application: Application, form, section: str):
    """A section whose fields are the application's own columns: save them, or show errors."""
    if form.validate_on_submit():
        values = {name: form[name].data or None for name in drafts.CARRIED[section]}
        if _save_section(application, form, section, values):
            return saved(application)
    return section_page(application, form, section)


@bp.route("/applications/<int:application_id>/personal-details", methods=["GET", "POST"])
@applicant_required
@restores_typed_work
def personal_details(application_id: int):
    application, elsewhere = own_draft(application_id)
    if elsewhere:
        return elsewhere
    form = form_for(forms.PersonalDetailsForm, obj=application)
    return _column_section(application, form, "personal_details")


@bp.route(
    "/applications/<int:application_id>/eligibility",
    methods=["GET", "POST"],
    endpoint="eligibility",
)
@applicant_required
@restores_typed_work
def eligibility_section(application_id: int):
    application, elsewhere = own_draft(application_id)
    if elsewhere:
        return elsewhere
    form = form_for(forms.EligibilityForm, obj=application)
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
@restores_typed_work
def qualifications(application_id: int):
    application, elsewhere = own_draft(application_id)
    if elsewhere:
        return elsewhere
    form = form_for(forms.QualificationsForm, obj=application)
    return _column_section(application, form, "qualifications")


@bp.route("/applications/<int:application_id>/cv", methods=["GET", "POST"])
@applicant_required
# Per applicant, not per address: a whole college may share one.
@limiter.limit(
    "30 per hour",
    methods=["POST"],
    key_func=lambda: f"cv-upload:{getattr(current_applicant(), 'id', None)}",
)
def cv(application_id: int):
    application, elsewhere = own_draft(application_id)
    if elsewhere:
        return elsewhere
    form = forms.CvForm()
    applicant = current_applicant()
    if form.validate_on_submit():
        if form.skip.data:
            if attempt(form, lambda: drafts.skip_cv(applicant=applicant, application=application)):
                return saved(application)
        elif form.remove.data:
            if attempt(
                form, lambda: drafts.remove_cv(applicant=applicant, application=application)
            ):
                flash("Your CV has been removed.")
                return redirect(url_for("applications.cv", application_id=application.id))
        elif not form.cv.data or not getattr(form.cv.data, "filename", None):
            add_error(form, "Select a file to upload, or continue without a CV", "cv")
        else:
            upload = form.cv.data
            # Read one byte past the limit: enough to know a file is too big, never more.
            data = upload.stream.read(current_app.config["CV_MAX_BYTES"] + 1)
            uploaded = attempt(
                form,
                lambda: drafts.attach_cv(
                    applicant=applicant,
                    application=application,
                    data=data,
                    filename=upload.filename,
                ),
                field="cv",
            )
            if uploaded:
                return saved(application)
    max_size = uploads.format_file_size(current_app.config["CV_MAX_BYTES"])
    return section_page(application, form, "cv", max_size=max_size)


@bp.route("/applications/<int:application_id>/adjustments", methods=["GET", "POST"])
@applicant_required
@restores_typed_work
def adjustments(application_id: int):
    application, elsewhere = own_draft(application_id)
    if elsewhere:
        return elsewhere
    form = form_for(
        forms.AdjustmentsForm,
        data={
            "needs_adjustments": {True: "yes", False: "no"}.get(application.needs_adjustments),
            "adjustments": application.adjustments,
        }
        if request.method == "GET"
        else None,
    )
    if form.validate_on_submit():
        needs = form.needs_adjustments.data == "yes"
        values = {
            "needs_adjustments": needs,
            "adjustments": form.adjustments.data if needs else None,
        }
        if _save_section(application, form, "adjustments", values):
            return saved(application)
    return section_page(application, form, "adjustments")


@bp.route("/applications/<int:application_id>/disability-confident", methods=["GET", "POST"])
@applicant_required
@restores_typed_work
def disability_confident(application_id: int):
    application, elsewhere = own_draft(application_id)
    if elsewhere:
        return elsewhere
    form = form_for(
        forms.DisabilityConfidentForm,
        data={
            "declares_disability": application.declares_disability,
            "disability_confident": {True: "yes", False: "no"}.get(
                application.disability_confident
            ),
        }
        if request.method == "GET"
        else None,
    )
    if form.validate_on_submit():
        declares = form.declares_disability.data
        values = {
            "declares_disability": declares,
            # The scheme is for people who say they are disabled; anyone else is not in it.
            "disability_confident": declares == "yes" and form.disability_confident.data == "yes",
        }
        if _save_section(application, form, "disability_confident", values):
            return saved(application)
    return section_page(application, form, "disability_confident")


@bp.route(
    "/applications/<int:application_id>/equality", methods=["GET", "POST"], endpoint="equality"
)
@applicant_required
def equality_section(application_id: int):
    application, elsewhere = own_draft(application_id)
    if elsewhere:
        return elsewhere
    form = form_for(forms.EqualityForm, obj=equality_answers(application))
    applicant = current_applicant()
    if form.is_submitted() and form.skip.data and form.validate():
        declined = attempt(
            form,
            lambda: drafts.save_equality(
                applicant=applicant, application=application, answers=None
            ),
        )
        if declined:
            return saved(application)
    elif form.validate_on_submit():
        answers = {name: form[name].data or None for name in drafts.EQUALITY_FIELDS}
        given = attempt(
            form,
            lambda: drafts.save_equality(
                applicant=applicant, application=application, answers=answers
            ),
        )
        if given:
            return saved(application)
    return section_page(application, form, "equality")

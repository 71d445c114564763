"""The role's questions, one to a page: each answer is saved on its own, with its own word
count, and "Save and continue" goes on to the next question."""

from __future__ import annotations

from flask import abort, current_app, redirect, url_for

from tracker.actions import attempt
from tracker.applicants.login import applicant_required, current_applicant, restores_typed_work
from tracker.applications import drafts, forms
from tracker.applications.blueprint import bp, form_for, own_draft
from tracker.applications.questions import questions_for
from tracker.applications.section_pages import saved, section_page


@bp.get("/applications/<int:application_id>/questions")
@applicant_required
def questions(application_id: int):
    """The first question not yet answered, or the first of all when every one is."""
    application, elsewhere = own_draft(application_id)
    if elsewhere:
        return elsewhere
    asked = questions_for(application.role.essential_criteria)
    answered = {a.criterion_id for a in application.answers}
    first = next((q for q in asked if q.criterion_id not in answered), asked[0] if asked else None)
    if first is None:
        return saved(application)
    return redirect(
        url_for("applications.question", application_id=application.id, number=first.number)
    )


@bp.route("/applications/<int:application_id>/questions/<int:number>", methods=["GET", "POST"])
@applicant_required
@restores_typed_work
def question(application_id: int, number: int):
    application, elsewhere = own_draft(application_id)
    if elsewhere:
        return elsewhere
    asked = questions_for(application.role.essential_criteria)
    if number > len(asked):
        abort(404)
    this = asked[number - 1]
    word_limit = current_app.config["ANSWER_WORD_LIMIT"]
    existing = application.answer_for(this.criterion_id)
    form = form_for(
        forms.answer_form,
        this,
        word_limit=word_limit,
        data={this.field_name: existing.answer} if existing else None,
    )
    field = form[this.field_name]
    if form.validate_on_submit():
        answered = attempt(
            form,
            lambda: drafts.save_answer(
                applicant=current_applicant(),
                application=application,
                criterion_id=this.criterion_id,
                answer=field.data,
            ),
            field=this.field_name,
        )
        if answered:
            if number < len(asked):
                following = number + 1
            else:
                # The last one: back to any question left unanswered, else the task list.
                answered_ids = {a.criterion_id for a in application.answers}
                left = [q.number for q in asked if q.criterion_id not in answered_ids]
                if not left:
                    return saved(application)
                following = left[0]
            return redirect(
                url_for("applications.question", application_id=application.id, number=following)
            )
    answered_ids = {a.criterion_id for a in application.answers}
    return section_page(
        application,
        form,
        "question",
        question=this,
        field=field,
        total=len(asked),
        answered=sum(q.criterion_id in answered_ids for q in asked),
        word_limit=word_limit,
        back=url_for("applications.question", application_id=application.id, number=number - 1)
        if number > 1
        else url_for("applications.task_list", application_id=application.id),
    )

"""The applicant's draft: starting it (carrying over what does not depend on the role),
saving its sections, answers, CV and equality answers, ordering it among their others, and
deleting it. Each verb takes the acting applicant, flushes, and never commits.

A request that cannot be done raises ApplicationError with a message for the applicant.
"""

from __future__ import annotations

from datetime import date

from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from tracker.applicants.models import Applicant
from tracker.applicants.services import applicant_label
from tracker.applications import ranking, storage, uploads
from tracker.applications.errors import ApplicationError
from tracker.applications.models import (
    Application,
    ApplicationAnswer,
    CvDocument,
    EqualityAnswers,
)
from tracker.applications.progress import can_rank, questions_answered
from tracker.applications.queries import campaign_applications
from tracker.applications.reminders import cancel_draft_reminder
from tracker.applications.states import COUNTS_TOWARDS_LIMIT, UNRANKED, Status
from tracker.audit.services import record_event
from tracker.catalogue.models import Role
from tracker.clock import utcnow
from tracker.extensions import db


def _audit(applicant: Applicant, action: str, application: Application, **details) -> None:
    record_event(
        actor=None,
        actor_label=applicant_label(applicant),
        action=action,
        object_type="application",
        object_id=application.id,
        details=details,
    )


def _require_draft(application: Application) -> None:
    if not application.is_draft:
        raise ApplicationError("You have submitted this application, so you cannot change it")


def _touch(application: Application) -> None:
    application.updated_at = utcnow()


def start_application(*, applicant: Applicant, role: Role, today: date) -> Application:
    """The applicant's application for this role: the one they have, or a new draft."""
    # Lock the applicant's row so that two tabs starting applications at once are counted one
    # after the other against the limit.
    db.session.execute(select(Applicant.id).where(Applicant.id == applicant.id).with_for_update())
    existing = db.session.scalar(
        select(Application).where(
            Application.applicant_id == applicant.id, Application.role_id == role.id
        )
    )
    if existing is not None:
        return existing
    if not role.is_open(today):
        raise ApplicationError(f"Applications for {role.title} are closed")
    others = campaign_applications(applicant, role.campaign_id)
    limit = current_app.config["MAX_APPLICATIONS_PER_CAMPAIGN"]
    if sum(a.status in COUNTS_TOWARDS_LIMIT for a in others) >= limit:
        raise ApplicationError(
            f"You can apply for up to {limit} roles. Delete a draft or withdraw an application "
            "to apply for this one"
        )
    application = Application(
        applicant_id=applicant.id,
        role_id=role.id,
        status=Status.DRAFT,
        preference=max((a.preference for a in others), default=0) + 1,
        completed_sections=[],
    )
    _carry_over(application, others)
    try:
        with db.session.begin_nested():
            db.session.add(application)
    except IntegrityError:
        # The same role started in another tab a moment ago: that draft is the one.
        return db.session.scalars(
            select(Application).where(
                Application.applicant_id == applicant.id, Application.role_id == role.id
            )
        ).one()
    # After the last live application, above any that are out of the running.
    ranking.close_up(applicant_id=applicant.id, campaign_id=role.campaign_id)
    if application.id and (source := _latest(others)) is not None:
        _copy_equality(source, application)
    _audit(applicant, "application.started", application, role_id=role.id)
    return application


CARRIED = {
    "personal_details": (
        "full_name",
        "date_of_birth",
        "address_line_1",
        "address_line_2",
        "town",
        "postcode",
        "phone",
        "preferred_contact",
        "heard_about",
    ),
    "eligibility": (
        "right_to_work",
        "lived_in_uk_or_eea_3_years",
        "full_time_education",
        "qualification_in_same_subject",
        "lives_in_area",
    ),
    "qualifications": ("english_level", "maths_level", "other_qualifications"),
    "adjustments": ("needs_adjustments", "adjustments"),
    "disability_confident": ("declares_disability", "disability_confident"),
}


def _latest(others: list[Application]) -> Application | None:
    return max(others, key=lambda a: (a.updated_at, a.id), default=None)


def _carry_over(application: Application, others: list[Application]) -> None:
    """Copy the sections that do not depend on the role from the latest other application,
    so nobody types their address three times. The answers stay theirs to change."""
    source = _latest(others)
    if source is None:
        return
    completed = []
    for key, fields in CARRIED.items():
        for field in fields:
            setattr(application, field, getattr(source, field))
        if key in source.completed_sections:
            completed.append(key)
    if "equality" in source.completed_sections:
        completed.append("equality")
    # Whether the same-subject qualification matters depends on the role: ask again.
    application.qualification_in_same_subject = None
    if "eligibility" in completed:
        completed.remove("eligibility")
    application.completed_sections = completed


def _copy_equality(source: Application, application: Application) -> None:
    answers = db.session.scalar(
        select(EqualityAnswers).where(EqualityAnswers.application_id == source.id)
    )
    if answers is not None:
        db.session.add(
            EqualityAnswers(
                application_id=application.id,
                **{field: getattr(answers, field) for field in EQUALITY_FIELDS},
            )
        )
        db.session.flush()


EQUALITY_FIELDS = (
    "sex",
    "gender_same_as_birth",
    "sexual_orientation",
    "ethnicity",
    "religion",
    "disability",
    "care_experienced",
    "free_school_meals",
)


def _complete(application: Application, key: str) -> None:
    if key not in application.completed_sections:
        # A new list, so that SQLAlchemy sees the JSON column change.
        application.completed_sections = [*application.completed_sections, key]
    _touch(application)


def save_section(
    *, applicant: Applicant, application: Application, section: str, values: dict
) -> None:
    """Save one section's answers and mark it complete."""
    _require_draft(application)
    allowed = set(CARRIED[section])
    unknown = set(values) - allowed
    if unknown:
        raise ValueError(f"not fields of {section}: {sorted(unknown)}")
    for field, value in values.items():
        setattr(application, field, value)
    _complete(application, section)
    db.session.flush()


def save_answer(
    *, applicant: Applicant, application: Application, criterion_id: int, answer: str
) -> None:
    """Save the answer to one of the role's questions (keyed by its criterion), on its own:
    the section is complete once every current question has an answer.

    :raise ApplicationError: when the criterion is not one of this role's questions.
    """
    _require_draft(application)
    criteria = application.role.essential_criteria
    position = next((n for n, c in enumerate(criteria, 1) if c.id == criterion_id), None)
    if position is None:
        raise ApplicationError("This question is no longer asked for this role")
    criterion = criteria[position - 1]
    # Answers to questions the catalogue has since dropped are not part of this application.
    current = {c.id for c in criteria}
    for stale in [a for a in application.answers if a.criterion_id not in current]:
        application.answers.remove(stale)
    existing = application.answer_for(criterion_id)
    if existing is None:
        application.answers.append(
            ApplicationAnswer(
                criterion_id=criterion_id, position=position, question=criterion.text, answer=answer
            )
        )
    else:
        existing.position = position
        existing.question = criterion.text
        existing.answer = answer
    if questions_answered(application):
        _complete(application, "questions")
    else:
        _touch(application)
    db.session.flush()


def attach_cv(
    *, applicant: Applicant, application: Application, data: bytes, filename: str | None
) -> CvDocument:
    """Check and store a CV, replacing any earlier one.

    :raise ApplicationError: when the file is not a PDF, DOCX or ODT, or is too big.
    """
    _require_draft(application)
    try:
        kind = uploads.check_document(data, max_bytes=current_app.config["CV_MAX_BYTES"])
    except uploads.UploadError as error:
        raise ApplicationError(str(error)) from error
    name = uploads.new_storage_name(kind)
    storage.write(name, data)
    if application.cv is not None:
        storage.delete_after_commit(application.cv.storage_name)
        db.session.delete(application.cv)
        db.session.flush()
    cv = CvDocument(
        application_id=application.id,
        storage_name=name,
        display_name=uploads.display_name(filename, kind),
        media_type=kind.media_type,
        size_bytes=len(data),
        uploaded_at=utcnow(),
    )
    db.session.add(cv)
    application.cv = cv
    _complete(application, "cv")
    _audit(applicant, "application.cv_uploaded", application, size_bytes=len(data))
    db.session.flush()
    return cv


def remove_cv(*, applicant: Applicant, application: Application) -> None:
    _require_draft(application)
    if application.cv is not None:
        storage.delete_after_commit(application.cv.storage_name)
        db.session.delete(application.cv)
        application.cv = None
    application.completed_sections = [k for k in application.completed_sections if k != "cv"]
    _touch(application)
    db.session.flush()


def skip_cv(*, applicant: Applicant, application: Application) -> None:
    _require_draft(application)
    _complete(application, "cv")
    db.session.flush()


def save_equality(
    *, applicant: Applicant, application: Application, answers: dict[str, str | None] | None
) -> None:
    """Save equality monitoring answers apart from the application; None declines them all."""
    _require_draft(application)
    db.session.execute(
        delete(EqualityAnswers).where(EqualityAnswers.application_id == application.id)
    )
    if answers is not None and any(answers.values()):
        unknown = set(answers) - set(EQUALITY_FIELDS)
        if unknown:
            raise ValueError(f"not equality questions: {sorted(unknown)}")
        db.session.add(EqualityAnswers(application_id=application.id, **answers))
    _complete(application, "equality")
    db.session.flush()


def delete_draft(*, applicant: Applicant, application: Application) -> None:
    """Delete an unsubmitted draft, its answers, its CV file and any reminder about it."""
    _require_draft(application)
    cancel_draft_reminder(application)
    if application.cv is not None:
        storage.delete_after_commit(application.cv.storage_name)
    campaign_id = application.role.campaign_id
    db.session.execute(
        delete(EqualityAnswers).where(EqualityAnswers.application_id == application.id)
    )
    _audit(applicant, "application.draft_deleted", application, role_id=application.role_id)
    db.session.delete(application)
    db.session.flush()
    ranking.close_up(applicant_id=applicant.id, campaign_id=campaign_id)


def move_preference(
    *, applicant: Applicant, application: Application, up: bool, today: date
) -> None:
    """Swap this application with its neighbour among those still in the running.

    :raise ApplicationError: once the campaign has closed, or for an application that is no
        longer in the running (it is not ranked).
    """
    if not can_rank(application.role.campaign, today):
        raise ApplicationError("Applications have closed, so your preferences cannot change")
    if application.status in UNRANKED:
        raise ApplicationError(
            "This application is no longer being considered, so it has no place in your order"
        )
    ranked = [
        a
        for a in ranking.ranked_order(
            campaign_applications(applicant, application.role.campaign_id)
        )
        if a.status not in UNRANKED
    ]
    index = ranked.index(application)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(ranked):
        return
    ranked[index], ranked[other] = ranked[other], ranked[index]
    for position, item in enumerate(ranked, 1):
        item.preference = position
    db.session.flush()
    ranking.close_up(applicant_id=applicant.id, campaign_id=application.role.campaign_id)

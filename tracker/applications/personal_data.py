"""An application's personal data: the personal details, answers, CV, equality answers and
timeline (see tracker.data_subject for what each function is for).

Retention blanks the personal details and free text, deletes the answers and the CV, and
keeps the rest for the reports: role, stages, timeline, where they heard of us, eligibility
flags (without their wording) and the equality answers, which point at no one once the
details are gone. Erasure deletes the applications, and with them every row of this package.
CV files are deleted only after the commit (storage.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from sqlalchemy import delete, func, select, update

from tracker.applications import storage, uploads
from tracker.applications.models import (
    Application,
    ApplicationAnswer,
    CvDocument,
    EqualityAnswers,
    TimelineEntry,
)
from tracker.data_subject import Subject, row
from tracker.extensions import db

PERSONAL_COLUMNS = {
    # The personal details on an application, blanked by retention.
    "application": (
        "full_name",
        "date_of_birth",
        "address_line_1",
        "address_line_2",
        "town",
        "postcode",
        "phone",
        "preferred_contact",
        "other_qualifications",
        "adjustments",
        "declares_disability",
        "withdrawal_details",
    ),
    "application_answer": ("answer",),
    "application_cv": ("display_name", "storage_name"),
    # What staff told the candidate, and why they overrode the interview guarantee.
    "application_timeline": ("feedback", "override_reason"),
}


def export_application(application_id: int) -> dict:
    application = db.session.get_one(Application, application_id)
    return {
        "application": row(application) | {"role": application.role.title},
        "answers": [{"question": a.question, "answer": a.answer} for a in application.answers],
        "cv": row(application.cv, leave_out=("storage_name",)) if application.cv else None,
        "equality_monitoring": [
            row(e, leave_out=("application_id",))
            for e in db.session.scalars(
                select(EqualityAnswers).where(EqualityAnswers.application_id == application.id)
            )
        ],
        "timeline": [
            row(t, leave_out=("actor_user_id", "actor_label"))
            | {"by": "you" if t.actor_user_id is None else "council staff"}
            for t in db.session.scalars(
                select(TimelineEntry)
                .where(TimelineEntry.application_id == application.id)
                .order_by(TimelineEntry.occurred_at)
            )
        ],
    }


def export_files(subject: Subject) -> Iterator[tuple[str, bytes]]:
    """Their CVs, named by application, as they uploaded them."""
    folder = storage.folder()
    for cv in db.session.scalars(
        select(CvDocument).where(CvDocument.application_id.in_(subject.application_ids))
    ):
        path = uploads.path_for(Path(folder), cv.storage_name)
        if path.is_file():
            # The display name was made safe at upload; keep only its last part anyway.
            name = Path(cv.display_name).name or "cv"
            yield f"{cv.application_id}-{name}", path.read_bytes()


def _delete_cv(application: Application) -> None:
    cv = db.session.scalar(select(CvDocument).where(CvDocument.application_id == application.id))
    if cv is not None:
        storage.delete_after_commit(cv.storage_name)
        db.session.delete(cv)


def anonymise_applications(application_ids: list[int], *, now: datetime) -> None:
    """Blank the personal details and free text; keep what reports use."""
    for application in list(
        db.session.scalars(select(Application).where(Application.id.in_(application_ids)))
    ):
        for column in PERSONAL_COLUMNS["application"]:
            setattr(application, column, None)
        application.eligibility_findings = [
            {"code": f.get("code"), "severity": f.get("severity")}
            for f in application.eligibility_findings or []
        ]
        application.anonymised_at = now
        _delete_cv(application)
    db.session.execute(
        delete(ApplicationAnswer).where(ApplicationAnswer.application_id.in_(application_ids))
    )
    db.session.execute(
        update(TimelineEntry)
        .where(TimelineEntry.application_id.in_(application_ids))
        .values(feedback=None, override_reason=None)
    )


def erase(subject: Subject) -> None:
    """The applications go, with their answers, CV, equality answers and timeline."""
    for application in list(
        db.session.scalars(select(Application).where(Application.id.in_(subject.application_ids)))
    ):
        _delete_cv(application)
        db.session.delete(application)


def erasure_counts(subject: Subject) -> dict[str, int]:
    cvs = select(func.count(CvDocument.id)).where(
        CvDocument.application_id.in_(subject.application_ids)
    )
    return {"cvs": db.session.scalar(cvs) or 0}

"""A hired apprentice's mentoring: who mentors them, and their mentor's log (see
tracker.data_subject for what each function is for). Retention deletes the log and blanks why
an assignment ended; erasure deletes both, first giving a live assignment's place back to its
mentor.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select, update

from tracker.data_subject import Subject, plain, row
from tracker.extensions import db
from tracker.mentoring.models import MentorAssignment, MentoringLogEntry, MentorProfile

PERSONAL_COLUMNS = {
    "mentoring_log_entry": ("title", "note"),
    # Why HR ended an assignment is free text about the apprentice as often as the mentor.
    "mentor_assignment": ("end_reason",),
}


def export_application(application_id: int) -> dict:
    return {
        "mentoring": [
            {
                "mentor": m.mentor.user.name,
                "assigned_at": plain(m.assigned_at),
                "ended_at": plain(m.ended_at),
                "end_reason": m.end_reason,
            }
            for m in db.session.scalars(
                select(MentorAssignment).where(MentorAssignment.application_id == application_id)
            )
        ],
        "mentoring_log": [
            row(e, leave_out=("author_id",))
            for e in db.session.scalars(
                select(MentoringLogEntry).where(MentoringLogEntry.application_id == application_id)
            )
        ],
    }


def anonymise_applications(application_ids: list[int], *, now: datetime) -> None:
    db.session.execute(
        delete(MentoringLogEntry).where(MentoringLogEntry.application_id.in_(application_ids))
    )
    db.session.execute(
        update(MentorAssignment)
        .where(MentorAssignment.application_id.in_(application_ids))
        .values(end_reason=None)
        .execution_options(synchronize_session=False)
    )


def _live(application_ids):
    return select(MentorAssignment).where(
        MentorAssignment.application_id.in_(application_ids), MentorAssignment.ended_at.is_(None)
    )


def erase(subject: Subject) -> None:
    ids = subject.application_ids
    for assignment in list(db.session.scalars(_live(ids))):
        db.session.execute(
            update(MentorProfile)
            .where(MentorProfile.id == assignment.mentor_id, MentorProfile.assigned > 0)
            .values(assigned=MentorProfile.assigned - 1)
        )
    db.session.execute(delete(MentoringLogEntry).where(MentoringLogEntry.application_id.in_(ids)))
    db.session.execute(delete(MentorAssignment).where(MentorAssignment.application_id.in_(ids)))


def erasure_counts(subject: Subject) -> dict[str, int]:
    live = _live(subject.application_ids).with_only_columns(MentorAssignment.id).subquery()
    return {"mentoring": db.session.scalar(select(func.count()).select_from(live)) or 0}

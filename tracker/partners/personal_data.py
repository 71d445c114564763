"""What employer partners said about a candidate they were shown (see tracker.data_subject
for what each function is for). Retention blanks their comments and keeps their
recommendation and scores; erasure takes the candidate out of every share, feedback and all.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select, update

from tracker.data_subject import Subject, plain
from tracker.extensions import db
from tracker.partners.models import PartnerFeedback, SharedCandidate

PERSONAL_COLUMNS = {"partner_feedback": ("comments",)}


def export_application(application_id: int) -> dict:
    shared = db.session.scalars(
        select(SharedCandidate).where(SharedCandidate.application_id == application_id)
    )
    feedback = [c.feedback for c in shared if c.feedback is not None]
    return {
        "employer_partner_feedback": [
            {
                "organisation": f.shared_candidate.share.organisation.name,
                "recommendation": f.recommendation.label,
                "comments": f.comments,
                "scores": [{"criterion": s.criterion.text, "score": s.score} for s in f.scores],
                "given_at": plain(f.submitted_at),
            }
            for f in feedback
            if isinstance(f, PartnerFeedback)
        ]
    }


def _shared(application_ids):
    return select(SharedCandidate.id).where(SharedCandidate.application_id.in_(application_ids))


def anonymise_applications(application_ids: list[int], *, now: datetime) -> None:
    db.session.execute(
        update(PartnerFeedback)
        .where(PartnerFeedback.shared_candidate_id.in_(_shared(application_ids)))
        .values(comments=None)
    )


def erase(subject: Subject) -> None:
    # Their feedback and its scores go with them (ON DELETE CASCADE).
    db.session.execute(
        delete(SharedCandidate).where(SharedCandidate.application_id.in_(subject.application_ids))
    )


def erasure_counts(subject: Subject) -> dict[str, int]:
    shared = _shared(subject.application_ids).subquery()
    return {"shared": db.session.scalar(select(func.count()).select_from(shared)) or 0}

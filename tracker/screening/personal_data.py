"""Screening's personal data: reviewers' notes, why HR revealed who a candidate is, and the
evidence behind each score (see tracker.data_subject for what each function is for).

The reviewers are named in none of it: their identity is not the applicant's data. Retention
deletes the notes and reveals and blanks the evidence, keeping the scores for the reports;
the audit log keeps that a reveal happened, without its reason (identity.forget_reveals).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update

from tracker.data_subject import Subject, plain
from tracker.extensions import db
from tracker.screening import identity
from tracker.screening.models import CandidateNote, IdentityReveal, Score, Scorecard

PERSONAL_COLUMNS = {
    "candidate_note": ("text",),
    "identity_reveal": ("reason",),
    "scorecard_score": ("evidence",),
}


def export_application(application_id: int) -> dict:
    return {
        "notes_by_reviewers": [
            {"written_at": plain(n.created_at), "note": n.text}
            for n in db.session.scalars(
                select(CandidateNote).where(CandidateNote.application_id == application_id)
            )
        ],
        "identity_revealed_to_staff": [
            {"revealed_at": plain(r.revealed_at), "reason": r.reason}
            for r in db.session.scalars(
                select(IdentityReveal).where(IdentityReveal.application_id == application_id)
            )
        ],
        "scores": [
            {
                "submitted_at": plain(card.submitted_at),
                "scores": [
                    {"criterion": s.criterion, "score": s.score, "evidence": s.evidence}
                    for s in card.scores
                ],
            }
            for card in db.session.scalars(
                select(Scorecard).where(Scorecard.application_id == application_id)
            )
        ],
    }


def anonymise_applications(application_ids: list[int], *, now: datetime) -> None:
    db.session.execute(
        delete(CandidateNote).where(CandidateNote.application_id.in_(application_ids))
    )
    identity.forget_reveals(application_ids)
    scorecards = select(Scorecard.id).where(Scorecard.application_id.in_(application_ids))
    db.session.execute(update(Score).where(Score.scorecard_id.in_(scorecards)).values(evidence=""))


def erase(subject: Subject) -> None:
    ids = subject.application_ids
    identity.forget_reveals(list(ids))
    db.session.execute(delete(CandidateNote).where(CandidateNote.application_id.in_(ids)))
    # Their scores go with them (ON DELETE CASCADE).
    db.session.execute(delete(Scorecard).where(Scorecard.application_id.in_(ids)))

"""An applicant's own record: their email address, sign-in links, sessions and any form kept
after a session ended (see tracker.data_subject for what each function is for).

Retention replaces the address, and deletes the rest, once nothing of theirs is kept.
Erasure deletes the applicant, after their applications have gone.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select

from tracker.applicants.models import Applicant, ApplicantSession, KeptForm, SignInLink
from tracker.data_subject import Subject, plain
from tracker.extensions import db

PERSONAL_COLUMNS = {
    "applicant": ("email",),
    "applicant_sign_in_link": ("email",),
    # What they typed into a form, kept for a day after their session ended.
    "kept_form": ("fields",),
}


def export_subject(subject: Subject) -> dict:
    applicant = db.session.get_one(Applicant, subject.applicant_id)
    return {
        "you": {
            "email": applicant.email,
            "account_created_at": plain(applicant.created_at),
            "last_signed_in_at": plain(applicant.last_sign_in_at),
        },
        "sign_in_links": [
            {"requested_at": plain(link.created_at), "used_at": plain(link.used_at)}
            for link in db.session.scalars(
                select(SignInLink).where(SignInLink.email == subject.email)
            )
        ],
    }


def anonymise_subject(subject: Subject, *, now: datetime) -> None:
    db.session.execute(delete(SignInLink).where(SignInLink.email == subject.email))
    db.session.execute(
        delete(ApplicantSession).where(ApplicantSession.applicant_id == subject.applicant_id)
    )
    db.session.execute(delete(KeptForm).where(KeptForm.applicant_id == subject.applicant_id))
    applicant = db.session.get_one(Applicant, subject.applicant_id)
    applicant.email = f"anonymised-{applicant.id}@anonymised.invalid"
    applicant.anonymised_at = now


def erase(subject: Subject) -> None:
    """Their sessions and kept forms go with them (ON DELETE CASCADE)."""
    db.session.execute(delete(SignInLink).where(SignInLink.email == subject.email))
    db.session.delete(db.session.get_one(Applicant, subject.applicant_id))

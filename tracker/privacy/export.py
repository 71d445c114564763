"""A subject access export: every record about one applicant, as a ZIP holding a readable
summary (summary.html), the same data as JSON (data.json) and their files (files/).

Records are found from the applicant and their applications only, so nothing about anyone
else can be in it. The council's reviewers are named by their role, not their name: their
identity is not the applicant's personal data.
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path

from flask import render_template
from sqlalchemy import select

from tracker.applicants.models import Applicant, SignInLink
from tracker.applications import storage, uploads
from tracker.applications.models import (
    Application,
    CvDocument,
    EqualityAnswers,
    TimelineEntry,
)
from tracker.audit.models import AuditEvent
from tracker.extensions import db
from tracker.mentoring.models import MentorAssignment, MentoringLogEntry
from tracker.notifications.models import Email
from tracker.offers.models import Offer
from tracker.partners.models import PartnerFeedback, SharedCandidate
from tracker.scheduling.models import Booking
from tracker.screening.models import CandidateNote, IdentityReveal, Scorecard

_SKIP = {"applicant_id", "token_hash"}


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):  # an average score: "3.25", as staff read it
        return str(value)
    return value


def _row(record, *, leave_out: tuple[str, ...] = ()) -> dict:
    """Every column of a row, as JSON-friendly values."""
    return {
        column.key: _plain(getattr(record, column.key))
        for column in record.__table__.columns
        if column.key not in _SKIP and column.key not in leave_out
    }


def _all(query) -> list:
    return list(db.session.scalars(query))


def collect(applicant: Applicant) -> dict:
    """Everything the service holds about this applicant, grouped as they would read it."""
    applications = _all(
        select(Application).where(Application.applicant_id == applicant.id).order_by(Application.id)
    )
    ids = [a.id for a in applications]
    by_application = []
    for application in applications:
        shared = _all(
            select(SharedCandidate).where(SharedCandidate.application_id == application.id)
        )
        feedback = [c.feedback for c in shared if c.feedback is not None]
        offer = db.session.scalar(select(Offer).where(Offer.application_id == application.id))
        scorecards = _all(select(Scorecard).where(Scorecard.application_id == application.id))
        by_application.append(
            {
                "application": _row(application) | {"role": application.role.title},
                "answers": [
                    {"question": a.question, "answer": a.answer} for a in application.answers
                ],
                "cv": _row(application.cv, leave_out=("storage_name",)) if application.cv else None,
                "equality_monitoring": [
                    _row(e, leave_out=("application_id",))
                    for e in _all(
                        select(EqualityAnswers).where(
                            EqualityAnswers.application_id == application.id
                        )
                    )
                ],
                "timeline": [
                    _row(t, leave_out=("actor_user_id", "actor_label"))
                    | {"by": "you" if t.actor_user_id is None else "council staff"}
                    for t in _all(
                        select(TimelineEntry)
                        .where(TimelineEntry.application_id == application.id)
                        .order_by(TimelineEntry.occurred_at)
                    )
                ],
                "notes_by_reviewers": [
                    {"written_at": _plain(n.created_at), "note": n.text}
                    for n in _all(
                        select(CandidateNote).where(CandidateNote.application_id == application.id)
                    )
                ],
                "identity_revealed_to_staff": [
                    {"revealed_at": _plain(r.revealed_at), "reason": r.reason}
                    for r in _all(
                        select(IdentityReveal).where(
                            IdentityReveal.application_id == application.id
                        )
                    )
                ],
                "scores": [
                    {
                        "submitted_at": _plain(card.submitted_at),
                        "scores": [
                            {"criterion": s.criterion, "score": s.score, "evidence": s.evidence}
                            for s in card.scores
                        ],
                    }
                    for card in scorecards
                ],
                "employer_partner_feedback": [
                    {
                        "organisation": f.shared_candidate.share.organisation.name,
                        "recommendation": f.recommendation.label,
                        "comments": f.comments,
                        "scores": [
                            {"criterion": s.criterion.text, "score": s.score} for s in f.scores
                        ],
                        "given_at": _plain(f.submitted_at),
                    }
                    for f in feedback
                    if isinstance(f, PartnerFeedback)
                ],
                "bookings": [
                    {
                        "kind": b.kind.value,
                        "starts_at": _plain(b.slot.starts_at),
                        "place": b.slot.place,
                        "booked_at": _plain(b.booked_at),
                        "cancelled_at": _plain(b.cancelled_at),
                    }
                    for b in _all(select(Booking).where(Booking.application_id == application.id))
                ],
                "offer": (
                    _row(offer, leave_out=("made_by",))
                    | {
                        "conditions": [
                            {"condition": c.kind.label, "met_at": _plain(c.met_at)}
                            for c in offer.conditions
                        ]
                    }
                    if offer
                    else None
                ),
                "mentoring": [
                    {
                        "mentor": m.mentor.user.name,
                        "assigned_at": _plain(m.assigned_at),
                        "ended_at": _plain(m.ended_at),
                    }
                    for m in _all(
                        select(MentorAssignment).where(
                            MentorAssignment.application_id == application.id
                        )
                    )
                ],
                "mentoring_log": [
                    _row(e, leave_out=("author_id",))
                    for e in _all(
                        select(MentoringLogEntry).where(
                            MentoringLogEntry.application_id == application.id
                        )
                    )
                ],
            }
        )
    emails = _all(
        select(Email)
        .where(
            (Email.recipient == applicant.email)
            | Email.context["application_id"].as_integer().in_(ids or [0])
        )
        .order_by(Email.created_at)
    )
    return {
        "you": {
            "email": applicant.email,
            "account_created_at": _plain(applicant.created_at),
            "last_signed_in_at": _plain(applicant.last_sign_in_at),
        },
        "applications": by_application,
        "emails": [
            {
                "to": e.recipient,
                "subject": e.subject,
                "kind": e.template,
                "status": e.status.value,
                "queued_at": _plain(e.created_at),
                "sent_at": _plain(e.sent_at),
            }
            for e in emails
        ],
        "sign_in_links": [
            {"requested_at": _plain(link.created_at), "used_at": _plain(link.used_at)}
            for link in _all(select(SignInLink).where(SignInLink.email == applicant.email))
        ],
        "activity": [
            {"at": _plain(e.occurred_at), "action": e.action}
            for e in _all(
                select(AuditEvent)
                .where(AuditEvent.actor_label == f"applicant:{applicant.id}")
                .order_by(AuditEvent.occurred_at)
            )
        ],
    }


def build_zip(applicant: Applicant) -> bytes:
    data = collect(applicant)
    buffer = io.BytesIO()
    folder = storage.folder()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(data, indent=2, ensure_ascii=False))
        archive.writestr("summary.html", render_template("privacy/summary.html", data=data))
        for cv in _all(
            select(CvDocument).join(Application).where(Application.applicant_id == applicant.id)
        ):
            path = uploads.path_for(Path(folder), cv.storage_name)
            if path.is_file():
                # The display name was made safe at upload; keep only its last part anyway.
                name = Path(cv.display_name).name or "cv"
                archive.writestr(f"files/{cv.application_id}-{name}", path.read_bytes())
    return buffer.getvalue()

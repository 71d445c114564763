"""Sending an application in and taking it back: the applicant's submission (checked,
referenced, emailed through the pipeline) and withdrawal. Each verb takes the acting
applicant, flushes, and never commits.

A request that cannot be done raises ApplicationError with a message for the applicant.
"""

from __future__ import annotations

import secrets
from datetime import date

from tracker.applicants.models import Applicant
from tracker.applicants.services import applicant_label
from tracker.applications import eligibility, pipeline
from tracker.applications.errors import ApplicationError
from tracker.applications.models import Application
from tracker.applications.progress import findings_for, incomplete_sections
from tracker.applications.reminders import cancel_draft_reminder
from tracker.applications.states import Event, can
from tracker.clock import utcnow
from tracker.formatting import long_date

_REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


def new_reference() -> str:
    code = "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))
    return f"{code[:4]}-{code[4:]}"


def submit_application(*, applicant: Applicant, application: Application, today: date) -> None:
    """Submit a complete draft while its role is open, and send the confirmation email.

    :raise ApplicationError: when a section is incomplete, the role has closed, the
        eligibility pre-check rules the applicant out, or it was submitted already.
    """
    if not application.is_draft:
        raise ApplicationError("You have already submitted this application")
    role = application.role
    if not role.is_published:
        raise ApplicationError(
            f"{role.title} is no longer recruiting. You can no longer submit this application"
        )
    if not role.is_open(today):
        raise ApplicationError(
            f"Applications for {role.title} closed on {long_date(role.closes_on)}. "
            "You can no longer submit this application"
        )
    missing = incomplete_sections(application)
    if missing:
        raise ApplicationError(f"Complete the {missing[0].title.lower()} section")
    findings = findings_for(application)
    blocking = eligibility.blocks(findings)
    if blocking:
        raise ApplicationError(blocking[0].message)
    now = utcnow()
    reference = new_reference()
    try:
        pipeline.move(
            application,
            Event.SUBMIT,
            actor_label=applicant_label(applicant),
            values={
                "reference": reference,
                "submitted_at": now,
                "declaration_confirmed_at": now,
                "eligibility_findings": [
                    {"code": f.code, "severity": f.severity.value, "message": f.message}
                    for f in findings
                ],
                "needs_hr_check": eligibility.needs_hr_check(findings),
            },
        )
    except pipeline.Conflict as error:
        # Of many requests submitting one draft at once, one moved it: this is another.
        raise ApplicationError("You have already submitted this application") from error
    cancel_draft_reminder(application)


def withdraw_application(
    *, applicant: Applicant, application: Application, reason: str, details: str | None
) -> None:
    if application.is_draft:
        raise ApplicationError("You have not submitted this application. Delete it instead")
    if not can(application.status, Event.WITHDRAW):
        raise ApplicationError("You cannot withdraw this application now")
    now = utcnow()
    try:
        pipeline.move(
            application,
            Event.WITHDRAW,
            actor_label=applicant_label(applicant),
            reasons=[reason],
            feedback=details,
            values={
                "withdrawn_at": now,
                "withdrawal_reason": reason,
                "withdrawal_details": details or None,
            },
        )
    except pipeline.Conflict as error:
        raise ApplicationError(
            "This application changed while you were withdrawing. Try again"
        ) from error

"""The audit log in plain English: one table from each action to what a person reads.

Pure functions, no database: the caller looks up the names of the records (an application's
reference, a user's name) and passes them in. Sentences never name an applicant: an
application is its reference, as in the name-blind stages, and an applicant is "An applicant".
Free text kept in the details (a reason for a reveal) stays out of sentences; administrators
read it on the event's own page.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tracker.audit_log.sentence_parts import (
    Action,
    Facts,
    booking_made,
    candidates_searched,
    candidates_shared,
    condition_met,
    export_template,
    mentor_consent,
    pack_sentence,
    plural,
    report_downloaded,
    shortlist_exported,
    user_deactivated,
)

APPLICANT_PREFIX = "applicant:"
# An application not yet submitted has no reference, and no staff page.
DRAFT = "a draft application"


@dataclass(frozen=True)
class Sentence:
    text: str
    link: tuple[str, dict] | None  # endpoint and its arguments, for url_for


_APPLICATIONS = "Applications"
_SCREENING = "Candidates and screening"
_OFFERS = "Offers and apprentices"
_PARTNERS = "Partners"
_USERS = "Users and sign-in"
_DATA = "Data, exports and privacy"
_SCHEDULING = "Assessments and interviews"

ACTIONS: dict[str, Action] = {
    # Moves through the pipeline (tracker/applications/pipeline.py): application.<event>.
    "application.submit": Action(_APPLICATIONS, "Submitted", lambda f: f"submitted {f.ref}"),
    "application.withdraw": Action(_APPLICATIONS, "Withdrew", lambda f: f"withdrew {f.ref}"),
    "application.start_sift": Action(
        _SCREENING, "Started the sift", lambda f: f"started the sift for {f.ref}"
    ),
    "application.invite_to_assessment": Action(
        _SCREENING, "Invited to assessment", lambda f: f"invited {f.ref} to assessment"
    ),
    "application.invite_to_interview": Action(
        _SCREENING, "Invited to interview", lambda f: f"invited {f.ref} to interview"
    ),
    "application.make_offer": Action(
        _OFFERS, "Made an offer", lambda f: f"made an offer to {f.ref}"
    ),
    "application.accept_offer": Action(
        _OFFERS, "Accepted an offer", lambda f: f"accepted the offer for {f.ref}"
    ),
    "application.decline_offer": Action(
        _OFFERS, "Declined an offer", lambda f: f"declined the offer for {f.ref}"
    ),
    "application.confirm_hired": Action(
        _OFFERS, "Confirmed as hired", lambda f: f"confirmed {f.ref} as hired"
    ),
    "application.reject": Action(
        _SCREENING, "Made unsuccessful", lambda f: f"made {f.ref} unsuccessful"
    ),
    # The applicant's own draft.
    "application.started": Action(
        _APPLICATIONS, "Started an application", lambda f: f"started {f.ref}"
    ),
    "application.cv_uploaded": Action(
        _APPLICATIONS, "Uploaded a CV", lambda f: f"uploaded a CV to {f.ref}"
    ),
    "application.draft_deleted": Action(
        _APPLICATIONS, "Deleted a draft", lambda f: f"deleted the draft application {f.ref}"
    ),
    "applicant.signed_in": Action(_APPLICATIONS, "Applicant signed in", lambda f: "signed in"),
    # Staff reading and screening candidates.
    "application.identity_revealed": Action(
        _SCREENING, "Revealed who applied", lambda f: f"revealed who applied for {f.ref}"
    ),
    "candidates.searched": Action(_SCREENING, "Searched by name or email", candidates_searched),
    "application.cv_downloaded": Action(
        _SCREENING, "Downloaded a CV", lambda f: f"downloaded the CV for {f.ref}"
    ),
    "application.reminded_to_book": Action(
        _SCHEDULING, "Reminded to book", lambda f: f"reminded {f.ref} to book a time"
    ),
    # Assessments and interviews.
    "slot.created": Action(_SCHEDULING, "Added a time slot", lambda f: f"added {f.ref}"),
    "booking.made": Action(_SCHEDULING, "Booked a time", booking_made),
    "booking.cancelled": Action(
        _SCHEDULING, "Cancelled a booking", lambda f: f"cancelled the booked time for {f.ref}"
    ),
    "panel_pack.viewed": Action(_SCHEDULING, "Viewed a panel pack", pack_sentence("viewed")),
    "panel_pack.downloaded": Action(
        _SCHEDULING, "Downloaded a panel pack", pack_sentence("downloaded the PDF of")
    ),
    # Offers, conditions and mentoring.
    "offer.condition_met": Action(_OFFERS, "Recorded a check as met", condition_met),
    "offer.mentor_contact_consent": Action(_OFFERS, "Answered mentor contact", mentor_consent),
    "mentor.profile_created": Action(
        _OFFERS, "Set up a mentor", lambda f: f"set up {f.ref} as a mentor"
    ),
    "mentor.profile_changed": Action(
        _OFFERS, "Changed a mentor", lambda f: f"changed the mentor profile of {f.ref}"
    ),
    "mentor.assigned": Action(
        _OFFERS, "Assigned a mentor", lambda f: f"assigned a mentor to {f.ref}"
    ),
    "mentoring.log_entry_added": Action(
        _OFFERS, "Added to a mentoring log", lambda f: f"added a mentoring log entry for {f.ref}"
    ),
    # Employer partners.
    "partners.shared": Action(_PARTNERS, "Shared candidates", candidates_shared),
    "partners.unshared": Action(
        _PARTNERS, "Stopped sharing a candidate", lambda f: f"stopped sharing {f.ref}"
    ),
    "partners.feedback_given": Action(
        _PARTNERS, "Gave feedback", lambda f: f"gave feedback on {f.ref}"
    ),
    "partners.feedback_changed": Action(
        _PARTNERS, "Changed feedback", lambda f: f"changed the feedback on {f.ref}"
    ),
    "partners.locked": Action(
        _PARTNERS, "Locked feedback", lambda f: f"locked the feedback on {f.ref}"
    ),
    "partners.unlocked": Action(
        _PARTNERS, "Unlocked feedback", lambda f: f"unlocked the feedback on {f.ref}"
    ),
    "partners.ended": Action(_PARTNERS, "Ended a share", lambda f: f"ended {f.ref}"),
    "partners.organisation_created": Action(
        _PARTNERS, "Added a partner organisation", lambda f: f"added {f.ref} to the partners"
    ),
    "partners.organisation_renamed": Action(
        _PARTNERS, "Renamed a partner organisation", lambda f: f"renamed {f.ref}"
    ),
    # Staff accounts and signing in.
    "sign_in.succeeded": Action(_USERS, "Signed in", lambda f: "signed in"),
    "sign_in.failed": Action(
        _USERS, "Failed to sign in", lambda f: "failed to sign in", anonymous=True
    ),
    "sign_in.second_factor_passed": Action(
        _USERS, "Entered a security code", lambda f: "entered their security code"
    ),
    "sign_in.second_factor_failed": Action(
        _USERS, "Entered a wrong security code", lambda f: "entered a wrong security code"
    ),
    "sign_out": Action(_USERS, "Signed out", lambda f: "signed out"),
    "access.denied": Action(
        _USERS, "Refused a page", lambda f: f"was refused access to {f.object_id or 'a page'}"
    ),
    "user.created": Action(_USERS, "Created an administrator", lambda f: f"created {f.ref}"),
    "user.invited": Action(_USERS, "Invited a user", lambda f: f"invited {f.ref}"),
    "user.invitation_resent": Action(
        _USERS, "Resent an invitation", lambda f: f"sent {f.ref} a new invitation"
    ),
    "user.invitation_accepted": Action(
        _USERS, "Accepted an invitation", lambda f: "accepted their invitation"
    ),
    "user.access_changed": Action(
        _USERS, "Changed access", lambda f: f"changed the access of {f.ref}"
    ),
    "user.deactivated": Action(_USERS, "Deactivated a user", user_deactivated),
    "user.reactivated": Action(_USERS, "Reactivated a user", lambda f: f"reactivated {f.ref}"),
    "user.password_changed": Action(
        _USERS, "Changed a password", lambda f: "changed their password"
    ),
    "user.password_reset_requested": Action(
        _USERS, "Asked to reset a password", lambda f: "asked for a password reset link"
    ),
    "user.password_reset_unknown": Action(
        _USERS,
        "Asked to reset an unknown address",
        lambda f: "asked for a password reset for an address with no active account",
        anonymous=True,
    ),
    "user.password_reset": Action(_USERS, "Reset a password", lambda f: "reset their password"),
    "user.second_factor_enrolled": Action(
        _USERS, "Set up security codes", lambda f: "set up their security codes"
    ),
    "user.second_factor_reset": Action(
        _USERS, "Reset security codes", lambda f: f"reset the security codes of {f.ref}"
    ),
    # Data leaving the service, and personal data.
    "export.shortlist": Action(_DATA, "Exported a shortlist", shortlist_exported),
    "export.template_saved": Action(_DATA, "Saved a shortlist template", export_template("saved")),
    "export.template_renamed": Action(
        _DATA, "Renamed a shortlist template", export_template("renamed")
    ),
    "export.template_deleted": Action(
        _DATA, "Deleted a shortlist template", export_template("deleted")
    ),
    "reports.downloaded": Action(_DATA, "Downloaded a report", report_downloaded),
    # The area's population figures for the equality report (public Census figures).
    "reports.population_loaded": Action(
        _DATA,
        "Uploaded area population figures",
        lambda f: (
            "uploaded the area's population figures for the equality report "
            f"({plural(f.number('measures'), 'measure')})"
        ),
    ),
    "reports.population_removed": Action(
        _DATA,
        "Removed area population figures",
        lambda f: "removed the area's population figures from the equality report",
    ),
    "audit.downloaded": Action(
        _DATA,
        "Downloaded the audit log",
        lambda f: f"downloaded {plural(f.number('rows'), 'audit log event')}",
    ),
    "privacy.subject_access_export": Action(
        _DATA,
        "Downloaded a subject access request",
        lambda f: f"downloaded everything held about {f.ref} (a subject access request)",
    ),
    "privacy.erased": Action(
        _DATA,
        "Erased an applicant",
        lambda f: f"erased an applicant and {plural(f.number('applications'), 'application')}",
    ),
    "privacy.own_data_downloaded": Action(
        _DATA, "Applicant downloaded their data", lambda f: "downloaded a copy of their own data"
    ),
    "privacy.retention_run": Action(
        _DATA,
        "Anonymised old applications",
        lambda f: (
            f"anonymised {plural(f.number('applications'), 'application')} "
            "past their retention date"
        ),
    ),
}

# Where each kind of record is shown to staff: (endpoint, the id's argument name).
LINKS: dict[str, tuple[str, str]] = {
    "application": ("staff.application", "application_id"),
    "user": ("admin.user", "user_id"),
    "staff_user": ("mentoring.profile", "user_id"),
    "partner_share": ("partners.share", "share_id"),
    "role": ("staff.role", "role_id"),
    "slot": ("scheduling.slot", "slot_id"),
    "partner_organisation": ("partners.organisation", "organisation_id"),
    "applicant": ("privacy.applicant", "applicant_id"),
}


def is_applicant(actor_id: int | None, actor_label: str) -> bool:
    return actor_id is None and actor_label.startswith(APPLICANT_PREFIX)


def person(action: str, actor_id: int | None, actor_label: str, user_name: str | None) -> str:
    """Who did it, as the log's Person column names them."""
    if user_name:
        return user_name
    if is_applicant(actor_id, actor_label):
        return "An applicant"
    known = ACTIONS.get(action)
    if known is not None and known.anonymous:
        return f"Someone using {actor_label}"
    if "@" in actor_label:
        return actor_label  # a member of staff whose account is gone
    return "The system"


def describe(
    *,
    action: str,
    object_type: str | None,
    object_id: str | None,
    details: Mapping[str, Any] | None,
    actor: str,
    record: str | None,
) -> Sentence:
    """The sentence a person reads, and where the record is shown (when it still exists)."""
    facts = Facts(object_type, object_id, details or {}, record)
    known = ACTIONS.get(action)
    if known is None:
        # An action this table has not learnt yet (tests/audit fails until it has): still
        # readable, and still linked to its record.
        what = action.replace("_", " ").replace(".", ": ")
        text = f"{actor} recorded “{what}”" + (f" for {facts.ref}" if object_type else "")
    else:
        text = f"{actor} {known.says(facts)}"
    link = None
    linkable = record is not None and record != DRAFT
    if object_type in LINKS and linkable and object_id and object_id.isdigit():
        endpoint, argument = LINKS[object_type]
        link = (endpoint, {argument: int(object_id)})
    return Sentence(text[0].upper() + text[1:], link)


def label(action: str) -> str:
    known = ACTIONS.get(action)
    return known.label if known else action


def grouped() -> dict[str, list[tuple[str, str]]]:
    """The action filter's choices: {group: [(action, label)]}, in the table's order."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for name, known in ACTIONS.items():
        groups.setdefault(known.group, []).append((name, known.label))
    return groups


def actions_in(group: str) -> list[str]:
    return [name for name, known in ACTIONS.items() if known.group == group]

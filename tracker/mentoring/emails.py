"""Emails about mentoring. Built from the assignment's id when sent.

The mentor's email carries the apprentice's email address and phone number only if the
apprentice agreed, when accepting their offer, that their mentor may have them.
"""

from __future__ import annotations

from tracker import clock
from tracker.extensions import db
from tracker.formatting import long_date, public_url
from tracker.mentoring.models import MentorAssignment
from tracker.notifications.rendering import email_template
from tracker.offers.services import offer_for

_EXAMPLE = {
    "mentor_name": "Sam Patel",
    "mentor_about": "Senior developer, ICT, Example Borough Council",
    "mentor_email": "sam.patel@example.gov.uk",
    "apprentice_name": "Alex Example",
    "first_name": "Alex",
    "role_title": "Data analyst apprentice",
    "track_name": "Data analysis",
    "starts_on": "1 September 2027",
    "has_started": False,
    "mentee_link": "https://apprenticeships.example.gov.uk/staff/mentees/1",
    "shares_contact": True,
    "consent_asked": True,
    "apprentice_email": "alex@example.com",
    "apprentice_phone": "07911 123456",
}


def _about(context: dict) -> dict:
    if context["assignment_id"] == 0:
        return dict(_EXAMPLE)
    assignment = db.session.get(MentorAssignment, context["assignment_id"])
    if assignment is None:
        raise KeyError(f"mentor assignment {context['assignment_id']} no longer exists")
    application = assignment.application
    mentor = assignment.mentor.user
    offer = offer_for(application)
    consent = offer.mentor_contact_consent if offer else None
    about = {
        "mentor_name": mentor.name,
        "mentor_about": assignment.mentor.about,
        "mentor_email": mentor.email,
        "apprentice_name": application.full_name or application.reference or "",
        "first_name": (application.full_name or "").split(" ")[0] or "there",
        "role_title": application.role.title,
        "track_name": application.role.track.name,
        "starts_on": long_date(offer.starts_on) if offer else "to be confirmed",
        # A mentor given (or changed) after the first day: no "before you start".
        "has_started": bool(offer and offer.starts_on <= clock.today()),
        "mentee_link": public_url("mentoring.mentee", application_id=application.id),
        "shares_contact": consent is True,
        "consent_asked": consent is not None,
        "apprentice_email": "",
        "apprentice_phone": "",
    }
    if consent is True:
        # Only with the apprentice's agreement: otherwise the values never reach a template.
        about["apprentice_email"] = application.applicant.email
        about["apprentice_phone"] = application.phone or "not given"
    return about


@email_template(
    "mentor_introduction",
    description="Introduces a mentor to the apprentice they have been assigned, with a link "
    "to their mentee page. Includes the apprentice's email and phone only if they agreed.",
    example=lambda: {"assignment_id": 0},
)
def mentor_introduction(context: dict) -> dict:
    return _about(context)


@email_template(
    "mentor_assigned",
    description="Tells a hired apprentice who their mentor is and how to get in touch.",
    example=lambda: {"assignment_id": 0, "application_id": 0},
)
def mentor_assigned(context: dict) -> dict:
    return _about(context)

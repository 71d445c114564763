"""The emails applicants receive. Each is built from ids when it is sent, not when queued."""

from __future__ import annotations

from tracker.applications.models import Application
from tracker.extensions import db
from tracker.notifications.rendering import email_template
from tracker.templating import long_date, public_url

_EXAMPLE = {
    "role_title": "Data analyst apprentice",
    "reference": "K7QM-4X2P",
    "closes_on": "30 January 2027",
    "link": "https://apprenticeships.example.gov.uk/applications/1",
    "name": "Alex",
}


def _about(application_id: int) -> dict:
    """What every applicant email says about the application; example values for previews."""
    if application_id == 0:  # the previews on the staff email pages
        return dict(_EXAMPLE)
    application = db.session.get(Application, application_id)
    if application is None:
        # Never fill a real email with example text; a KeyError fails the email for good.
        raise KeyError(f"application {application_id} no longer exists")
    role = application.role
    first_name = (application.full_name or "").split(" ")[0]
    return {
        "role_title": role.title,
        "reference": application.reference or "",
        "closes_on": long_date(role.closes_on),
        "link": public_url("applications.task_list", application_id=application.id),
        "name": first_name or "there",
    }


@email_template(
    "applicant_sign_in",
    description="The sign-in link an applicant asks for (to start or return to an application).",
    example=lambda: {
        "link": "https://apprenticeships.example.gov.uk/applicant/sign-in/EXAMPLE",
        "valid_minutes": 30,
    },
)
def applicant_sign_in(context: dict) -> dict:
    return {"link": context["link"], "valid_minutes": context["valid_minutes"]}


@email_template(
    "application_submitted",
    description="Confirms a submitted application, with its reference.",
    example=lambda: {"application_id": 0},
)
def application_submitted(context: dict) -> dict:
    about = _about(context["application_id"])
    about["dashboard"] = public_url("applications.dashboard")
    return about


@email_template(
    "application_withdrawn",
    description="Confirms that an applicant has withdrawn an application.",
    example=lambda: {"application_id": 0},
)
def application_withdrawn(context: dict) -> dict:
    return _about(context["application_id"])


@email_template(
    "draft_reminder",
    description="Reminds an applicant, a few days before the role closes, to submit a draft.",
    example=lambda: {"application_id": 0},
)
def draft_reminder(context: dict) -> dict:
    return _about(context["application_id"])

"""The emails applicants receive. Each is built from ids when it is sent, not when queued.

Role titles are whole job titles ("Applications support apprentice"), so the templates never
put an article before one ("a Applications...") or "apprenticeship" after it ("... apprentice
apprenticeship"): they say "the {{ role_title }} role".
"""

from __future__ import annotations

from tracker import clock
from tracker.applications.models import Application, TimelineEntry
from tracker.applications.states import REJECTION_REASONS
from tracker.catalogue.queries import current_campaign, published_roles
from tracker.extensions import db
from tracker.formatting import long_date, public_url
from tracker.notifications.rendering import email_template

_EXAMPLE = {
    "role_title": "Data analyst apprentice",
    "reference": "K7QM-4X2P",
    "closes_on": "30 January 2027",
    "link": "https://apprenticeships.example.gov.uk/applications/1",
    "name": "Alex",
    "starts_on": "1 September 2027",
    "needs_adjustments": False,
    "other_roles_open": True,
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


def _other_roles_open(application: Application) -> bool:
    """Whether the applicant could apply for another role today."""
    today = clock.today()
    campaign = current_campaign(today)
    if campaign is None:
        return False
    return any(r.is_open(today) and r.id != application.role_id for r in published_roles(campaign))


def with_move(context: dict) -> dict:
    """The application's details, plus the reasons and feedback given for this move, and what
    the stage's email says about adjustments and other roles. (The offer's emails add its
    start date: tracker/offers/emails.py.)"""
    about = _about(context["application_id"])
    entry = (
        db.session.get(TimelineEntry, context["timeline_entry_id"])
        if context.get("timeline_entry_id")
        else None
    )
    about["reasons"] = [
        REJECTION_REASONS.get(code, code) for code in (entry.reasons if entry else [])
    ]
    about["feedback"] = (entry.feedback if entry else None) or ""
    about["dashboard"] = public_url("applications.dashboard")
    about["roles_link"] = public_url("catalogue.roles")
    about["support_link"] = public_url("public.home") + "#support"
    if context["application_id"]:
        application = db.session.get(Application, context["application_id"])
        about["booking_link"] = public_url("scheduling.book", application_id=application.id)
        about["needs_adjustments"] = bool(application.needs_adjustments)
        about["other_roles_open"] = _other_roles_open(application)
    else:
        about["booking_link"] = "https://apprenticeships.example.gov.uk/applications/1/booking"
    return about


def _stage_email(name: str, description: str):
    return email_template(name, description=description, example=lambda: {"application_id": 0})(
        with_move
    )


_stage_email("invited_to_assessment", "Tells an applicant they are invited to an assessment.")
_stage_email("invited_to_interview", "Tells an applicant they are invited to an interview.")


@email_template(
    "application_unsuccessful",
    description="Tells an applicant their application was unsuccessful, with the reasons.",
    example=lambda: {"application_id": 0},
)
def application_unsuccessful(context: dict) -> dict:
    about = with_move(context)
    if context["application_id"] == 0:
        about["reasons"] = [REJECTION_REASONS["stronger_candidates"]]
        about["feedback"] = "Your answer about teamwork was strong; give more detail next time."
    return about

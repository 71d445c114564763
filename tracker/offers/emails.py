"""The emails about an offer: made, accepted, declined, and the apprentice hired. Each says
what the application's stage emails say (tracker/applications/emails.py), with the start
date: the offer's, or before there is one the campaign's expected one."""

from __future__ import annotations

from tracker.applications.emails import with_move
from tracker.applications.models import Application
from tracker.extensions import db
from tracker.formatting import long_date
from tracker.notifications.rendering import email_template
from tracker.offers.services import offer_for


def _starts_on(application: Application) -> str:
    """The start date the offer gave, or (before there is one) the campaign's expected one."""
    offer = offer_for(application)
    if offer is not None:
        return long_date(offer.starts_on)
    return long_date(application.role.campaign.expected_start_on)


def _with_offer(context: dict) -> dict:
    about = with_move(context)
    if context["application_id"]:  # 0 is the previews' example, which has a start date
        application = db.session.get(Application, context["application_id"])
        about["starts_on"] = _starts_on(application)
    return about


def _offer_email(name: str, description: str):
    return email_template(name, description=description, example=lambda: {"application_id": 0})(
        _with_offer
    )


_offer_email("offer_made", "Tells an applicant they have been offered the apprenticeship.")
_offer_email("offer_accepted", "Confirms that the applicant accepted the offer; checks follow.")
_offer_email("offer_declined", "Confirms that the applicant declined the offer.")
_offer_email("hired", "Tells a new apprentice that their checks are done and they will start.")

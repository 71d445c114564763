"""Emails about shares with employer partners. Built from the share's id when sent."""

from __future__ import annotations

from tracker.accounts.models import User
from tracker.extensions import db
from tracker.formatting import long_date, public_url
from tracker.notifications.rendering import email_template
from tracker.partners.models import Share
from tracker.partners.queries import progress

_EXAMPLE = {
    "name": "Sam",
    "organisation": "Hackney Tech Co-operative",
    "purpose": "Assessment day, 12 January: give feedback on each candidate you meet",
    "due": "14 January 2027",
    "count": 12,
    "missing": 5,
    "criteria": ["Problem solving", "Working with others", "Curiosity about technology"],
    "link": "https://apprenticeships.example.gov.uk/partner/shares/1",
}


def _share(context: dict) -> Share:
    share = db.session.get(Share, context["share_id"])
    if share is None:
        raise KeyError(f"share {context['share_id']} no longer exists")
    return share


def _about(share: Share, link: str) -> dict:
    counts = progress(share)
    return {
        "organisation": share.organisation.name,
        "purpose": share.purpose,
        "due": long_date(share.due_on),
        "count": counts.expected,
        "missing": counts.expected - counts.given,
        "criteria": [c.text for c in share.criteria],
        "link": link,
    }


def _for_partner(context: dict) -> dict:
    if context["share_id"] == 0:
        return dict(_EXAMPLE)
    share = _share(context)
    user = db.session.get(User, context["user_id"])
    return {
        "name": user.name.split(" ")[0] if user else "there",
        **_about(share, public_url("partners.partner_share", share_id=share.id)),
    }


email_template(
    "candidates_shared",
    description="Tells each partner user, once per share, that candidates await their feedback.",
    example=lambda: {"share_id": 0, "user_id": 0},
)(_for_partner)
email_template(
    "share_feedback_reminder",
    description="Reminds partner users, before the due date, of candidates without feedback.",
    example=lambda: {"share_id": 0, "user_id": 0},
)(_for_partner)


@email_template(
    "share_feedback_complete",
    description="Tells the person in HR who shared candidates that all the feedback is in.",
    example=lambda: {"share_id": 0},
)
def _for_hr(context: dict) -> dict:
    if context["share_id"] == 0:
        return _EXAMPLE | {"link": "https://apprenticeships.example.gov.uk/staff/shares/1"}
    share = _share(context)
    return _about(share, public_url("partners.share", share_id=share.id))

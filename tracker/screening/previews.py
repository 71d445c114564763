"""What a move's email will say, before the move: the confirmation pages show it.

The email is built as the outbox will build it after the move (the template's own variables
from the application's id), with the reasons and feedback the person has chosen in place of
those the move will record. A candidate who is name-blind to the viewer (identity.py) is
greeted as "[their first name]": a preview never tells anyone who applied. Nor does it tell
anyone who may not see adjustments (or who sees one example of many) whether a candidate
asked for any.
"""

from __future__ import annotations

from tracker.accounts.models import User
from tracker.accounts.permissions import Permission, can
from tracker.applications.models import Application
from tracker.applications.states import REJECTION_REASONS, TRANSITIONS, Event
from tracker.notifications import rendering
from tracker.screening import identity

NAME_PLACEHOLDER = "[their first name]"


def move_email(
    event: Event,
    application: Application,
    *,
    viewer: User,
    reasons: list[str] | None = None,
    feedback: str | None = None,
    one_of_many: bool = False,
) -> rendering.RenderedEmail | None:
    """The email ``event`` sends ``application``'s applicant, or None for a move that sends
    none. ``one_of_many``: an example of many, so it says nothing about any one of them."""
    name = TRANSITIONS[event].email
    if name is None:
        return None
    overrides: dict = {}
    if event is Event.REJECT:
        overrides["reasons"] = [REJECTION_REASONS.get(code, code) for code in reasons or []]
        overrides["feedback"] = feedback or ""
    if one_of_many or not identity.shows_identity(viewer, application):
        overrides["name"] = NAME_PLACEHOLDER
    if one_of_many or not can(viewer, Permission.VIEW_ADJUSTMENTS):
        # The invitations say "You told us about adjustments you need": shown for an example
        # of many, or to someone who may not see adjustments, that line would tell them
        # whether this candidate asked for any. Only HR, looking at the one candidate they
        # are moving, sees the email exactly as it will go.
        overrides["needs_adjustments"] = False
    return rendering.render_email(name, {"application_id": application.id}, overrides)

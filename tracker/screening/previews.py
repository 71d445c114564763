"""What a move's email will say, before the move: the confirmation pages show it.

The email is built as the outbox will build it after the move (the template's own variables
from the application's id), with the reasons and feedback the person has chosen in place of
those the move will record. A candidate who is name-blind to the viewer (identity.py) is
greeted as "[their first name]": a preview never tells anyone who applied.
"""

from __future__ import annotations

from tracker.accounts.models import User
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
    none. ``one_of_many``: an example of many, so it names nobody whoever may see them."""
    name = TRANSITIONS[event].email
    if name is None:
        return None
    variables = rendering.REGISTRY[name].variables({"application_id": application.id})
    if event is Event.REJECT:
        variables["reasons"] = [REJECTION_REASONS.get(code, code) for code in reasons or []]
        variables["feedback"] = feedback or ""
    if one_of_many or not identity.shows_identity(viewer, application):
        variables["name"] = NAME_PLACEHOLDER
    return _render(name, variables)


def _render(name: str, variables: dict) -> rendering.RenderedEmail:
    # render_email builds variables from a stored context only; these replace some of them,
    # so the same environment and common variables render them here.
    env = rendering._environment()
    variables = rendering._common_variables() | variables
    subject, text, html = (
        env.get_template(f"{name}/{part}").render(**variables).strip() for part in rendering.PARTS
    )
    return rendering.RenderedEmail(subject=" ".join(subject.split()), text=text + "\n", html=html)

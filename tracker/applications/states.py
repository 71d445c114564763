"""The application's states and the pipeline between them, in one pure module.

No Flask, no database. Services ask this module whether an event may happen in a state, who
may make it happen, what state follows and whether it sends the applicant an email; views
and reports ask it for named groups. docs/stages.md is the table kept beside it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from tracker.refusals import Refused


class Status(enum.Enum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    SIFT = "sift"
    ASSESSMENT = "assessment"
    INTERVIEW = "interview"
    OFFER = "offer"
    PRE_EMPLOYMENT_CHECKS = "pre_employment_checks"
    HIRED = "hired"
    UNSUCCESSFUL = "unsuccessful"
    WITHDRAWN = "withdrawn"
    OFFER_DECLINED = "offer_declined"


class Actor(enum.Enum):
    APPLICANT = "applicant"
    STAFF = "staff"


class Event(enum.Enum):
    SUBMIT = "submit"
    WITHDRAW = "withdraw"
    START_SIFT = "start_sift"
    INVITE_TO_ASSESSMENT = "invite_to_assessment"
    INVITE_TO_INTERVIEW = "invite_to_interview"
    MAKE_OFFER = "make_offer"
    ACCEPT_OFFER = "accept_offer"
    DECLINE_OFFER = "decline_offer"
    CONFIRM_HIRED = "confirm_hired"
    REJECT = "reject"


# Submitted and moving through the stages: the applicant may still withdraw.
ACTIVE = frozenset(
    {
        Status.SUBMITTED,
        Status.SIFT,
        Status.ASSESSMENT,
        Status.INTERVIEW,
        Status.OFFER,
        Status.PRE_EMPLOYMENT_CHECKS,
    }
)
TERMINAL = frozenset({Status.HIRED, Status.UNSUCCESSFUL, Status.WITHDRAWN, Status.OFFER_DECLINED})
# Waiting for the council to decide: what digests and "waiting N days" highlights count.
AWAITING_DECISION = frozenset({Status.SUBMITTED, Status.SIFT, Status.ASSESSMENT, Status.INTERVIEW})
# Before interview: where the Disability Confident guarantee protects a candidate.
BEFORE_INTERVIEW = frozenset({Status.SUBMITTED, Status.SIFT, Status.ASSESSMENT})
# Name-blind: reviewers see no identity until a candidate is through the sift.
NAME_BLIND = frozenset({Status.SUBMITTED, Status.SIFT})
# Where reviewers score candidates: what "waiting for your score" and review mode walk through.
SCORING = frozenset({Status.SIFT, Status.ASSESSMENT, Status.INTERVIEW})
# No longer in the running: the applicant's ranking skips them (they sink below the live ones,
# see ranking.py), and staff read "not ranked" rather than a choice number.
UNRANKED = frozenset({Status.UNSUCCESSFUL, Status.WITHDRAWN, Status.OFFER_DECLINED})
# Applications that count towards the limit on roles per campaign.
COUNTS_TOWARDS_LIMIT = frozenset(Status) - {Status.WITHDRAWN}


@dataclass(frozen=True)
class Transition:
    sources: frozenset[Status]
    target: Status
    actor: Actor
    label: str  # what staff see on the button or in the list of moves
    # The outbox template the applicant is sent, if any; exactly one email per such move.
    email: str | None = None
    # False for a move the service makes itself (hiring follows the last condition met).
    manual: bool = True


TRANSITIONS: dict[Event, Transition] = {
    Event.SUBMIT: Transition(
        frozenset({Status.DRAFT}),
        Status.SUBMITTED,
        Actor.APPLICANT,
        "Submit",
        "application_submitted",
    ),
    Event.WITHDRAW: Transition(
        ACTIVE, Status.WITHDRAWN, Actor.APPLICANT, "Withdraw", "application_withdrawn"
    ),
    Event.START_SIFT: Transition(
        frozenset({Status.SUBMITTED}), Status.SIFT, Actor.STAFF, "Start the sift"
    ),
    Event.INVITE_TO_ASSESSMENT: Transition(
        frozenset({Status.SIFT}),
        Status.ASSESSMENT,
        Actor.STAFF,
        "Invite to assessment",
        "invited_to_assessment",
    ),
    Event.INVITE_TO_INTERVIEW: Transition(
        frozenset({Status.SIFT, Status.ASSESSMENT}),
        Status.INTERVIEW,
        Actor.STAFF,
        "Invite to interview",
        "invited_to_interview",
    ),
    Event.MAKE_OFFER: Transition(
        frozenset({Status.INTERVIEW}), Status.OFFER, Actor.STAFF, "Make an offer", "offer_made"
    ),
    Event.ACCEPT_OFFER: Transition(
        frozenset({Status.OFFER}),
        Status.PRE_EMPLOYMENT_CHECKS,
        Actor.APPLICANT,
        "Accept offer",
        "offer_accepted",
    ),
    Event.DECLINE_OFFER: Transition(
        frozenset({Status.OFFER}),
        Status.OFFER_DECLINED,
        Actor.APPLICANT,
        "Decline offer",
        "offer_declined",
    ),
    Event.CONFIRM_HIRED: Transition(
        frozenset({Status.PRE_EMPLOYMENT_CHECKS}),
        Status.HIRED,
        Actor.STAFF,
        "Confirm the start (checks complete)",
        "hired",
        manual=False,
    ),
    Event.REJECT: Transition(
        ACTIVE, Status.UNSUCCESSFUL, Actor.STAFF, "Mark unsuccessful", "application_unsuccessful"
    ),
}

STAFF_EVENTS = tuple(e for e, t in TRANSITIONS.items() if t.actor is Actor.STAFF and t.manual)
# Moves that make sense for many candidates at once (an offer needs its own start date).
BULK_EVENTS = (
    Event.START_SIFT,
    Event.INVITE_TO_ASSESSMENT,
    Event.INVITE_TO_INTERVIEW,
    Event.REJECT,
)


class IllegalTransition(Refused):
    def __init__(self, status: Status, event: Event):
        label = TRANSITIONS[event].label.lower()
        super().__init__(
            f"You cannot {label} for an application that is {STAFF_LABELS[status].lower()}"
        )
        self.status = status
        self.event = event


def can(status: Status, event: Event) -> bool:
    return status in TRANSITIONS[event].sources


def next_status(status: Status, event: Event) -> Status:
    """:raise IllegalTransition: when the event cannot happen in this state."""
    transition = TRANSITIONS[event]
    if status not in transition.sources:
        raise IllegalTransition(status, event)
    return transition.target


def events_from(status: Status, actor: Actor, *, manual_only: bool = False) -> list[Event]:
    """What this actor may do next, in the order the pipeline runs."""
    return [
        e
        for e, t in TRANSITIONS.items()
        if t.actor is actor and status in t.sources and (t.manual or not manual_only)
    ]


def needs_guarantee_override(status: Status, event: Event, *, guaranteed: bool) -> bool:
    """The Disability Confident guarantee: a guaranteed candidate is not made unsuccessful
    before interview without a recorded reason."""
    return guaranteed and event is Event.REJECT and status in BEFORE_INTERVIEW


STAFF_LABELS: dict[Status, str] = {
    Status.DRAFT: "Draft",
    Status.SUBMITTED: "New",
    Status.SIFT: "In sift",
    Status.ASSESSMENT: "Assessment",
    Status.INTERVIEW: "Interview",
    Status.OFFER: "Offered",
    Status.PRE_EMPLOYMENT_CHECKS: "Pre-employment checks",
    Status.HIRED: "Hired",
    Status.UNSUCCESSFUL: "Unsuccessful",
    Status.WITHDRAWN: "Withdrawn",
    Status.OFFER_DECLINED: "Offer declined",
}

# The order stages are shown in on staff pages.
PIPELINE_ORDER: tuple[Status, ...] = (
    Status.SUBMITTED,
    Status.SIFT,
    Status.ASSESSMENT,
    Status.INTERVIEW,
    Status.OFFER,
    Status.PRE_EMPLOYMENT_CHECKS,
    Status.HIRED,
    Status.UNSUCCESSFUL,
    Status.WITHDRAWN,
    Status.OFFER_DECLINED,
)

# What the applicant reads: the state in plain English, and what happens next.
APPLICANT_LABELS: dict[Status, tuple[str, str]] = {
    Status.DRAFT: (
        "Not submitted",
        "Finish your application and submit it before the closing date.",
    ),
    Status.SUBMITTED: ("Submitted", "We will read your application after the closing date."),
    Status.SIFT: ("Being reviewed", "We are reading your application. We will email you."),
    # Pages with the candidate's booking show the booked time instead (see _next_step.html).
    Status.ASSESSMENT: ("Assessment", "Choose a time for your assessment."),
    Status.INTERVIEW: ("Interview", "Choose a time for your interview."),
    Status.OFFER: ("Offer made", "We have offered you this apprenticeship. Accept or decline it."),
    Status.PRE_EMPLOYMENT_CHECKS: (
        "Offer accepted",
        "We are doing checks before you start, such as references and right to work.",
    ),
    Status.HIRED: ("Starting", "You have a place. We will email you about your first day."),
    Status.UNSUCCESSFUL: ("Unsuccessful", "We have told you our reasons below and by email."),
    Status.WITHDRAWN: ("Withdrawn", "You withdrew this application."),
    Status.OFFER_DECLINED: ("Offer declined", "You turned down our offer."),
}

TAG_COLOURS: dict[Status, str] = {
    Status.DRAFT: "govuk-tag--grey",
    Status.SUBMITTED: "govuk-tag--blue",
    Status.UNSUCCESSFUL: "govuk-tag--red",
    Status.WITHDRAWN: "govuk-tag--grey",
    Status.OFFER_DECLINED: "govuk-tag--grey",
    Status.OFFER: "govuk-tag--green",
    Status.HIRED: "govuk-tag--green",
}

# Structured reasons for an unsuccessful application, shown to the applicant as written.
REJECTION_REASONS: dict[str, str] = {
    "essential_criteria": "Your application did not show enough evidence of the essential "
    "criteria for this role",
    "stronger_candidates": "Other candidates showed the criteria more strongly",
    "eligibility": "You are not eligible for this apprenticeship (for example, the right to "
    "work or education rules)",
    "assessment": "Your assessment did not meet the standard for this role",
    "interview": "Your interview did not meet the standard for this role",
    "did_not_attend": "You did not attend your assessment or interview",
    "checks": "The pre-employment checks were not completed",
    "other": "Another reason, explained in the feedback",
}

"""The application's states, in one pure module: no Flask, no database.

Services ask this module whether an event may happen in a state and what state follows; views
and reports ask it for named groups. docs/states.md is the table kept beside it.
"""

from __future__ import annotations

import enum


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


class Event(enum.Enum):
    SUBMIT = "submit"
    WITHDRAW = "withdraw"


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
# Applications that count towards the limit on roles per campaign.
COUNTS_TOWARDS_LIMIT = frozenset(Status) - {Status.WITHDRAWN}

TRANSITIONS: dict[Event, tuple[frozenset[Status], Status]] = {
    Event.SUBMIT: (frozenset({Status.DRAFT}), Status.SUBMITTED),
    Event.WITHDRAW: (ACTIVE, Status.WITHDRAWN),
}


class IllegalTransition(ValueError):
    def __init__(self, status: Status, event: Event):
        super().__init__(f"cannot {event.value} an application that is {status.value}")
        self.status = status
        self.event = event


def can(status: Status, event: Event) -> bool:
    return status in TRANSITIONS[event][0]


def next_status(status: Status, event: Event) -> Status:
    """:raise IllegalTransition: when the event cannot happen in this state."""
    allowed, target = TRANSITIONS[event]
    if status not in allowed:
        raise IllegalTransition(status, event)
    return target


# What the applicant reads: the state in plain English, and what happens next.
APPLICANT_LABELS: dict[Status, tuple[str, str]] = {
    Status.DRAFT: (
        "Not submitted",
        "Finish your application and submit it before the closing date.",
    ),
    Status.SUBMITTED: ("Submitted", "We will read your application after the closing date."),
    Status.SIFT: ("Being reviewed", "We are reading your application. We will email you."),
    Status.ASSESSMENT: ("Assessment", "We will email you about your assessment."),
    Status.INTERVIEW: ("Interview", "We will email you about your interview."),
    Status.OFFER: ("Offer made", "We have offered you this apprenticeship. Check your email."),
    Status.PRE_EMPLOYMENT_CHECKS: (
        "Offer accepted",
        "We are doing checks before you start, such as references and right to work.",
    ),
    Status.HIRED: ("Starting", "You have a place. We will email you about your first day."),
    Status.UNSUCCESSFUL: ("Unsuccessful", "We have emailed you with our reasons."),
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

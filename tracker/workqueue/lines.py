"""Which lines each person's queue has, in the order they act, and how each one reads."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select

from tracker.accounts.models import StaffRole, User
from tracker.applications import counts as tally
from tracker.extensions import db
from tracker.workqueue import hr_queries, manager_queries, partner_mentor_queries, queries
from tracker.workqueue.queries import Settings


@dataclass(frozen=True)
class Line:
    key: str
    audience: StaffRole
    select: Callable[[User, Settings], Select]
    # What the count is of, singular and plural; {days} is the line's configured window.
    singular: str
    plural: str
    # What the list is of: candidates, unless the line lists shares, mentees or emails.
    kind: str = "candidates"
    # The line's condition on the user's scoped applications, when its list is just those
    # applications: the home page counts all such lines in one query.
    condition: Callable[[User, Settings], ColumnElement[bool]] | None = None
    # The same condition on the tally's groups (tracker/applications/counts.py), when it is
    # one: the home page then reads the count from the tally, at a cost that does not grow
    # with the applications.
    tallied: Callable[[Settings], ColumnElement[bool]] | None = None
    # What the tally's days cannot tell, counted from the applications (a line about times).
    tallied_also: Callable[[User, Settings], int] | None = None

    def text(self, count: int, settings: Settings) -> str:
        days = {
            "waiting_long": settings.waiting_days,
            "offers_unanswered": settings.offer_days,
            "check_ins_due": settings.check_in_days,
        }.get(self.key)
        return (self.singular if count == 1 else self.plural).format(days=days)


_M, _HR = StaffRole.HIRING_MANAGER, StaffRole.ADMIN
LINES: tuple[Line, ...] = (
    Line(
        "awaiting_my_score",
        _M,
        manager_queries.awaiting_my_score,
        "candidate waiting for your score",
        "candidates waiting for your score",
        condition=manager_queries.awaiting_my_score_condition,
    ),
    Line(
        "awaiting_decision",
        _M,
        manager_queries.awaiting_decision,
        "candidate you scored, waiting for a decision",
        "candidates you scored, waiting for a decision",
        condition=manager_queries.awaiting_decision_condition,
    ),
    Line(
        "interviews_this_week",
        _M,
        manager_queries.interviews_this_week,
        "interview in the next 7 days",
        "interviews in the next 7 days",
        condition=manager_queries.interviews_this_week_condition,
    ),
    Line(
        "partner_feedback_new",
        _M,
        manager_queries.partner_feedback_new,
        "candidate with new feedback from employer partners since you last looked",
        "candidates with new feedback from employer partners since you last looked",
        condition=manager_queries.partner_feedback_new_condition,
    ),
    Line(
        "new_applications",
        _HR,
        hr_queries.new_applications,
        "new application not yet in sift",
        "new applications not yet in sift",
        condition=hr_queries.new_applications_condition,
        tallied=hr_queries.new_applications_tallied,
    ),
    Line(
        "eligibility_check",
        _HR,
        hr_queries.eligibility_check,
        "candidate flagged for an eligibility check",
        "candidates flagged for an eligibility check",
        condition=hr_queries.eligibility_check_condition,
        tallied=hr_queries.eligibility_check_tallied,
    ),
    Line(
        "waiting_long",
        _HR,
        hr_queries.waiting_long,
        "candidate waiting more than {days} days in their stage",
        "candidates waiting more than {days} days in their stage",
        condition=hr_queries.waiting_long_condition,
        tallied=hr_queries.waiting_long_tallied,
        tallied_also=hr_queries.waiting_long_on_the_day,
    ),
    Line(
        "invited_not_booked",
        _HR,
        hr_queries.invited_not_booked,
        "candidate invited but not booked",
        "candidates invited but not booked",
        condition=hr_queries.invited_not_booked_condition,
    ),
    Line(
        "offers_unanswered",
        _HR,
        hr_queries.offers_unanswered,
        "offer not answered after {days} days",
        "offers not answered after {days} days",
        condition=hr_queries.offers_unanswered_condition,
    ),
    Line(
        "conditions_outstanding",
        _HR,
        hr_queries.conditions_outstanding,
        "offer with pre-employment conditions outstanding",
        "offers with pre-employment conditions outstanding",
        condition=hr_queries.conditions_outstanding_condition,
    ),
    Line(
        "partner_feedback_overdue",
        _HR,
        hr_queries.partner_feedback_overdue,
        "candidate with employer partner feedback overdue",
        "candidates with employer partner feedback overdue",
        condition=hr_queries.partner_feedback_overdue_condition,
    ),
    Line(
        "without_mentor",
        _HR,
        hr_queries.without_mentor,
        "hired apprentice without a mentor",
        "hired apprentices without a mentor",
        condition=hr_queries.without_mentor_condition,
    ),
    Line(
        "emails_failed",
        _HR,
        hr_queries.emails_failed,
        "email that failed to send",
        "emails that failed to send",
        kind="emails",
    ),
    Line(
        "partner_feedback_due",
        StaffRole.PARTNER,
        partner_mentor_queries.partner_feedback_due,
        "share with feedback to give",
        "shares with feedback to give",
        kind="shares",
    ),
    Line(
        "check_ins_due",
        StaffRole.MENTOR,
        partner_mentor_queries.check_ins_due,
        "mentee due a check-in (none logged for {days} days)",
        "mentees due a check-in (none logged for {days} days)",
        kind="mentees",
    ),
)
BY_KEY = {line.key: line for line in LINES}


def lines_for(user: User) -> list[Line]:
    return [line for line in LINES if user.has_role(line.audience)]


@dataclass(frozen=True)
class Count:
    line: Line
    count: int
    text: str


def home(user: User, settings: Settings) -> list[Count]:
    """Every line the user has, counted: one query for all the lines on their scoped
    applications, one more for each other line. Bounded, whatever the campaign's size."""
    lines = lines_for(user)
    found = tally.sums(user, {line.key: line.tallied(settings) for line in lines if line.tallied})
    found |= queries.counts(
        user,
        {
            line.key: line.condition(user, settings)
            for line in lines
            if line.condition and not line.tallied
        },
    )
    for line in lines:
        if line.tallied_also:
            found[line.key] += line.tallied_also(user, settings)
    counts = []
    for line in lines:
        n = found[line.key] if line.key in found else queries.count(line.select(user, settings))
        counts.append(Count(line=line, count=n, text=line.text(n, settings)))
    return counts


# The first few rows of a line shown on the home page itself ("and N more" after them).
PREVIEW_ROWS = 10


def first_rows(query: Select) -> list:
    return list(db.session.execute(query.limit(PREVIEW_ROWS)))

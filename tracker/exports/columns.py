"""What a shortlist export may hold, who may choose each column, and how a cell is cleaned.

Pure: no database and no request. This registry is the whole list: a key that is not in it
is refused. Equality monitoring answers (stored apart, reported only in aggregate) and the
date of birth are deliberately not columns, so no choice of columns can export them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from tracker.accounts.permissions import Permission
from tracker.applications.eligibility import SubjectLevel
from tracker.applications.states import NAME_BLIND, STAFF_LABELS, UNRANKED, Status
from tracker.clock import UK
from tracker.exports import decisions
from tracker.exports.extras import NOTHING, Extra, criterion_label
from tracker.refusals import Refused

if TYPE_CHECKING:
    from tracker.applications.models import Application

Value = str | int | Decimal | datetime | date | None


class ColumnError(Refused):
    """A choice of columns that cannot be exported, with a message for the person asking."""


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    value: Callable[[Application], Value]
    # None: anyone who may export may choose it.
    permission: Permission | None = None
    default: bool = False
    # A decision column reads the application's extras: value(application, extra).
    decision: bool = False
    # Who the candidate is: shown only where staff pages show it (see choose).
    identity: bool = False
    description: str = ""

    def cell(self, application: Application, extra: Extra) -> Value:
        if self.decision:
            return self.value(application, extra)
        return self.value(application)


_LEVELS = {
    SubjectLevel.LEVEL_2_OR_ABOVE.value: "Level 2 or above",
    SubjectLevel.LEVEL_1.value: "Level 1",
    SubjectLevel.ENTRY_LEVEL.value: "Entry level",
    SubjectLevel.NONE.value: "None yet",
    SubjectLevel.NOT_SURE.value: "Not sure",
}
_CONTACT = {"email": "Email", "phone": "Phone call", "text": "Text message"}


def _yes_no(value: bool | None) -> str:
    return "Yes" if value else "No"


def _submitted_on(application: Application) -> date | None:
    at = application.submitted_at
    return at.astimezone(UK).date() if at else None


_IDENTITY = Permission.VIEW_CANDIDATE_IDENTITY


def _preference(application: Application) -> int | None:
    # Withdrawn, unsuccessful or declined: out of the running, so not one of the choices.
    return None if application.status in UNRANKED else application.preference


def _decision(key: str, header: str, value, description: str) -> Column:
    return Column(key, header, value, decision=True, description=description)


# What decisions rest on. Each reads the application and its extras (loaded per batch).
_DECISIONS = (
    _decision(
        "score_average",
        "Average score",
        decisions.average_score,
        "The mean of every score (1 to 4) on the submitted scorecards.",
    ),
    _decision(
        "reviewers",
        "Number of reviewers",
        decisions.reviewers,
        "How many reviewers submitted a scorecard.",
    ),
    _decision(
        "recommendation",
        "Recommendation",
        decisions.recommendation,
        "The scorecards' suggestion: take forward when every essential criterion averages 3 "
        "(demonstrated) or more.",
    ),
    _decision(
        "partner_feedback",
        "Partner feedback",
        decisions.partner_feedback,
        "Each partner organisation the candidate is shared with, and its recommendation.",
    ),
    _decision(
        "assessment_at",
        "Assessment date and time",
        decisions.assessment_at,
        "The booked assessment, UK time.",
    ),
    _decision(
        "interview_at",
        "Interview date and time",
        decisions.interview_at,
        "The booked interview, UK time.",
    ),
    _decision("source", "Where they heard", decisions.source, "Where they heard of us."),
    _decision(
        "days_in_stage",
        "Days in current stage",
        decisions.days_in_stage,
        "Days since the candidate moved to their current stage.",
    ),
    _decision(
        "rejection_reasons",
        "Reasons unsuccessful",
        decisions.rejection_reasons,
        "The reasons given when the candidate was marked unsuccessful.",
    ),
    _decision(
        "withdrawal_reason",
        "Reason for withdrawing",
        decisions.withdrawal_reason,
        "The reason the candidate chose when they withdrew.",
    ),
    _decision("offer_date", "Offer date", decisions.offer_date, "When the offer was made."),
    _decision(
        "offer_status",
        "Offer status",
        decisions.offer_status,
        "Made, accepted, declined, or accepted with conditions outstanding.",
    ),
    _decision(
        "conditions_outstanding",
        "Conditions outstanding",
        decisions.conditions_outstanding,
        "The offer's pre-employment conditions not yet met.",
    ),
)

# A criterion's average: one column per place among a role's essential or desirable criteria.
CRITERION_KEY = re.compile(r"^(essential|desirable)_([1-9][0-9]?)$")


def criterion_column(key: str, words: str | None = None) -> Column:
    """``essential_1``'s column; its header names the criterion when the export is one role."""
    label = criterion_label(key)
    header = f"{label} average: {words}" if words else f"{label} average"
    return Column(
        key,
        header,
        decisions.criterion_average(key),
        decision=True,
        description=f"The mean score for the role's {label.lower()} criterion.",
    )


COLUMNS: dict[str, Column] = {
    column.key: column
    for column in (
        Column("reference", "Reference", lambda a: a.reference, default=True),
        Column("role", "Role", lambda a: a.role.title, default=True),
        Column("track", "Track", lambda a: a.role.track.name),
        Column("level", "Level", lambda a: a.role.level),
        Column("stage", "Stage", lambda a: STAFF_LABELS[a.status], default=True),
        Column("submitted", "Submitted on", _submitted_on, default=True),
        Column("preference", "Preference (1 is first choice)", _preference),
        Column("english", "English level", lambda a: _LEVELS.get(a.english_level or "")),
        Column("maths", "Maths level", lambda a: _LEVELS.get(a.maths_level or "")),
        Column(
            "hr_check",
            "Eligibility to check",
            lambda a: _yes_no(a.needs_hr_check),
            default=True,
        ),
        Column(
            "disability_confident",
            "Disability Confident",
            lambda a: _yes_no(a.disability_confident),
            default=True,
        ),
        Column(
            "needs_adjustments",
            "Asked for adjustments",
            lambda a: _yes_no(a.needs_adjustments),
            default=True,
        ),
        *_DECISIONS,
        Column("full_name", "Full name", lambda a: a.full_name, _IDENTITY, identity=True),
        Column("email", "Email", lambda a: a.applicant.email, _IDENTITY, identity=True),
        Column("phone", "Phone", lambda a: a.phone, _IDENTITY, identity=True),
        Column("postcode", "Postcode", lambda a: a.postcode, _IDENTITY, identity=True),
        Column(
            "preferred_contact",
            "Preferred contact",
            lambda a: _CONTACT.get(a.preferred_contact or ""),
            _IDENTITY,
            identity=True,
        ),
        Column(
            "adjustments",
            "Adjustments asked for",
            lambda a: a.adjustments if a.needs_adjustments else None,
            Permission.VIEW_ADJUSTMENTS,
        ),
    )
}

# Every attribute of an application that a column reads (besides its role and applicant):
# the export loads only these.
FIELDS = (
    "reference",
    "status",
    "submitted_at",
    "preference",
    "english_level",
    "maths_level",
    "needs_hr_check",
    "disability_confident",
    "needs_adjustments",
    "full_name",
    "phone",
    "postcode",
    "preferred_contact",
    "adjustments",
    "score_average",
    "score_count",
    "heard_about",
    "status_changed_at",
    "withdrawal_reason",
)

_WHY_NOT = {
    Permission.VIEW_CANDIDATE_IDENTITY: "only HR can see who candidates are and how to reach them",
    Permission.VIEW_ADJUSTMENTS: "only HR can see the adjustments candidates ask for",
}


def allowed(permissions: Iterable[Permission], criteria: Iterable[str] = ()) -> list[Column]:
    """The columns someone with these permissions may choose, in the registry's order, with a
    column for each criterion key given after the average score.

    Identity columns are offered to everyone who may export: whether they may be had depends
    on the stages chosen (see choose)."""
    held = set(permissions)
    offered: list[Column] = []
    for column in COLUMNS.values():
        if column.identity or column.permission is None or column.permission in held:
            offered.append(column)
        if column.key == "score_average":
            offered.extend(criterion_column(key) for key in criteria)
    return offered


def defaults(permissions: Iterable[Permission]) -> list[str]:
    return [c.key for c in allowed(permissions) if c.default]


# "All stages" includes the name-blind ones.
ALL_STAGES: frozenset[Status] = frozenset()


def includes_name_blind(stages: Iterable[Status]) -> bool:
    """Whether an export of these stages (none: all of them) may hold name-blind candidates."""
    chosen = set(stages)
    return not chosen or bool(chosen & NAME_BLIND)


def _find(key: str, words: dict[str, str]) -> Column:
    column = COLUMNS.get(key)
    if column is None and CRITERION_KEY.match(key):
        column = criterion_column(key, words.get(key))
    if column is None:
        raise ColumnError("Select the columns from the list")
    return column


def choose(
    keys: Iterable[str],
    permissions: Iterable[Permission],
    *,
    stages: Iterable[Status] | None = ALL_STAGES,
    words: dict[str, str] | None = None,
) -> list[Column]:
    """The columns asked for, in the order asked, each once.

    Who candidates are (name and contact details) follows the name-blind rule of the staff
    pages: HR (who may reveal a candidate) may export it at any stage, and the export is
    audited with its columns and stages; anyone else only when every chosen stage is past
    the sift. ``stages`` empty means all stages; None means "not known yet" (a saved column
    set, checked again when it is used). ``words``: criterion key -> the criterion's words,
    for the header when the export is one role.

    :raise ColumnError: for no columns, a key not in the registry, or a column these
        permissions and stages do not allow.
    """
    held = set(permissions)
    chosen: list[Column] = []
    blind = stages is not None and includes_name_blind(stages)
    for key in dict.fromkeys(keys):
        column = _find(key, words or {})
        if column.identity and _IDENTITY not in held:
            if blind:
                raise ColumnError(
                    f"You cannot export the {column.header} column: only HR can see who "
                    "candidates are while they are new or in the sift. Choose only stages "
                    "after the sift"
                )
        elif column.permission is not None and column.permission not in held:
            reason = _WHY_NOT.get(column.permission, "you do not have permission")
            raise ColumnError(f"You cannot export the {column.header} column: {reason}")
        chosen.append(column)
    if not chosen:
        raise ColumnError("Select at least one column to export")
    return chosen


# What a spreadsheet would run as a formula when it reads a CSV file (OWASP's advice on CSV
# injection), and what neither a spreadsheet nor XML can hold (control characters other than
# tab and line breaks).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def escape_formula(text: str) -> str:
    """Text a spreadsheet would run as a formula, made plain text by a leading apostrophe.

    Only for CSV, where every cell is text that the spreadsheet interprets. A workbook's string
    cell is never a formula, so there the apostrophe would only show (as in '+33 1 42 68 53 00).
    """
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def clean_text(text: str) -> str:
    """A text cell as exported to either format: no control characters."""
    return _CONTROL.sub("", text)


def safe_text(text: str) -> str:
    """A CSV text cell: no control characters, never a formula."""
    return escape_formula(clean_text(text))


def row(columns: list[Column], application: Application, extra: Extra = NOTHING) -> list[Value]:
    """One candidate's cells, in the columns' order; text cells without control characters.

    The file writers make the text safe for their format (see files.py)."""
    values = (column.cell(application, extra) for column in columns)
    return [clean_text(v) if isinstance(v, str) else v for v in values]

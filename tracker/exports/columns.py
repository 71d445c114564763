"""What a shortlist export may hold, who may choose each column, and how a cell is cleaned.

Pure: no database and no request. This registry is the whole list: a key that is not in it
is refused. Equality monitoring answers (stored apart, reported only in aggregate) and the
date of birth are deliberately not columns, so no choice of columns can export them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from tracker.accounts.permissions import Permission
from tracker.applications.eligibility import SubjectLevel
from tracker.applications.states import STAFF_LABELS, UNRANKED
from tracker.clock import UK
from tracker.refusals import Refused

if TYPE_CHECKING:
    from tracker.applications.models import Application

Value = str | int | date | None


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
        Column("full_name", "Full name", lambda a: a.full_name, _IDENTITY),
        Column("email", "Email", lambda a: a.applicant.email, _IDENTITY),
        Column("phone", "Phone", lambda a: a.phone, _IDENTITY),
        Column("postcode", "Postcode", lambda a: a.postcode, _IDENTITY),
        Column(
            "preferred_contact",
            "Preferred contact",
            lambda a: _CONTACT.get(a.preferred_contact or ""),
            _IDENTITY,
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
)

_WHY_NOT = {
    Permission.VIEW_CANDIDATE_IDENTITY: "only HR can see who candidates are and how to reach them",
    Permission.VIEW_ADJUSTMENTS: "only HR can see the adjustments candidates ask for",
}


def allowed(permissions: Iterable[Permission]) -> list[Column]:
    """The columns someone with these permissions may choose, in the registry's order."""
    held = set(permissions)
    return [c for c in COLUMNS.values() if c.permission is None or c.permission in held]


def defaults(permissions: Iterable[Permission]) -> list[str]:
    return [c.key for c in allowed(permissions) if c.default]


def choose(keys: Iterable[str], permissions: Iterable[Permission]) -> list[Column]:
    """The columns asked for, in the order asked, each once.

    :raise ColumnError: for no columns, a key not in the registry, or a column these
        permissions do not allow.
    """
    held = set(permissions)
    chosen: list[Column] = []
    for key in dict.fromkeys(keys):
        column = COLUMNS.get(key)
        if column is None:
            raise ColumnError("Select the columns from the list")
        if column.permission is not None and column.permission not in held:
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


def row(columns: list[Column], application: Application) -> list[Value]:
    """One candidate's cells, in the columns' order; text cells without control characters.

    The file writers make the text safe for their format (see files.py)."""
    values = (column.value(application) for column in columns)
    return [clean_text(v) if isinstance(v, str) else v for v in values]

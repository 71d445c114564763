"""Every shortlist column as a PostgreSQL expression, so that PostgreSQL writes the file.

Each column of the registry (columns.py) has an expression that gives the same value its
Python function gives for the same rows: text without control characters, an integer, a
numeric, a date, or a UK wall-clock timestamp. The application's own columns are here, the
decision columns in sql_decisions.py (correlated subqueries on indexed keys, the SQL twin of
extras.py's look-ups). ``csv_text`` then writes a value as files.py writes it into CSV
(formula safety, dates, empty cells), so that ``COPY`` can stream the file byte for byte as
the Python path would (tests/exports/test_copy_identical.py proves it).

Pure: builds expressions, runs nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import (
    Text,
    case,
    cast,
    exists,
    false,
    func,
    null,
    select,
)
from sqlalchemy.sql.elements import ColumnElement

from tracker.applicants.models import Applicant
from tracker.applications.models import Application
from tracker.applications.states import STAFF_LABELS, UNRANKED
from tracker.catalogue.models import Role, Track
from tracker.exports import columns as registry
from tracker.exports.sql_decisions import DECISIONS, criterion_average
from tracker.exports.sql_parts import (
    DAY,
    NUMBER,
    TEXT,
    TIME,
    Scope,
    SqlColumn,
    clean,
    labelled,
    safe,
    uk_day,
    yes_no,
)
from tracker.screening.models import Scorecard


def _own(key: str) -> SqlColumn:
    """A column read from the application's row (or its role, track or applicant)."""
    a = Application
    text = {
        "reference": a.reference,
        "role": Role.title,
        "track": Track.name,
        "full_name": a.full_name,
        "email": Applicant.email,
        "phone": a.phone,
        "postcode": a.postcode,
    }
    if key in text:
        expression = text[key]
        return SqlColumn(TEXT, lambda scope: clean(expression))
    values: dict[str, tuple[str, Callable[[], ColumnElement]]] = {
        "level": (NUMBER, lambda: Role.level),
        "stage": (TEXT, lambda: labelled(a.status, STAFF_LABELS)),
        "submitted": (DAY, lambda: uk_day(a.submitted_at)),
        "preference": (NUMBER, lambda: case((a.status.in_(UNRANKED), null()), else_=a.preference)),
        "english": (TEXT, lambda: labelled(a.english_level, _level_labels())),
        "maths": (TEXT, lambda: labelled(a.maths_level, _level_labels())),
        "hr_check": (TEXT, lambda: yes_no(a.needs_hr_check)),
        "disability_confident": (TEXT, lambda: yes_no(a.disability_confident)),
        "needs_adjustments": (TEXT, lambda: yes_no(a.needs_adjustments)),
        "preferred_contact": (TEXT, lambda: labelled(a.preferred_contact, _contact_labels())),
        "adjustments": (TEXT, lambda: case((a.needs_adjustments, clean(a.adjustments)))),
    }
    kind, build = values[key]
    return SqlColumn(kind, lambda scope: build(), labels=kind == TEXT and key != "adjustments")


def _level_labels() -> dict:
    return dict(registry._LEVELS)


def _contact_labels() -> dict:
    return dict(registry._CONTACT)


def sql_column(key: str) -> SqlColumn:
    """The SQL twin of the registry's column ``key`` (a criterion key included)."""
    if key in DECISIONS:
        return DECISIONS[key]
    if registry.CRITERION_KEY.match(key):
        return SqlColumn(NUMBER, criterion_average(key))
    return _own(key)


def hidden(scope: Scope) -> ColumnElement:
    """Whether this row's scores are hidden from the user (extras._hide_unscored)."""
    if scope.hide_scores_from is None:
        return false()
    own = exists(
        select(Scorecard.id).where(
            Scorecard.application_id == Application.id,
            Scorecard.reviewer_id == scope.hide_scores_from,
            Scorecard.submitted_at.is_not(None),
        )
    )
    return ~own


def csv_text(column: registry.Column, scope: Scope) -> ColumnElement:
    """The column's cell as files._csv_cell writes it: NULL for an empty cell (COPY writes
    it as nothing, as the csv module writes ""), a formula-looking text with an apostrophe,
    dates as ISO, times to the minute, numbers as Python prints them."""
    twin = sql_column(column.key)
    value = twin.value(scope)
    if twin.csv is not None:
        text = twin.csv(scope)
    elif twin.labels:
        text = value
    elif twin.kind == TEXT:
        text = safe(value)
    elif twin.kind == DAY:
        text = func.to_char(value, "YYYY-MM-DD")
    elif twin.kind == TIME:
        text = func.to_char(value, "YYYY-MM-DD HH24:MI")
    else:
        text = cast(value, Text)
    if column.score and scope.hide_scores_from is not None:
        text = case((hidden(scope), registry.HIDDEN), else_=text)
    return func.nullif(text, "")


def typed(column: registry.Column, scope: Scope) -> ColumnElement:
    """The column's value as columns.row gives it, before a file format is chosen (a hidden
    score is replaced by the caller, which reads ``hidden`` once per row)."""
    return sql_column(column.key).value(scope)

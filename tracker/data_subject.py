"""Whose personal data is asked for, as each package's personal_data.py is handed it, and how
a row reads in a subject access export.

A package that holds personal data about applicants describes it once, in its
personal_data.py, for its own tables only:

- ``PERSONAL_COLUMNS``: which of its columns are personal, by table (retention blanks them or
  deletes their rows; erasure deletes them);

and whichever of these it needs (tracker.privacy calls those a package has):

- ``export_subject(subject) -> dict``: sections of the export about the person;
- ``export_application(application_id) -> dict``: sections about one of their applications;
- ``export_files(subject)``: (name, bytes) of the files they gave us;
- ``anonymise_applications(application_ids, *, now)``: retention, for these applications;
- ``anonymise_subject(subject, *, now)``: retention, once nothing of theirs is kept;
- ``erase(subject)``: erasure of everything about them;
- ``erasure_counts(subject) -> dict[str, int]``: what erasure would remove, counted.

tracker.privacy runs them for every package of the manifest (tracker.domains) that has a
personal_data.py: exports from the base up, anonymisation and erasure from the top down, so
that a package still finds its rows' links to lower ones (a booking's application) when its
turn comes. They flush and never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum

# Never in an export: the person's id in our tables, and the hashes of their tokens.
NEVER_EXPORTED = frozenset({"applicant_id", "token_hash"})


@dataclass(frozen=True)
class Subject:
    """An applicant whose data is exported, anonymised or erased."""

    applicant_id: int
    # As it was when asked: anonymisation replaces the address on the applicant's row.
    email: str
    application_ids: tuple[int, ...]


def plain(value):
    """A value as JSON holds it."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):  # an average score: "3.25", as staff read it
        return str(value)
    return value


def row(record, *, leave_out: tuple[str, ...] = ()) -> dict:
    """Every column of a row, as JSON-friendly values."""
    return {
        column.key: plain(getattr(record, column.key))
        for column in record.__table__.columns
        if column.key not in NEVER_EXPORTED and column.key not in leave_out
    }

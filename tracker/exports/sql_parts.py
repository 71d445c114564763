"""The pieces every shortlist column's SQL is built from (sql_cells.py, sql_decisions.py):
the kinds of value, what an export's cells depend on (Scope), and the SQL twins of
cells.py's cleaning and of the labels, UK dates and joins the Python columns use.

Pure: builds expressions, runs nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from sqlalchemy import (
    Date,
    Select,
    Text,
    case,
    cast,
    func,
    literal,
    literal_column,
    null,
    select,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import Lateral

from tracker.applications.models import Application
from tracker.exports import columns as registry
from tracker.exports import decisions
from tracker.exports.cells import clean_text
from tracker.screening.models import Score, Scorecard

# The kinds of value a column gives, as files.py writes each into CSV.
TEXT, NUMBER, DAY, TIME = "text", "number", "day", "time"

# cells.py's control characters (PostgreSQL text holds no NUL) and formula starts, as
# PostgreSQL's regular expressions read them: SQL text, so that no layer in between has to
# agree on how a backslash is quoted. A compiled expression costs about 0.4 µs a cell here;
# translate() with the same characters cost 7 µs.
_CONTROL = literal_column(r"'[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]'")
_FORMULA = literal_column(r"'^([-=+@\t\r])'")
_UK = "Europe/London"


@dataclass(frozen=True)
class Scope:
    """What an export's cells depend on beyond the row: the day (for days in stage), the
    criteria of the export's roles that each criterion column averages (key, their ids), and
    whether scores are hidden from this user until they score (None: they may see them;
    else the user's id)."""

    today: date
    criteria: tuple[tuple[str, tuple[int, ...]], ...] = ()
    hide_scores_from: int | None = None

    @cached_property
    def scores(self) -> Lateral:
        """Every criterion column's average for a row, from one look-up of its submitted
        scores (seven subqueries, one a column, cost seven). Joined by queries.cells; an
        aggregate without GROUP BY gives exactly one row, so no candidate is lost."""
        averages = [
            func.round(func.avg(Score.score).filter(Score.criterion_id.in_(ids)), 2).label(key)
            for key, ids in self.criteria
        ]
        found = submitted_scores(*(averages or [null().label("none")]))
        return found.correlate(Application).lateral("criterion_scores")

    def laterals(self, keys: Iterable[str]) -> list[Lateral]:
        """The look-ups these columns read, for queries.cells to join."""
        wanted = any(registry.CRITERION_KEY.match(key) for key in keys)
        return [self.scores] if wanted else []


@dataclass(frozen=True)
class SqlColumn:
    kind: str
    value: Callable[[Scope], ColumnElement]
    # Text that is only our own labels, none of which looks like a formula.
    labels: bool = False
    # The CSV cell, where it is not the value made safe (a subquery makes its own cell safe
    # inside, so that it runs once a row).
    csv: Callable[[Scope], ColumnElement] | None = None


def clean(text: ColumnElement) -> ColumnElement:
    """cells.clean_text in SQL: no control characters."""
    return func.regexp_replace(text, _CONTROL, "", "g")


def safe(text: ColumnElement) -> ColumnElement:
    """cells.escape_formula in SQL: a leading apostrophe on text a spreadsheet would run.
    One mention of the text, so that a subquery's runs once."""
    return func.regexp_replace(text, _FORMULA, r"'\1")


def labelled(code: ColumnElement, labels: Mapping, *, otherwise=None) -> ColumnElement:
    """A code's label (already clean), or ``otherwise`` for a code not in ``labels``."""
    whens = [(code == key, clean_text(label)) for key, label in labels.items()]
    return case(*whens, else_=otherwise)


def uk_day(at: ColumnElement) -> ColumnElement:
    return cast(func.timezone(_UK, at), Date)


def uk_time(at: ColumnElement) -> ColumnElement:
    """A UK wall-clock time without a zone, as decisions._uk gives it."""
    return func.timezone(_UK, at)


def yes_no(flag) -> ColumnElement:
    return case((flag, "Yes"), else_="No")


def joined_text(parts: ColumnElement, order: Iterable) -> ColumnElement:
    """Labels joined as decisions.JOIN joins them, in the order the Python path reads them."""
    return func.string_agg(parts, aggregate_order_by(literal(decisions.JOIN, Text), *order))


def submitted_scores(*columns) -> Select:
    """The application's scores on submitted scorecards: a join from its scorecards, so that
    PostgreSQL finds them by index per row (an IN of a correlated subquery scans them all)."""
    return (
        select(*columns)
        .select_from(Scorecard)
        .join(Score, Score.scorecard_id == Scorecard.id)
        .where(Scorecard.application_id == Application.id, Scorecard.submitted_at.is_not(None))
    )

"""Every shortlist column as a PostgreSQL expression, so that PostgreSQL writes the file.

Each column of the registry (columns.py, decisions.py) has an expression here that gives the
same value its Python function gives for the same rows: text without control characters, an
integer, a numeric, a date, or a UK wall-clock timestamp. ``csv_text`` then writes a value
as files.py writes it into CSV (formula safety, dates, empty cells), so that ``COPY`` can
stream the file byte for byte as the Python path would (tests/exports/test_copy_identical.py
proves it). The decision columns read their facts with correlated subqueries on indexed keys,
the SQL twin of extras.py's one-IN-query-per-batch look-ups.

Pure: builds expressions, runs nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from sqlalchemy import (
    Date,
    Integer,
    Select,
    Text,
    and_,
    case,
    cast,
    exists,
    false,
    func,
    literal,
    literal_column,
    null,
    or_,
    select,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import Lateral

from tracker.accounts.models import PartnerOrganisation
from tracker.applicants.models import Applicant
from tracker.applications.forms import HEARD_ABOUT, WITHDRAWAL_REASONS
from tracker.applications.models import Application, TimelineEntry
from tracker.applications.states import REJECTION_REASONS, STAFF_LABELS, UNRANKED, Status
from tracker.catalogue.models import Role, Track
from tracker.exports import columns as registry
from tracker.exports import decisions
from tracker.exports.cells import clean_text
from tracker.offers.models import ConditionKind, Offer, OfferCondition
from tracker.partners.models import PartnerFeedback, Recommendation, Share, SharedCandidate
from tracker.scheduling.models import Booking, Slot, SlotKind
from tracker.screening.models import Score, Scorecard
from tracker.screening.scorecards import MEETS

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
        found = _submitted_scores(*(averages or [null().label("none")]))
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


def _label(code: ColumnElement, labels: Mapping, *, otherwise=None) -> ColumnElement:
    """A code's label (already clean), or ``otherwise`` for a code not in ``labels``."""
    whens = [(code == key, clean_text(label)) for key, label in labels.items()]
    return case(*whens, else_=otherwise)


def _uk_day(at: ColumnElement) -> ColumnElement:
    return cast(func.timezone(_UK, at), Date)


def _uk_time(at: ColumnElement) -> ColumnElement:
    """A UK wall-clock time without a zone, as decisions._uk gives it."""
    return func.timezone(_UK, at)


def _yes_no(flag) -> ColumnElement:
    return case((flag, "Yes"), else_="No")


def _joined(parts: ColumnElement, order: Iterable) -> ColumnElement:
    """Labels joined as decisions.JOIN joins them, in the order the Python path reads them."""
    return func.string_agg(parts, aggregate_order_by(literal(decisions.JOIN, Text), *order))


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
        "stage": (TEXT, lambda: _label(a.status, STAFF_LABELS)),
        "submitted": (DAY, lambda: _uk_day(a.submitted_at)),
        "preference": (NUMBER, lambda: case((a.status.in_(UNRANKED), null()), else_=a.preference)),
        "english": (TEXT, lambda: _label(a.english_level, _level_labels())),
        "maths": (TEXT, lambda: _label(a.maths_level, _level_labels())),
        "hr_check": (TEXT, lambda: _yes_no(a.needs_hr_check)),
        "disability_confident": (TEXT, lambda: _yes_no(a.disability_confident)),
        "needs_adjustments": (TEXT, lambda: _yes_no(a.needs_adjustments)),
        "preferred_contact": (TEXT, lambda: _label(a.preferred_contact, _contact_labels())),
        "adjustments": (TEXT, lambda: case((a.needs_adjustments, clean(a.adjustments)))),
    }
    kind, build = values[key]
    return SqlColumn(kind, lambda scope: build(), labels=kind == TEXT and key != "adjustments")


def _level_labels() -> dict:
    return dict(registry._LEVELS)


def _contact_labels() -> dict:
    return dict(registry._CONTACT)


def _submitted_scores(*columns) -> Select:
    """The application's scores on submitted scorecards: a join from its scorecards, so that
    PostgreSQL finds them by index per row (an IN of a correlated subquery scans them all)."""
    return (
        select(*columns)
        .select_from(Scorecard)
        .join(Score, Score.scorecard_id == Scorecard.id)
        .where(Scorecard.application_id == Application.id, Scorecard.submitted_at.is_not(None))
    )


def _meets_essentials(scope: Scope) -> ColumnElement:
    """extras._scores' meets_essentials: None with no scores, else whether every essential
    criterion (as it was scored: its saved place) averages 3 or more."""
    per_criterion = (
        _submitted_scores(Score.essential, func.avg(Score.score).label("average"))
        .group_by(Score.position, Score.essential)
        .correlate(Application)
        .subquery()
    )
    below = or_(per_criterion.c.essential.is_(False), per_criterion.c.average >= MEETS)
    return select(func.bool_and(below)).scalar_subquery()


def _criterion_average(key: str) -> Callable[[Scope], ColumnElement]:
    def value(scope: Scope) -> ColumnElement:
        # A place none of the export's roles has (essential_7 of a template): empty.
        return scope.scores.c[key] if key in scope.scores.c else null()

    return value


def _recommendation(meets: ColumnElement) -> ColumnElement:
    # CASE meets WHEN ...: the subquery runs once.
    return case({True: decisions.TAKE_FORWARD, False: decisions.NOT_FORWARD}, value=meets)


def _partner_feedback(finish: Callable[[ColumnElement], ColumnElement]) -> ColumnElement:
    """Each partner and its recommendation, joined; ``finish`` makes the joined text a cell
    inside the subquery."""
    label = _label(
        PartnerFeedback.recommendation,
        {r: r.label for r in Recommendation},
        otherwise=literal("no feedback yet", Text),
    )
    part = PartnerOrganisation.name + literal(": ", Text) + label
    return (
        select(finish(_joined(part, (PartnerOrganisation.name, Share.id))))
        .select_from(SharedCandidate)
        .join(Share, Share.id == SharedCandidate.share_id)
        .join(PartnerOrganisation, PartnerOrganisation.id == Share.organisation_id)
        .outerjoin(PartnerFeedback, PartnerFeedback.shared_candidate_id == SharedCandidate.id)
        .where(
            SharedCandidate.application_id == Application.id, SharedCandidate.unshared_at.is_(None)
        )
        .scalar_subquery()
    )


def _booked(kind: SlotKind) -> Callable[[Scope], ColumnElement]:
    def value(scope: Scope) -> ColumnElement:
        return (
            select(_uk_time(Slot.starts_at))
            .select_from(Booking)
            .join(Slot, Slot.id == Booking.slot_id)
            .where(
                Booking.application_id == Application.id,
                Booking.kind == kind,
                Booking.cancelled_at.is_(None),
                Slot.cancelled_at.is_(None),
            )
            .order_by(Booking.id.desc())
            .limit(1)
            .scalar_subquery()
        )

    return value


def _rejection_reasons(finish: Callable[[ColumnElement], ColumnElement]) -> ColumnElement:
    latest = (
        select(TimelineEntry.reasons)
        .where(
            TimelineEntry.application_id == Application.id,
            TimelineEntry.to_status == Status.UNSUCCESSFUL,
        )
        .order_by(TimelineEntry.occurred_at.desc(), TimelineEntry.id.desc())
        .limit(1)
        .correlate(Application)
        .scalar_subquery()
    )
    reasons = func.json_array_elements_text(latest).table_valued(
        "value", with_ordinality="ordinality"
    )
    labels = _label(reasons.c.value, REJECTION_REASONS, otherwise=reasons.c.value)
    joined = select(finish(clean(_joined(labels, (reasons.c.ordinality,)))))
    return case(
        (Application.status == Status.UNSUCCESSFUL, joined.select_from(reasons).scalar_subquery())
    )


def _withdrawal_reason(scope: Scope) -> ColumnElement:
    code = Application.withdrawal_reason
    label = _label(code, dict(WITHDRAWAL_REASONS), otherwise=clean(code))
    return case((Application.status == Status.WITHDRAWN, label))


def _offer_made_at():
    return select(Offer.made_at).where(Offer.application_id == Application.id).scalar_subquery()


def _outstanding():
    label = _label(OfferCondition.kind, {k: k.label for k in ConditionKind})
    return (
        select(_joined(label, (OfferCondition.id,)))
        .select_from(Offer)
        .join(OfferCondition, OfferCondition.offer_id == Offer.id)
        .where(Offer.application_id == Application.id, OfferCondition.met_at.is_(None))
        .scalar_subquery()
    )


def _offer_status(scope: Scope) -> ColumnElement:
    statuses = {**STAFF_LABELS, **decisions.OFFER_STATUS}
    outstanding = exists(
        select(OfferCondition.id)
        .select_from(Offer)
        .join(OfferCondition, OfferCondition.offer_id == Offer.id)
        .where(Offer.application_id == Application.id, OfferCondition.met_at.is_(None))
    )
    return case(
        (_offer_made_at().is_(None), null()),
        (
            and_(Application.status == Status.PRE_EMPLOYMENT_CHECKS, outstanding),
            decisions.CONDITIONS_OUTSTANDING,
        ),
        else_=_label(Application.status, statuses),
    )


def _conditions_outstanding(scope: Scope) -> ColumnElement:
    live = Application.status.in_((Status.OFFER, Status.PRE_EMPLOYMENT_CHECKS))
    return case((live, _outstanding()))


def _days_in_stage(scope: Scope) -> ColumnElement:
    at = func.coalesce(Application.status_changed_at, Application.submitted_at)
    return cast(literal(scope.today, Date) - _uk_day(at), Integer)


def _source(scope: Scope) -> ColumnElement:
    code = Application.heard_about
    return case(
        (func.coalesce(code, "") == "", null()),
        else_=_label(code, HEARD_ABOUT, otherwise=clean(code)),
    )


_DECISIONS: dict[str, SqlColumn] = {
    "score_average": SqlColumn(NUMBER, lambda scope: Application.score_average),
    "reviewers": SqlColumn(NUMBER, lambda scope: func.coalesce(Application.score_count, 0)),
    "recommendation": SqlColumn(
        TEXT,
        lambda scope: _recommendation(_meets_essentials(scope)),
        labels=True,
    ),
    "partner_feedback": SqlColumn(
        TEXT,
        lambda scope: _partner_feedback(clean),
        csv=lambda scope: _partner_feedback(lambda text: safe(clean(text))),
    ),
    "assessment_at": SqlColumn(TIME, _booked(SlotKind.ASSESSMENT)),
    "interview_at": SqlColumn(TIME, _booked(SlotKind.INTERVIEW)),
    "source": SqlColumn(TEXT, _source),
    "days_in_stage": SqlColumn(NUMBER, _days_in_stage),
    "rejection_reasons": SqlColumn(
        TEXT,
        lambda scope: _rejection_reasons(lambda text: text),
        csv=lambda scope: _rejection_reasons(safe),
    ),
    "withdrawal_reason": SqlColumn(TEXT, _withdrawal_reason),
    "offer_date": SqlColumn(DAY, lambda scope: _uk_day(_offer_made_at())),
    "offer_status": SqlColumn(TEXT, _offer_status, labels=True),
    "conditions_outstanding": SqlColumn(TEXT, _conditions_outstanding, labels=True),
}


def sql_column(key: str) -> SqlColumn:
    """The SQL twin of the registry's column ``key`` (a criterion key included)."""
    if key in _DECISIONS:
        return _DECISIONS[key]
    if registry.CRITERION_KEY.match(key):
        return SqlColumn(NUMBER, _criterion_average(key))
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

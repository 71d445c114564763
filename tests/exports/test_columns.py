"""The column registry and formula escaping, without a database or a request."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import inspect

from tracker.accounts.models import StaffRole
from tracker.accounts.permissions import ROLE_PERMISSIONS, Permission
from tracker.applications.models import EqualityAnswers
from tracker.applications.states import Status
from tracker.exports import columns
from tracker.exports.columns import COLUMNS, ColumnError, choose, escape_formula, safe_text

HR = ROLE_PERMISSIONS[StaffRole.ADMIN]
MANAGER = ROLE_PERMISSIONS[StaffRole.HIRING_MANAGER]
IDENTITY = {"full_name", "email", "phone", "postcode", "preferred_contact"}


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ('=HYPERLINK("x")', '\'=HYPERLINK("x")'),
        ("+44 20 7946 0000", "'+44 20 7946 0000"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Ada Lovelace", "Ada Lovelace"),
        ("a=b", "a=b"),
        (" =1", " =1"),
        ("", ""),
        ("'already", "'already"),
    ],
)
def test_escape_formula(text, escaped):
    assert escape_formula(text) == escaped


def test_control_characters_go_before_the_formula_check():
    assert safe_text("\x01=cmd|' /C calc'!A0") == "'=cmd|' /C calc'!A0"
    assert safe_text("line one\nline two") == "line one\nline two"


def test_a_row_is_cleaned_but_not_escaped_each_file_format_makes_it_safe_its_own_way():
    role = _Recorder(set(), title="Analyst", level=3, track=_Recorder(set(), name="Digital"))
    application = _Recorder(set(), role=role, phone="+33 1 42 68 53 00", full_name="\x01=1")

    cells = columns.row([COLUMNS["phone"], COLUMNS["full_name"]], application)

    assert cells == ["+33 1 42 68 53 00", "=1"]


def test_no_column_is_an_equality_answer_or_the_date_of_birth():
    equality = {c.key for c in inspect(EqualityAnswers).columns}
    assert not set(COLUMNS) & (equality | {"date_of_birth"})


class _Recorder:
    """Stands in for an application and remembers every attribute a column reads."""

    def __init__(self, seen: set[str], **values):
        self._seen, self._values = seen, values

    def __getattr__(self, name):
        self._seen.add(name)
        return self._values.get(name, "x")


def test_no_column_reads_the_date_of_birth_or_equality_answers():
    seen: set[str] = set()
    track = _Recorder(seen, name="Digital")
    role = _Recorder(seen, title="Analyst", level=3, track=track)
    application = _Recorder(
        seen,
        role=role,
        applicant=_Recorder(seen, email="a@example.com"),
        status=Status.SIFT,
        submitted_at=datetime(2026, 1, 5, 12, tzinfo=UTC),
        preference=1,
    )

    columns.row(list(COLUMNS.values()), application)

    assert seen <= {
        *columns.FIELDS,
        "role",
        "applicant",
        "title",
        "level",
        "track",
        "name",
        "email",
    }
    assert "date_of_birth" not in seen
    assert not seen & {c.key for c in inspect(EqualityAnswers).columns}
    assert "equality" not in " ".join(seen)


def test_hr_may_choose_every_column_and_a_manager_never_adjustments():
    assert [c.key for c in columns.allowed(HR)] == list(COLUMNS)
    offered = {c.key for c in columns.allowed(MANAGER)}
    # Identity is offered to a manager for stages past the sift (see the choose tests below).
    assert offered >= IDENTITY
    assert "adjustments" not in offered
    assert {"reference", "stage", "hr_check", "disability_confident"} <= offered


@pytest.mark.parametrize("key", sorted(IDENTITY))
@pytest.mark.parametrize(
    "stages",
    [(), (Status.SUBMITTED,), (Status.SIFT,), (Status.INTERVIEW, Status.SIFT)],
    ids=["all", "new", "sift", "interview-and-sift"],
)
def test_a_manager_never_gets_identity_while_name_blind(key, stages):
    with pytest.raises(ColumnError, match="only HR can see who candidates are while they are"):
        choose(["reference", key], MANAGER, stages=stages)


@pytest.mark.parametrize("key", sorted(IDENTITY))
def test_a_manager_gets_identity_for_stages_past_the_sift(key):
    stages = (Status.ASSESSMENT, Status.INTERVIEW, Status.OFFER, Status.UNSUCCESSFUL)
    assert [c.key for c in choose([key], MANAGER, stages=stages)] == [key]


@pytest.mark.parametrize("stages", [(), (Status.SIFT,), (Status.INTERVIEW,)])
def test_hr_gets_identity_at_every_stage_and_a_manager_never_adjustments(stages):
    assert len(choose(sorted(IDENTITY), HR, stages=stages)) == len(IDENTITY)
    with pytest.raises(ColumnError, match="only HR can see the adjustments"):
        choose(["adjustments"], MANAGER, stages=(Status.INTERVIEW,))


def test_criterion_columns_are_keyed_by_kind_and_place_and_named_for_one_role():
    chosen = choose(["essential_2", "desirable_1"], MANAGER, words={"essential_2": "Teamwork"})
    assert [c.header for c in chosen] == ["Essential 2 average: Teamwork", "Desirable 1 average"]
    for bad in ("essential_0", "essential_x", "optional_1", "essential_100"):
        with pytest.raises(ColumnError, match="Select the columns from the list"):
            choose([bad], HR)


def test_identity_needs_its_permission():
    needing = {
        c.key for c in COLUMNS.values() if c.permission is Permission.VIEW_CANDIDATE_IDENTITY
    }
    assert needing == IDENTITY
    assert COLUMNS["adjustments"].permission is Permission.VIEW_ADJUSTMENTS


def test_choose_keeps_the_order_asked_and_drops_repeats():
    chosen = choose(["stage", "reference", "stage"], MANAGER)
    assert [c.key for c in chosen] == ["stage", "reference"]


@pytest.mark.parametrize(
    ("keys", "permissions", "message"),
    [
        ([], HR, "Select at least one column to export"),
        (["reference", "religion"], HR, "Select the columns from the list"),
        (["full_name"], MANAGER, "You cannot export the Full name column: only HR can see who"),
        (["adjustments"], MANAGER, "only HR can see the adjustments candidates ask for"),
    ],
)
def test_choose_refuses_with_a_message(keys, permissions, message):
    with pytest.raises(ColumnError, match=message):
        choose(keys, permissions)


def test_the_defaults_leave_out_identity():
    assert columns.defaults(HR) == columns.defaults(MANAGER)
    assert not set(columns.defaults(HR)) & IDENTITY

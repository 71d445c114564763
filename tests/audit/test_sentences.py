"""Every action the code records reads as a sentence, and none names an applicant."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tracker.applications.states import Event
from tracker.audit_log import sentence_parts, sentences

TRACKER = Path(__file__).resolve().parents[2] / "tracker"
# The functions that record an event, and where their action is: a keyword or a position.
RECORDERS = {"record_event": ("action", None), "_audit": ("action", 1)}
# Actions built from a value: the f-string as written, and every action it can make.
BUILT = {"f'application.{event.value}'": {f"application.{e.value}" for e in Event}}


def _names_assigned(tree: ast.AST, name: str) -> list[ast.expr]:
    values = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            values.append(node.value)
    return values


def _strings(expr: ast.expr, tree: ast.AST, where: str, unresolved: list[str]) -> set[str]:
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return {expr.value}
    if isinstance(expr, ast.IfExp):
        return _strings(expr.body, tree, where, unresolved) | _strings(
            expr.orelse, tree, where, unresolved
        )
    if isinstance(expr, ast.JoinedStr) and ast.unparse(expr) in BUILT:
        return BUILT[ast.unparse(expr)]
    if isinstance(expr, ast.Name):
        values = _names_assigned(tree, expr.id)
        if values:
            found: set[str] = set()
            for value in values:
                found |= _strings(value, tree, where, unresolved)
            return found
    unresolved.append(f"{where}: {ast.unparse(expr)}")
    return set()


def recorded_actions() -> tuple[set[str], list[str]]:
    """Every action string passed to record_event (or a wrapper of it) anywhere in tracker/."""
    actions: set[str] = set()
    unresolved: list[str] = []
    for path in TRACKER.rglob("*.py"):
        tree = ast.parse(path.read_text(), filename=str(path))
        wrappers = {
            node
            for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef) and node.name in RECORDERS
        }
        inside_wrapper = {id(n) for w in wrappers for n in ast.walk(w)}
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", None))
            if name not in RECORDERS or id(node) in inside_wrapper:
                continue  # a wrapper passes its own parameter on: its callers are read
            keyword, position = RECORDERS[name]
            expr = next((k.value for k in node.keywords if k.arg == keyword), None)
            if expr is None and position is not None and len(node.args) > position:
                expr = node.args[position]
            where = f"{path.relative_to(TRACKER.parent)}:{node.lineno}"
            if expr is None:
                unresolved.append(f"{where}: no action")
                continue
            actions |= _strings(expr, tree, where, unresolved)
    return actions, unresolved


@pytest.mark.slow  # reads every module
def test_every_action_the_code_records_has_a_sentence():
    actions, unresolved = recorded_actions()

    assert unresolved == [], "teach this test how to read these actions"
    assert len(actions) > 50  # the reading works: it found the actions
    missing = sorted(actions - set(sentences.ACTIONS))
    assert missing == [], f"add a sentence to tracker/audit_log/sentences.py for {missing}"


def test_the_table_names_no_action_the_code_never_records():
    actions, _ = recorded_actions()

    assert sorted(set(sentences.ACTIONS) - actions) == []


def _say(action, *, object_type="application", object_id="12", details=None, record="95NY-7G9B"):
    return sentences.describe(
        action=action,
        object_type=object_type,
        object_id=object_id,
        details=details or {},
        actor="Priya Shah",
        record=record,
    )


@pytest.mark.parametrize(
    ("action", "object_type", "details", "record", "expected"),
    [
        (
            "application.make_offer",
            "application",
            {},
            "95NY-7G9B",
            "Priya Shah made an offer to 95NY-7G9B",
        ),
        (
            "application.reject",
            "application",
            {"reasons": ["x"]},
            "95NY-7G9B",
            "Priya Shah made 95NY-7G9B unsuccessful",
        ),
        ("application.withdraw", "application", {}, "95NY-7G9B", "Priya Shah withdrew 95NY-7G9B"),
        (
            "export.shortlist",
            "role",
            {"rows": 120, "filters": {"status": "sift"}},
            "Data analyst",
            "Priya Shah exported a shortlist of 120 candidates (Data analyst, in sift)",
        ),
        (
            "export.shortlist",
            "track",
            {"rows": 1, "filters": {"status": None}},
            "every role in Digital",
            "Priya Shah exported a shortlist of 1 candidate (every role in Digital, all stages)",
        ),
        (
            "partners.shared",
            "partner_share",
            {"organisation": "Acme Ltd", "candidates": 3},
            "the share “Assessment day” with Acme Ltd",
            "Priya Shah made the share “Assessment day” with Acme Ltd (3 candidates)",
        ),
        ("user.invited", "user", {}, "Jo Bloggs", "Priya Shah invited Jo Bloggs"),
        (
            "candidates.searched",
            "role",
            {"results": 4, "name_blind": 2},
            "Data analyst",
            "Priya Shah searched the candidates for Data analyst by name or email and found "
            "4 candidates, 2 name-blind ones",
        ),
        ("slot.created", "slot", {}, None, "Priya Shah added a time slot"),
        (
            "user.deactivated",
            "user",
            {"sessions_ended": 2},
            "Jo Bloggs",
            "Priya Shah deactivated Jo Bloggs and ended 2 sessions",
        ),
        (
            "booking.made",
            "application",
            {"replaces": 4},
            "95NY-7G9B",
            "Priya Shah changed the booked time for 95NY-7G9B",
        ),
        (
            "offer.condition_met",
            "application",
            {"condition": "right_to_work"},
            "95NY-7G9B",
            "Priya Shah recorded the right to work check as met for 95NY-7G9B",
        ),
        ("audit.downloaded", None, {"rows": 1}, None, "Priya Shah downloaded 1 audit log event"),
        (
            "privacy.erased",
            "applicant",
            {"applications": 2},
            None,
            "Priya Shah erased an applicant and 2 applications",
        ),
        # A record that is gone is named by its kind, and not linked.
        (
            "application.make_offer",
            "application",
            {},
            None,
            "Priya Shah made an offer to an application",
        ),
        # Details that are not what the sentence expects do not break it.
        (
            "partners.shared",
            "partner_share",
            {"candidates": "many"},
            None,
            "Priya Shah shared 0 candidates with a partner",
        ),
    ],
)
def test_sentences(action, object_type, details, record, expected):
    sentence = _say(action, object_type=object_type, details=details, record=record)

    assert sentence.text == expected


def test_the_record_is_linked_where_staff_see_it():
    assert _say("application.make_offer").link == ("staff.application", {"application_id": 12})
    user = _say("user.invited", object_type="user", object_id="7", record="Jo")
    assert user.link == ("admin.user", {"user_id": 7})
    share = _say("partners.ended", object_type="partner_share", object_id="3", record="s")
    assert share.link == ("partners.share", {"share_id": 3})
    role = _say("candidates.searched", object_type="role", object_id="5", record="Data analyst")
    assert role.link == ("staff.role", {"role_id": 5})
    assert _say("application.make_offer", record=None).link is None  # gone
    draft = _say("application.started", record=sentences.DRAFT)
    assert draft.text == "Priya Shah started a draft application"
    assert draft.link is None  # staff see applications once they are submitted
    assert _say("access.denied", object_type="path", object_id="/admin", record=None).link is None


def test_an_action_without_a_sentence_still_reads_as_one():
    sentence = _say("interview.rescheduled", object_type="application")

    assert sentence.text == "Priya Shah recorded “interview: rescheduled” for 95NY-7G9B"
    assert sentence.link == ("staff.application", {"application_id": 12})
    bare = _say("nightly.cleanup", object_type=None, record=None)
    assert bare.text == "Priya Shah recorded “nightly: cleanup”"


@pytest.mark.parametrize(
    ("action", "actor_id", "label", "user_name", "expected"),
    [
        ("application.withdraw", None, "applicant:42", None, "An applicant"),
        ("application.make_offer", 3, "hr@example.gov.uk", "Priya Shah", "Priya Shah"),
        ("privacy.retention_run", None, "retention", None, "The system"),
        ("user.second_factor_reset", None, "command line", None, "The system"),
        ("sign_in.failed", None, "x@example.com", None, "Someone using x@example.com"),
        ("application.make_offer", None, "gone@example.gov.uk", None, "gone@example.gov.uk"),
    ],
)
def test_the_person(action, actor_id, label, user_name, expected):
    assert sentences.person(action, actor_id, label, user_name) == expected


def test_an_applicants_sentence_names_only_the_reference():
    sentence = sentences.describe(
        action="application.withdraw",
        object_type="application",
        object_id="12",
        details={"reasons": ["found another job"], "reference": "95NY-7G9B"},
        actor=sentences.person("application.withdraw", None, "applicant:42", None),
        record="95NY-7G9B",
    )

    assert sentence.text == "An applicant withdrew 95NY-7G9B"


def test_free_text_in_the_details_stays_out_of_sentences():
    """A reveal's reason is typed by HR and may name the candidate."""
    for action, known in sentences.ACTIONS.items():
        facts = sentence_parts.Facts(
            "application", "12", {"reason": "Alex Example", "organisation": "Acme"}, "95NY-7G9B"
        )
        assert "Alex Example" not in known.says(facts), action


def test_every_group_offers_its_actions_once():
    grouped = sentences.grouped()
    offered = [action for actions in grouped.values() for action, _ in actions]

    assert sorted(offered) == sorted(sentences.ACTIONS)
    assert all(sentences.actions_in(group) for group in grouped)

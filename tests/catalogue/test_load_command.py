"""`flask catalogue load`: idempotent, and an invalid file changes nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.catalogue.test_schema import DEFAULT, VALID
from tracker.catalogue.models import Campaign, Criterion, Role, Track
from tracker.extensions import db


def _snapshot() -> dict:
    """Every catalogue row, by table, as comparable tuples."""
    return {
        "campaign": db.session.execute(
            select(Campaign.id, Campaign.slug, Campaign.name, Campaign.closes_on)
        ).all(),
        "track": db.session.execute(select(Track.id, Track.slug, Track.name)).all(),
        "role": db.session.execute(
            select(
                Role.id, Role.slug, Role.title, Role.level, Role.openings, Role.is_published
            ).order_by(Role.id)
        ).all(),
        "criterion": db.session.execute(
            select(Criterion.id, Criterion.role_id, Criterion.kind, Criterion.text).order_by(
                Criterion.id
            )
        ).all(),
    }


def test_loading_the_default_twice_leaves_the_same_rows(runner):
    first = runner.invoke(args=["catalogue", "load", str(DEFAULT)])
    assert first.exit_code == 0, first.output
    assert "created: 20" in first.output  # 1 campaign, 6 tracks, 13 roles
    after_first = _snapshot()

    second = runner.invoke(args=["catalogue", "load", str(DEFAULT)])

    assert second.exit_code == 0, second.output
    assert "created: 0" in second.output and "updated: 0" in second.output
    assert _snapshot() == after_first
    assert len(after_first["role"]) == 13
    assert db.session.scalar(select(func.sum(Role.openings))) == 18


def test_without_a_file_it_loads_the_configured_default(runner):
    result = runner.invoke(args=["catalogue", "load"])

    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count(Role.id))) == 13


def test_an_edited_file_updates_in_place_and_unpublishes_what_was_removed(runner, tmp_path):
    original = tmp_path / "catalogue.yaml"
    original.write_text(VALID.replace("roles:\n", "roles:\n" + _extra_role()))
    assert runner.invoke(args=["catalogue", "load", str(original)]).exit_code == 0
    ids_before = dict(db.session.execute(select(Role.slug, Role.id)).all())

    edited = tmp_path / "edited.yaml"
    edited.write_text(
        VALID.replace("openings: 2", "openings: 3").replace("You are curious", "You ask why")
    )
    result = runner.invoke(args=["catalogue", "load", str(edited)])

    assert result.exit_code == 0, result.output
    assert "updated: 1 (role data-technician)" in result.output
    assert "unpublished: 1 (role spare-role)" in result.output
    roles = {r.slug: r for r in db.session.scalars(select(Role))}
    assert {slug: r.id for slug, r in roles.items()} == ids_before
    assert roles["data-technician"].openings == 3
    assert [c.text for c in roles["data-technician"].criteria] == ["You ask why"]
    assert roles["spare-role"].is_published is False


def test_an_invalid_file_reports_every_problem_and_changes_nothing(runner, tmp_path):
    assert runner.invoke(args=["catalogue", "load", str(DEFAULT)]).exit_code == 0
    before = _snapshot()
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        DEFAULT.read_text()
        .replace('title: "Data analyst apprentice"', "")
        .replace("level: 4", "level: 5", 1)
        .replace("track: ict-support", "track: ict-helpdesk", 1)
        .replace('closes: "today + 6 weeks"', 'closes: "2026-02-30"')
    )

    result = runner.invoke(args=["catalogue", "load", str(broken)])

    assert result.exit_code == 1
    assert "4 problem(s); nothing was loaded" in result.output
    assert "campaign.closes: '2026-02-30' is not a date" in result.output
    assert "].title: is required" in result.output
    assert "].level: must be 3 or 4" in result.output
    assert "].track: unknown track 'ict-helpdesk'" in result.output
    assert result.output.count("  line ") == 4
    assert _snapshot() == before


def test_a_missing_file_is_named(runner, tmp_path):
    result = runner.invoke(args=["catalogue", "load", str(tmp_path / "nope.yaml")])

    assert result.exit_code != 0
    assert "Cannot read" in result.output and "nope.yaml" in result.output


def _extra_role() -> str:
    return """\
  - slug: spare-role
    title: Spare apprentice
    track: data
    level: 4
    standard: Data analyst
    openings: 1
    location: Town hall
    hours: 35 hours a week
    salary: £23,500 a year
    summary: You will analyse data.
    duties: [Analyse data]
    essential_criteria: [You like numbers]
"""


def test_criteria_keep_their_ids_when_another_is_deleted_or_one_is_reworded(runner, tmp_path):
    three = VALID.replace(
        "essential_criteria: [You are curious]",
        "essential_criteria: [You are curious, You are reliable, You like puzzles]",
    )
    first = tmp_path / "first.yaml"
    first.write_text(three)
    assert runner.invoke(args=["catalogue", "load", str(first)]).exit_code == 0
    ids = {c.text: c.id for c in db.session.scalars(select(Criterion))}

    # Delete the first criterion and reword the last one.
    second = tmp_path / "second.yaml"
    second.write_text(
        VALID.replace(
            "essential_criteria: [You are curious]",
            "essential_criteria: [You are reliable, You enjoy puzzles]",
        )
    )
    result = runner.invoke(args=["catalogue", "load", str(second)])

    assert result.exit_code == 0, result.output
    after = {c.text: (c.id, c.position) for c in db.session.scalars(select(Criterion))}
    assert after == {
        "You are reliable": (ids["You are reliable"], 0),
        "You enjoy puzzles": (ids["You like puzzles"], 1),
    }


def test_if_empty_loads_a_fresh_database_but_leaves_an_existing_campaign(runner, tmp_path):
    assert runner.invoke(args=["catalogue", "load", "--if-empty"]).exit_code == 0
    assert db.session.scalar(select(func.count(Role.id))) == 13

    edited = tmp_path / "edited.yaml"
    edited.write_text(DEFAULT.read_text().replace("openings: 2", "openings: 9", 1))
    result = runner.invoke(args=["catalogue", "load", "--if-empty", str(edited)])

    assert result.exit_code == 0
    assert "nothing loaded" in result.output
    assert db.session.scalar(select(func.sum(Role.openings))) == 18

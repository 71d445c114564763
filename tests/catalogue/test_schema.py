"""Reading a catalogue file: the shipped default, relative dates, and reported problems."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.catalogue.schema import CatalogueInvalid, parse_catalogue, resolve_date

DEFAULT = Path(__file__).resolve().parents[2] / "tracker" / "catalogue" / "default.yaml"
TODAY = date(2026, 6, 1)

VALID = """\
campaign:
  slug: spring
  name: Spring apprenticeships
  opens: today
  closes: today + 6 weeks
  expected_start: 2027-09-01
tracks:
  - slug: data
    name: Data analysis
roles:
  - slug: data-technician
    title: Data technician apprentice
    track: data
    level: 3
    standard: Data technician
    openings: 2
    location: Town hall
    hours: 35 hours a week
    salary: £21,000 a year
    summary: You will tidy and chart data.
    duties: [Clean data]
    essential_criteria: [You are curious]
"""


def test_the_default_catalogue_has_18_openings_in_13_roles_across_6_tracks():
    document = parse_catalogue(DEFAULT.read_text(), source=str(DEFAULT), today=TODAY)

    assert len(document.roles) == 13
    assert sum(role.openings for role in document.roles) == 18
    assert len(document.tracks) == 6
    levels = defaultdict(set)
    for role in document.roles:
        levels[role.track].add(role.level)
    assert levels == {track.slug: {3, 4} for track in document.tracks}


def test_the_default_catalogue_is_open_on_the_day_it_is_loaded():
    document = parse_catalogue(DEFAULT.read_text(), source=str(DEFAULT), today=TODAY)

    assert document.campaign.opens == TODAY
    assert document.campaign.closes > TODAY
    assert all(role.closes is None or role.closes > TODAY for role in document.roles)


def test_relative_and_fixed_dates_resolve_against_the_load_date():
    document = parse_catalogue(VALID, source="x.yaml", today=TODAY)

    assert document.campaign.opens == TODAY
    assert document.campaign.closes == TODAY + timedelta(weeks=6)
    assert document.campaign.expected_start == date(2027, 9, 1)


@given(st.integers(min_value=0, max_value=400), st.sampled_from(["days", "d", "weeks", "w"]))
def test_relative_dates_count_days_or_weeks_either_way(amount, unit):
    days = amount * (7 if unit.startswith("w") else 1)
    assert resolve_date(f"today + {amount} {unit}", TODAY) == TODAY + timedelta(days=days)
    assert resolve_date(f"today-{amount}{unit}", TODAY) == TODAY - timedelta(days=days)


def test_a_file_with_four_mistakes_reports_all_four_with_their_lines():
    broken = (
        VALID.replace("    title: Data technician apprentice\n", "")
        .replace("level: 3", "level: 5")
        .replace("track: data\n", "track: astrology\n")
        .replace("2027-09-01", "2026-13-45")
    )

    with pytest.raises(CatalogueInvalid) as raised:
        parse_catalogue(broken, source="broken.yaml", today=TODAY)

    reported = [str(problem) for problem in raised.value.problems]
    assert reported == [
        "line 6, campaign.expected_start: '2026-13-45' is not a date: write YYYY-MM-DD, "
        "or 'today', or 'today + N days' or weeks",
        "line 11, roles[0].title: is required",
        "line 12, roles[0].track: unknown track 'astrology' (tracks: data)",
        "line 13, roles[0].level: must be 3 or 4",
    ]


def test_misspelt_fields_duplicate_slugs_and_backwards_dates_are_reported():
    broken = (
        VALID.replace("opens: today", "opens: today + 50 days")
        .replace("    openings: 2\n", "    openings: 2\n    salray: lots\n")
        .replace("tracks:\n", "tracks:\n  - slug: data\n    name: Data again\n")
    )

    with pytest.raises(CatalogueInvalid) as raised:
        parse_catalogue(broken, source="broken.yaml", today=TODAY)

    messages = {(p.path, p.message) for p in raised.value.problems}
    assert ("campaign.closes", "must not be before the opening date") in messages
    assert ("tracks[1].slug", "'data' is used twice") in messages
    assert (
        "roles[0].salray",
        "is not a field the catalogue knows (check the spelling)",
    ) in messages


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("campaign: [unclosed", "not valid YAML"),
        ("- just\n- a list\n", "must be a mapping with campaign, tracks and roles"),
        ("", "must be a mapping with campaign, tracks and roles"),
    ],
)
def test_text_that_is_not_a_catalogue_is_refused_with_a_reason(text, expected):
    with pytest.raises(CatalogueInvalid) as raised:
        parse_catalogue(text, source="x.yaml", today=TODAY)

    assert expected in str(raised.value.problems[0])


@given(st.text(max_size=400))
def test_any_text_is_either_a_catalogue_or_a_list_of_problems(text):
    try:
        parse_catalogue(text, source="fuzz.yaml", today=TODAY)
    except CatalogueInvalid as invalid:
        assert invalid.problems
        assert all(str(problem) for problem in invalid.problems)


@pytest.mark.slow  # generated input
@given(
    st.sampled_from(["level: 3", "openings: 2", "track: data", "opens: today", "slug: spring"]),
    st.one_of(st.integers(), st.text(max_size=20), st.just("[]"), st.just("{}"), st.just("null")),
)
def test_any_value_in_any_field_is_loaded_or_reported_never_a_crash(field, value):
    key = field.split(":")[0]
    mutated = VALID.replace(field, f"{key}: {value!s}" if str(value) else f"{key}:", 1)
    try:
        parse_catalogue(mutated, source="fuzz.yaml", today=TODAY)
    except CatalogueInvalid as invalid:
        assert all(p.line is None or p.line >= 1 for p in invalid.problems)

"""The funnel's arithmetic, without a database: how far an application got, where it left, how
long each stage took, and figures that add up for any mix of paths through the pipeline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.applications.states import TRANSITIONS, Event, Status
from tracker.reports import funnel, funnel_tables
from tracker.reports.funnel import EXITS, REQUIRED, STAGES, Move, RoleInfo, journey, summarise

S = Status
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _moves(*path, days=(1,) * 10):
    """Timeline rows for a path of statuses from submitted, a given number of days apart."""
    moves, at = [], START
    for (before, after), gap in zip(pairwise(path), days, strict=False):
        at += timedelta(days=gap)
        moves.append(Move(1, before, after, at))
    return moves


def test_the_stages_every_path_passes_through():
    assert REQUIRED[S.INTERVIEW] == {S.SUBMITTED, S.SIFT, S.INTERVIEW}
    assert REQUIRED[S.HIRED] == set(STAGES) - {S.ASSESSMENT}
    assert STAGES == (
        S.SUBMITTED,
        S.SIFT,
        S.ASSESSMENT,
        S.INTERVIEW,
        S.OFFER,
        S.PRE_EMPLOYMENT_CHECKS,
        S.HIRED,
    )
    assert EXITS == (S.UNSUCCESSFUL, S.WITHDRAWN, S.OFFER_DECLINED)


def test_an_application_reaches_the_stages_its_timeline_shows():
    path = _moves(S.SUBMITTED, S.SIFT, S.ASSESSMENT, S.INTERVIEW, S.UNSUCCESSFUL, days=(2, 3, 4, 5))

    one = journey(S.UNSUCCESSFUL, START, path)

    assert one.reached == {S.SUBMITTED, S.SIFT, S.ASSESSMENT, S.INTERVIEW}
    assert one.left_from is S.INTERVIEW
    assert one.days_in == {S.SUBMITTED: 2, S.SIFT: 3, S.ASSESSMENT: 4, S.INTERVIEW: 5}


def test_without_a_timeline_the_stages_on_the_way_still_count():
    one = journey(S.INTERVIEW, START, [])

    assert one.reached == {S.SUBMITTED, S.SIFT, S.INTERVIEW}  # not the optional assessment
    assert one.left_from is None
    assert one.days_in == {}


def test_leaving_with_no_timeline_counts_at_the_furthest_stage_known():
    assert journey(S.WITHDRAWN, START, []).left_from is S.SUBMITTED
    assert journey(S.OFFER_DECLINED, START, []).left_from is S.SUBMITTED


def test_time_in_submitted_runs_from_submission():
    one = journey(S.SIFT, START, [Move(1, S.SUBMITTED, S.SIFT, START + timedelta(hours=36))])
    assert one.days_in == {S.SUBMITTED: 1.5}


def test_the_draft_to_submitted_row_is_not_a_stage():
    one = journey(S.SUBMITTED, START, [Move(1, S.DRAFT, S.SUBMITTED, START)])
    assert one.reached == {S.SUBMITTED}
    assert one.days_in == {}


def test_a_group_with_no_applications_has_no_percentages():
    empty = summarise("x", "Nobody", [])
    assert empty.applications == 0
    assert all(f.moved_on_percent is None and f.median_days is None for f in empty.stages)
    table = funnel_tables.stages_table(empty)
    assert [row[2] for row in table.rows] == [None] * len(STAGES)


def test_medians_are_over_those_who_left():
    journeys = [
        journey(S.SIFT, START, _moves(S.SUBMITTED, S.SIFT, days=(days,))) for days in (1, 2, 10)
    ] + [journey(S.SUBMITTED, START, [])]
    sift = summarise(None, "All", journeys).figures(S.SUBMITTED)
    assert (sift.median_days, sift.timed, sift.reached, sift.now_here) == (2, 3, 4, 1)


def test_grouping_by_track_and_level_keeps_the_catalogue_order():
    roles = [
        RoleInfo(1, "Data analyst", 4, 2, 10, "Data analysis", 1),
        RoleInfo(2, "Service desk", 3, 1, 20, "ICT support", 2),
        RoleInfo(3, "Data technician", 3, 0, 10, "Data analysis", 1),
    ]
    assert funnel.groups("role", roles) == (
        [(3, "Data technician"), (2, "Service desk"), (1, "Data analyst")],
        {3: 3, 2: 2, 1: 1},
    )
    assert funnel.groups("track", roles)[0] == [(10, "Data analysis"), (20, "ICT support")]
    assert funnel.groups("level", roles) == ([(3, "Level 3"), (4, "Level 4")], {2: 3, 3: 3, 1: 4})
    with pytest.raises(ValueError, match="Unknown grouping"):
        funnel.groups("postcode", roles)


@st.composite
def paths(draw):
    """A valid path through the pipeline from submitted, and where it stops."""
    status, path = S.SUBMITTED, [S.SUBMITTED]
    while draw(st.booleans()):
        events = [
            e for e, t in TRANSITIONS.items() if status in t.sources and e is not Event.SUBMIT
        ]
        if not events:
            break
        status = TRANSITIONS[draw(st.sampled_from(events))].target
        path.append(status)
    gaps = draw(st.lists(st.integers(0, 30), min_size=len(path), max_size=len(path)))
    return path, gaps


@settings(max_examples=150, deadline=None)
@given(st.lists(paths(), max_size=40))
def test_every_stage_adds_up_for_any_mix_of_paths(generated):
    journeys = [journey(path[-1], START, _moves(*path, days=gaps)) for path, gaps in generated]

    whole = summarise(None, "All", journeys)

    assert whole.applications == len(journeys)
    assert sum(whole.current.values()) == len(journeys)
    for f in whole.stages:
        assert f.reached == f.now_here + f.moved_on + f.left, f.stage
        assert f.moved_on_percent is None or 0 <= f.moved_on_percent <= 100
        assert f.timed == f.moved_on + f.left
    # Everyone who left did so from exactly one stage.
    for exit_status in EXITS:
        field = {S.UNSUCCESSFUL: "unsuccessful", S.WITHDRAWN: "withdrew"}.get(
            exit_status, "declined"
        )
        assert sum(getattr(f, field) for f in whole.stages) == whole.current.get(exit_status, 0)
    for earlier, later in pairwise(STAGES):
        if later is not S.INTERVIEW:  # the assessment is optional: interview can outnumber it
            assert whole.figures(earlier).reached >= whole.figures(later).reached

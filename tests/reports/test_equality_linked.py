"""The equality report for a role, a track or a level, and overall, hidden together: someone
holding every page and every CSV file of a campaign, and knowing how they are linked (a
track's page is its roles' pages added up; a person counts overall if any of their
applications reached a stage), still cannot narrow any hidden count below five values. The
auditor reads only what is published (auditor.py), and the links are what the catalogue says.
"""

from __future__ import annotations

import csv
import io
import random
import re
from datetime import date

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.factories import ApplicantFactory, EqualityAnswersFactory
from tests.reports import auditor, pages
from tests.reports.test_equality_disclosure import JOURNEYS
from tracker.applications.equality import QUESTIONS
from tracker.applications.states import Status
from tracker.reports import breakdowns, equality, equality_csv, stage_suppression
from tracker.reports.suppression import is_small
from tracker.reports.tables import to_csv

S = Status
WIDTH = 5
EMPTY = dict.fromkeys(equality.EQUALITY_COLUMNS)


def _read(table) -> auditor.Published:
    text = to_csv(equality_csv.combined_csv_table(table))
    return auditor.from_csv(list(csv.reader(io.StringIO(text.removeprefix("\ufeff")))))


def _catalogue(tracks: list[int], levels: list[int]):
    """A group for each role, track and level, and the links the catalogue tells a reader."""
    roles = [
        breakdowns.Group(f"role-{r}", "Role", f"Role {r}", frozenset({r}))
        for r in range(len(tracks))
    ]
    groups = [
        breakdowns.Group(
            f"{kind.lower()}-{key}",
            kind,
            f"{kind} {key}",
            frozenset(r for r, k in enumerate(keys) if k == key),
        )
        for kind, keys in (("Track", tracks), ("Level", levels))
        for key in sorted(set(keys))
    ]
    links = auditor.Links(
        overall="overall",
        roles=[group.key for group in roles],
        sums={group.key: [f"role-{r}" for r in sorted(group.roles)] for group in groups},
    )
    return roles, groups, links


def _audit(report: breakdowns.Report, links: auditor.Links) -> dict:
    published = {"overall": _read(report.overall.tables)}
    published["overall"].guaranteed = None if report.guaranteed_hidden else report.guaranteed
    published |= {page.group.key: _read(page.tables) for page in report.breakdowns}
    for page in published.values():
        for counts in [page.totals, *(c for rows in page.tables.values() for c in rows.values())]:
            assert not any(count is not None and is_small(count) for count in counts)
    return auditor.too_narrow(published, WIDTH, links)


@st.composite
def campaigns(draw):
    """Up to three roles in one or two tracks at level 3 or 4, and people applying for one
    or two of them, each application getting as far as it does."""
    roles = draw(st.integers(1, 3))
    tracks = draw(st.lists(st.integers(0, 1), min_size=roles, max_size=roles))
    levels = draw(st.lists(st.sampled_from([3, 4]), min_size=roles, max_size=roles))
    keys = draw(st.lists(st.sampled_from(["sex", "ethnicity", "disability"]), max_size=2))
    people, applications, interviews = [], [], 0
    for _ in range(draw(st.integers(0, 12))):
        answers = {key: draw(st.sampled_from([*dict(QUESTIONS[key][1]), None])) for key in keys}
        answers["age_band"] = draw(st.sampled_from(["under-19", "19-24", None]))
        applied = draw(st.lists(st.integers(0, roles - 1), min_size=1, max_size=2, unique=True))
        journeys = [draw(st.sampled_from(JOURNEYS)) for _ in applied]
        # People alike come in groups of 1 to 8, so that some counts are large enough to show
        # and some breakdowns large enough to be hidden cell by cell (SMALLEST_BREAKDOWN).
        for _ in range(draw(st.integers(1, 8))):
            people.append(equality.Person(frozenset().union(*journeys), answers))
            applications += [
                (role, equality.Person(journey, answers))
                for role, journey in zip(applied, journeys, strict=True)
            ]
            interviews += any(S.INTERVIEW in journey for journey in journeys)  # people
    guaranteed = draw(st.integers(0, interviews))
    return people, applications, tracks, levels, guaranteed


def _two_roles_in_a_track():
    """Role 0: 7 women and 6 men who applied; role 1: 3 women, who applied for nothing else."""
    woman, man = {"sex": "female"}, {"sex": "male"}
    applied = JOURNEYS[0]
    people = [
        *[equality.Person(applied, woman)] * 10,
        *[equality.Person(applied, man)] * 6,
    ]
    applications = [
        *[(0, equality.Person(applied, woman))] * 7,
        *[(0, equality.Person(applied, man))] * 6,
        *[(1, equality.Person(applied, woman))] * 3,
    ]
    return people, applications, [0, 0], [3, 3], 0


@pytest.mark.slow  # minutes: make test runs it, make test-fast leaves it out
@pytest.mark.timeout(900)  # each example is audited exactly, across every page
@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(found=campaigns())
@example(found=_two_roles_in_a_track())
def test_no_hidden_count_can_be_narrowed_from_every_page_together(found):
    people, applications, tracks, levels, guaranteed = found
    roles, groups, links = _catalogue(tracks, levels)

    report = breakdowns.publish(
        breakdowns.Campaign(people, applications, roles, groups, guaranteed)
    )

    assert _audit(report, links) == {}


def test_pages_hidden_one_by_one_would_give_a_count_away():
    # Role 1's 3 women are hidden on its own page, but its track's page (role 0 and role 1)
    # shows 10 women where role 0 shows 7: 10 - 7 = 3. The pages must be hidden together.
    people, applications, tracks, levels, _ = _two_roles_in_a_track()
    roles, groups, links = _catalogue(tracks, levels)
    everyone = [people, *([p for r, p in applications if r in g.roles] for g in roles + groups)]
    alone = []
    for members in everyone:
        found, totals = equality.counts(members)
        hidden = stage_suppression.suppress(found, totals, equality.PARENTS)
        alone.append(equality.build(found, totals, hidden))
    published = {"overall": _read(alone[0])}
    published |= {g.key: _read(t) for g, t in zip(roles + groups, alone[1:], strict=True)}

    narrow = auditor.too_narrow(published, WIDTH, links)

    assert ("role-1", "Sex", "Female", "Applied") in narrow
    assert all(auditor.too_narrow(page, WIDTH) == {} for page in published.values())
    # Hidden together, nothing gives it away.
    report = breakdowns.publish(breakdowns.Campaign(people, applications, roles, groups))
    assert _audit(report, links) == {}


def _group_keys(html: str) -> list[str]:
    return re.findall(r'<option value="((?:role|track|level)-[^"]+)"', html)


@pytest.mark.slow  # every page and file
def test_every_page_and_file_of_a_campaign_audited_together(client, sign_in, hr, roles, candidate):
    rng = random.Random(16)
    statuses = [S.SUBMITTED, S.SIFT, S.ASSESSMENT, S.INTERVIEW, S.OFFER, S.HIRED]
    interviews = 0
    for n in range(40):
        applicant = ApplicantFactory()
        answers = {
            "sex": rng.choice(["female", "male", None]),
            "ethnicity": rng.choice(["white", "asian", "black", None]),
        }
        born = date(rng.choice([1970, 1990, 2003, 2008]), rng.randint(1, 12), 1)
        for role in rng.sample(roles, rng.choice([1, 1, 2])):
            status = rng.choice(statuses)
            confident = n % 3 == 0
            application = candidate(
                status,
                role=role,
                applicant=applicant,
                date_of_birth=born,
                disability_confident=confident,
            )
            interviews += confident and status in statuses[3:]
            EqualityAnswersFactory(application_id=application.id, **(EMPTY | answers))
    sign_in(hr)

    overall_html = client.get("/staff/reports/equality").get_data(as_text=True)
    keys = _group_keys(overall_html)
    data, support = {roles[0].track_id: [0, 1], roles[2].track_id: [2]}.items()
    links = auditor.Links(
        overall="overall",
        roles=[f"role-{role.id}" for role in roles],
        sums={
            f"track-{data[0]}": [f"role-{roles[r].id}" for r in data[1]],
            f"track-{support[0]}": [f"role-{roles[r].id}" for r in support[1]],
            "level-3": [f"role-{roles[0].id}", f"role-{roles[2].id}"],
            "level-4": [f"role-{roles[1].id}"],
        },
    )
    assert sorted(keys) == sorted(links.roles + list(links.sums))

    published = {}
    for key in ["", *keys]:
        html = client.get(f"/staff/reports/equality?group={key}").get_data(as_text=True)
        rows = pages.read_csv(client.get(f"/staff/reports/equality.csv?group={key}"))
        page, csv_file = auditor.from_page(html), auditor.from_csv(rows)
        assert page.tables == csv_file.tables
        assert page.totals == csv_file.totals
        published[key or "overall"] = page
    assert published["overall"].guaranteed in (None, interviews)

    assert auditor.too_narrow(published, WIDTH, links) == {}
    # Each page is read for its group: its tables count applications.
    role_page = client.get(f"/staff/reports/equality?group=role-{roles[1].id}")
    html = role_page.get_data(as_text=True)
    assert roles[1].title in html
    assert pages.table(html, "Sex:").body[-1][0] == "All applications"
    assert "guaranteed an interview under Disability Confident" not in html


def test_a_group_the_campaign_does_not_have_is_not_found(client, sign_in, hr, candidate):
    candidate()
    sign_in(hr)
    for path in ("/staff/reports/equality", "/staff/reports/equality.csv"):
        assert client.get(f"{path}?group=role-99999").status_code == 404
        assert client.get(f"{path}?group=nothing").status_code == 404


def test_a_file_for_a_group_is_named_for_it(client, sign_in, hr, roles, candidate):
    candidate()
    sign_in(hr)
    response = client.get(f"/staff/reports/equality.csv?group=role-{roles[0].id}&table=sex")
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="equality-intake-2026-role-{roles[0].id}-sex.csv"'
    )


def test_out_of_time_the_breakdowns_are_hidden_whole_and_the_overall_page_stays():
    # With no time to prove the breakdowns safe, nothing unproven is published: every count
    # and total on every breakdown is hidden but the zeros the overall page shows; the overall
    # page is as it is given all the time it needs.
    interviewed, woman, man = JOURNEYS[3], {"sex": "female"}, {"sex": "male"}
    people = [
        *[equality.Person(interviewed, woman)] * 30,
        *[equality.Person(interviewed, man)] * 18,
    ]
    applications = [
        *[(0, equality.Person(interviewed, woman))] * 21,
        *[(0, equality.Person(interviewed, man))] * 18,
        *[(1, equality.Person(interviewed, woman))] * 9,
    ]
    roles, groups, links = _catalogue([0, 0], [3, 3])
    campaign = breakdowns.Campaign(people, applications, roles, groups, guaranteed=6)

    report = breakdowns.publish(campaign, seconds=1e-9)
    given_time = breakdowns.publish(campaign)

    assert report.overall == given_time.overall
    overall = _read(report.overall.tables)
    assert overall.totals[0] == 48
    for page in report.breakdowns:
        published = _read(page.tables)
        assert {t for t in published.totals if t is not None} <= {0}
        for key, rows in published.tables.items():
            for answer, counts in rows.items():
                shown_overall = overall.tables[key][answer]
                for count, everyone in zip(counts, shown_overall, strict=True):
                    assert count is None or count == everyone == 0
    # The people guaranteed an interview are decided on the overall page alone.
    assert report.guaranteed == 6 and not report.guaranteed_hidden
    assert not given_time.guaranteed_hidden
    assert _audit(report, links) == {}
    # Given time, the breakdowns show some of their counts.
    assert any(
        t.hidden < (len(t.rows) + 1) * len(equality.STAGES)
        for page in given_time.breakdowns
        for t in page.tables
    )


def test_in_a_campaign_of_hundreds_the_breakdowns_show_their_large_counts():
    # 600 people in three roles (two tracks, one level), answering as people do: each page
    # shows what it can, the overall page is as it is alone, and no hidden count can be
    # narrowed from every page together. A level or track of nearly everyone counts nearly
    # the people the overall page shows, so hiding its counts would hide nothing: it shows
    # them (and hides more on the roles where that is needed).
    rng = random.Random(16)
    people, applications = [], []
    for _ in range(600):
        answers = {
            "sex": rng.choice(["female", "male", "female", "male", "prefer_not_to_say", None]),
            "age_band": rng.choice(["under-19", "under-19", "19-24", "25-34", None]),
        }
        reached = set()
        for role in rng.sample(range(3), rng.choice([1, 1, 2])):
            journey = rng.choices(JOURNEYS, [40, 30, 10, 6, 4, 2, 3, 3, 2])[0]
            reached |= journey
            applications.append((role, equality.Person(journey, answers)))
        people.append(equality.Person(frozenset(reached), answers))
    roles, groups, links = _catalogue([0, 0, 1], [3, 3, 3])
    campaign = breakdowns.Campaign(people, applications, roles, groups, guaranteed=7)

    report = breakdowns.publish(campaign)

    assert report.overall == breakdowns.publish_overall(campaign).overall
    assert _audit(report, links) == {}
    for page in report.breakdowns:
        sex = next(t for t in page.tables if t.measure.key == "sex")
        shown = [c.count for row in sex.rows for c in row.cells if not c.hidden]
        assert any(count >= 5 for count in shown), page.group.key

"""Hidden counts in the equality report stay hidden: nothing the page or its CSV file shows
(counts, totals, that each stage's people passed through the one before, that counts are never
negative) pins a hidden count to fewer than five values. An auditor that reads only what is
published works out each hidden count's range by exact integer programming (auditor.py)."""

from __future__ import annotations

import csv
import io
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.factories import EqualityAnswersFactory
from tests.reports import auditor, pages
from tracker.applications.equality import QUESTIONS
from tracker.applications.states import Status
from tracker.reports import breakdowns, equality, equality_csv, equality_queries
from tracker.reports.tables import to_csv

S = Status
WIDTH = 5
EMPTY = dict.fromkeys(equality.EQUALITY_COLUMNS)
ETHNICITY = "Ethnic group"


def _reached(*stages: Status) -> frozenset[Status]:
    return frozenset({S.SUBMITTED, *stages})


# Where people can get to: interview can follow sift without an assessment.
JOURNEYS = [
    _reached(),
    _reached(S.SIFT),
    _reached(S.SIFT, S.ASSESSMENT),
    *(
        _reached(S.SIFT, *assessed, *later)
        for assessed in ((), (S.ASSESSMENT,))
        for later in ((S.INTERVIEW,), (S.INTERVIEW, S.OFFER), (S.INTERVIEW, S.OFFER, S.HIRED))
    ),
]


def _published(client) -> tuple[auditor.Published, auditor.Published]:
    html = client.get("/staff/reports/equality").get_data(as_text=True)
    rows = pages.read_csv(client.get("/staff/reports/equality.csv"))
    # Every table counts the same people, so shows (and hides) the same "All applicants" row.
    everyone = {
        tuple(table.row("All applicants")[1:])
        for table in pages.tables(html)
        if "reaching each stage" in table.caption
    }
    assert len(everyone) == 1
    return auditor.from_page(html), auditor.from_csv(rows)


def test_a_hidden_count_cannot_be_worked_out_from_a_later_stage_and_the_totals(
    client, sign_in, hr, candidate
):
    # 5 Asian applicants all reached assessment; 7 White applicants and 1 Black applicant
    # reached sift. Hiding the Black applicant's sift count with the Asian one beside it, as
    # the report used to, gave it away: the Asian count is 5 (all 5 reached assessment), and
    # the sift total (13) less the 7 White applicants and those 5 leaves 1.
    for status, ethnicity, number in [
        (S.ASSESSMENT, "asian", 5),
        (S.SIFT, "white", 7),
        (S.SIFT, "black", 1),
    ]:
        for _ in range(number):
            application = candidate(status)
            EqualityAnswersFactory(
                application_id=application.id, **(EMPTY | {"ethnicity": ethnicity})
            )
    sign_in(hr)

    page, csv_file = _published(client)

    for published in (page, csv_file):
        black = published.tables[ETHNICITY]["Black, Black British, Caribbean or African"]
        assert black[:2] == [None, None]
        ranges = auditor.hidden_ranges(published)
        low, high = ranges[(ETHNICITY, "Black, Black British, Caribbean or African", "Sift")]
        assert high - low >= WIDTH
        assert auditor.too_narrow(published, WIDTH) == {}
    # The counts that give nobody away are still shown.
    assert page.tables[ETHNICITY]["Asian or Asian British"][2] == 5
    assert page.totals == [13, 13, 5, 0, 0, 0]


def test_the_auditor_finds_what_the_old_suppression_gave_away():
    # What the report used to publish for the example above: the Asian and Black counts
    # hidden at applied and sift, everything else shown.
    black, asian = "Black, Black British, Caribbean or African", "Asian or Asian British"
    old = auditor.Published(
        tables={
            ETHNICITY: {
                asian: [None, None, 5, 0, 0, 0],
                black: [None, None, 0, 0, 0, 0],
                "White": [7, 7, 0, 0, 0, 0],
            }
        },
        totals=[13, 13, 5, 0, 0, 0],
    )

    assert auditor.hidden_ranges(old) == {
        (ETHNICITY, asian, "Applied"): (5, 6),
        (ETHNICITY, asian, "Sift"): (5, 6),
        (ETHNICITY, black, "Applied"): (0, 1),
        (ETHNICITY, black, "Sift"): (0, 1),
    }
    assert set(auditor.too_narrow(old, WIDTH)) == set(auditor.hidden_ranges(old))


@st.composite
def people(draw) -> list[equality.Person]:
    """A few groups of people with small counts at each stage, answering two questions."""
    ethnicities = [code for code, _ in QUESTIONS["ethnicity"][1]] + [None]
    groups = draw(st.lists(st.sampled_from(ethnicities), min_size=1, max_size=4, unique=True))
    sexes = [code for code, _ in QUESTIONS["sex"][1]] + [None]
    person = st.builds(
        lambda reached, ethnicity, sex: equality.Person(
            reached=reached, answers={"ethnicity": ethnicity, "sex": sex}
        ),
        st.sampled_from(JOURNEYS),
        st.sampled_from(groups),
        st.sampled_from(sexes),
    )
    return draw(st.lists(person, max_size=40))


def _seeded() -> list[equality.Person]:
    def group(number, reached, ethnicity, sex="female"):
        return [equality.Person(reached, {"ethnicity": ethnicity, "sex": sex})] * number

    return [
        *group(5, _reached(S.SIFT, S.ASSESSMENT), "asian"),
        *group(7, _reached(S.SIFT), "white"),
        *group(1, _reached(S.SIFT), "black", "male"),
    ]


@pytest.mark.slow  # generated campaigns
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(found=people())
@example(found=_seeded())
def test_no_hidden_count_can_be_narrowed_below_five_values(
    client, sign_in, hr, campaign, monkeypatch, found
):
    one_role = breakdowns.Group("role-1", "Role", "Role", frozenset({1}))
    inputs = breakdowns.Campaign(found, [(1, person) for person in found], [one_role])
    monkeypatch.setattr(equality_queries, "inputs", lambda campaign: inputs)
    if client.get("/staff/reports/equality").status_code != 200:
        sign_in(hr)  # once: the client stays signed in from one example to the next

    page, csv_file = _published(client)

    # The page alone gives the interviews guaranteed under Disability Confident.
    assert replace(page, guaranteed="not published") == csv_file
    assert auditor.too_narrow(page, WIDTH) == {}
    # Every count from 1 to 4 is hidden, totals included.
    for counts in [page.totals, *(c for rows in page.tables.values() for c in rows.values())]:
        assert not any(count is not None and 1 <= count < WIDTH for count in counts)


@st.composite
def campaigns(draw) -> list[equality.Person]:
    """Larger campaigns, with answers to several questions, some answers far more common
    than others: where only part of each table needs hiding."""
    keys = draw(st.lists(st.sampled_from(equality.EQUALITY_COLUMNS), min_size=1, max_size=4))
    people = []
    for _ in range(draw(st.integers(20, 80))):
        journey = draw(st.sampled_from(JOURNEYS))
        # People with the same answers come in groups of 1 to 5, so common answers build up.
        answers = {key: draw(st.sampled_from([*dict(QUESTIONS[key][1]), None])) for key in keys}
        people += [equality.Person(journey, answers)] * draw(st.integers(1, 5))
    return people


@pytest.mark.slow  # generated campaigns
@settings(max_examples=15, deadline=None)
@given(found=campaigns())
def test_no_hidden_count_can_be_narrowed_in_larger_campaigns(found):
    tables = equality.tables(found)
    text = to_csv(equality_csv.combined_csv_table(tables))
    published = auditor.from_csv(list(csv.reader(io.StringIO(text.removeprefix("\ufeff")))))

    assert auditor.too_narrow(published, WIDTH) == {}

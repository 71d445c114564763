"""Age bands for the equality report: age on the campaign's closing date."""

from __future__ import annotations

from datetime import date

import pytest

from tracker.reports.age_bands import age_on, band, latest_births

CLOSING = date(2027, 1, 17)


@pytest.mark.parametrize(
    ("born", "expected"),
    [
        (None, None),
        (date(2011, 9, 1), "under-19"),  # 15: applies to start after turning 16
        (date(2008, 1, 18), "under-19"),  # 19 the day after closing
        (date(2008, 1, 17), "19-24"),  # 19 on the closing date
        (date(2002, 1, 18), "19-24"),
        (date(2002, 1, 17), "25-34"),
        (date(1992, 1, 17), "35-49"),
        (date(1977, 1, 17), "50-and-over"),
    ],
)
def test_age_on_the_closing_date_sets_the_band(born, expected):
    assert band(born, CLOSING) == expected


def test_a_leap_day_birthday_turns_a_year_older_on_the_first_of_march():
    assert age_on(date(2008, 2, 29), date(2027, 2, 28)) == 18
    assert age_on(date(2008, 2, 29), date(2027, 3, 1)) == 19


@pytest.mark.parametrize("closing", [CLOSING, date(2028, 2, 29), date(2027, 3, 1)])
def test_the_databases_comparison_agrees_with_the_age(closing):
    # The query finds the first band whose latest date of birth someone was born on or before.
    bands = latest_births(closing)
    day = date(1960, 1, 1)
    while day < closing:
        found = next(code for code, latest in bands if latest is None or day <= latest)
        assert found == band(day, closing), day
        day = date.fromordinal(day.toordinal() + 37)


def test_anonymising_keeps_the_band_the_report_counted_and_nothing_finer(candidate, roles):
    from tracker import clock
    from tracker.extensions import db
    from tracker.privacy.services import anonymise_application
    from tracker.reports import equality_queries

    closing = roles[0].campaign.closes_on
    born = [closing.replace(year=closing.year - age) for age in (17, 20, 30, 52)]
    applications = [candidate(date_of_birth=day) for day in born] + [candidate(date_of_birth=None)]
    db.session.flush()

    def bands():
        return sorted(
            str(p.answers["age_band"]) for p in equality_queries.inputs(roles[0].campaign).people
        )

    before = bands()
    assert before == sorted(["under-19", "19-24", "25-34", "50-and-over", "None"])
    for application in applications:
        anonymise_application(application, now=clock.utcnow())
    db.session.flush()

    assert [a.date_of_birth for a in applications] == [None] * 5
    assert [a.age_band for a in applications] == [
        "under-19",
        "19-24",
        "25-34",
        "50-and-over",
        None,
    ]
    assert bands() == before

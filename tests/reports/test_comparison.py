"""Given two campaigns a year apart, when HR asks for the funnel of applications submitted
between two dates, then the page and its CSV count just those, side by side with the same days
of the previous campaign, with the change; and dates that are wrong get a clear error and
change nothing."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.factories import ApplicationFactory, CampaignFactory, RoleFactory
from tests.reports import pages
from tracker import clock
from tracker.applications.states import Status
from tracker.audit.models import AuditEvent
from tracker.extensions import db
from tracker.formatting import long_date

S = Status


def _at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def _apply(role, day: date, status: Status = S.SUBMITTED, hour: int = 12):
    values = {"withdrawn_at": _at(day), "withdrawal_reason": "personal"}
    return ApplicationFactory(
        role=role,
        submitted=True,
        stage=status,
        submitted_at=_at(day, hour),
        **(values if status is S.WITHDRAWN else {}),
    )


@pytest.fixture
def two_campaigns():
    """Last year's campaign opened on 2 March 2025, this year's on 2 March 2026: so 10 to 20
    March 2026 is 10 to 20 March 2025 (365 days earlier), the same days after opening."""
    before = CampaignFactory(
        slug="intake-2025",
        name="Intake 2025",
        opens_on=date(2025, 3, 2),
        closes_on=date(2025, 4, 30),
    )
    now = CampaignFactory(
        slug="intake-2026",
        name="Intake 2026",
        opens_on=date(2026, 3, 2),
        closes_on=date(2026, 4, 30),
    )
    old_role, new_role = RoleFactory(campaign=before), RoleFactory(campaign=now)
    # This year, inside 10-20 March: 4 applications (1 reached interview, 1 hired).
    _apply(new_role, date(2026, 3, 10), S.INTERVIEW)
    _apply(new_role, date(2026, 3, 15), S.HIRED)
    _apply(new_role, date(2026, 3, 20), S.SIFT)
    # 23:30 UK time on 20 March (summer time has not begun): still 20 March.
    _apply(new_role, date(2026, 3, 20), S.WITHDRAWN, hour=23)
    # Outside the dates: not counted.
    _apply(new_role, date(2026, 3, 9), S.HIRED)
    _apply(new_role, date(2026, 3, 21), S.SIFT)
    # Last year, inside 10-20 March 2025: 5 applications (2 reached interview, none hired).
    _apply(old_role, date(2025, 3, 10), S.INTERVIEW)
    _apply(old_role, date(2025, 3, 11), S.UNSUCCESSFUL)
    _apply(old_role, date(2025, 3, 12), S.OFFER)
    _apply(old_role, date(2025, 3, 19), S.SUBMITTED)
    _apply(old_role, date(2025, 3, 20), S.SUBMITTED)
    # Outside them.
    _apply(old_role, date(2025, 3, 9), S.HIRED)
    _apply(old_role, date(2025, 4, 1), S.HIRED)
    return before, now


RANGE = (
    "submitted_from=10&submitted_from=3&submitted_from=2026"
    "&submitted_to=20&submitted_to=3&submitted_to=2026"
)


def test_the_funnel_for_some_dates_beside_the_same_days_of_the_previous_campaign(
    client, sign_in, hr, two_campaigns
):
    sign_in(hr)

    html = client.get(f"/staff/reports/comparison?campaign=intake-2026&{RANGE}").get_data(
        as_text=True
    )

    table = pages.table(html, "Applications reaching each stage: Intake 2026")
    assert table.caption == (
        "Applications reaching each stage: Intake 2026, submitted from 10 March 2026 to "
        "20 March 2026, against Intake 2025, submitted from 10 March 2025 to 20 March 2025"
    )
    assert table.head == [
        "Stage",
        "Intake 2026: applications",
        "Intake 2026: % of applied",
        "Intake 2025: applications",
        "Intake 2025: % of applied",
        "Change in applications",
        "Change in % of applied (percentage points)",
    ]
    assert table.row("Applied")[1:] == ["4", "100%", "5", "100%", "-1", "0"]
    assert table.row("Sift")[1:] == ["3", "75%", "2", "40%", "+1", "+35"]
    assert table.row("Interview")[1:] == ["2", "50%", "2", "40%", "0", "+10"]
    assert table.row("Offer")[1:] == ["1", "25%", "1", "20%", "0", "+5"]
    assert table.row("Hired")[1:] == ["1", "25%", "0", "0%", "+1", "+25"]
    # The chart beside it draws both series, and says so in words.
    [chart] = pages.charts(html)
    assert chart.title == "Share of applications reaching each stage"
    assert "Sift: Intake 2026, submitted from 10 March 2026 to 20 March 2026 75% (3), " in (
        chart.desc
    )
    assert "Intake 2025, submitted from 10 March 2025 to 20 March 2025 40% (2)" in chart.desc
    # The dates stay in the form, and in the link to the CSV file.
    assert 'name="submitted_from" type="text" value="10"' in html

    response = client.get(f"/staff/reports/comparison.csv?campaign=intake-2026&{RANGE}")
    rows = pages.read_csv(response)
    assert rows[0] == table.head
    assert rows[1:] == [
        [row[0], *(cell.replace("%", "").replace("+", "") for cell in row[1:])]
        for row in table.body
    ]
    audited = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "reports.downloaded")
    ).one()
    assert audited.details == {
        "report": "funnel-comparison",
        "table": "comparison",
        "submitted_from": "2026-03-10",
        "submitted_to": "2026-03-20",
    }


def test_without_dates_each_side_is_its_whole_campaign(client, sign_in, hr, two_campaigns):
    sign_in(hr)

    html = client.get("/staff/reports/comparison?campaign=intake-2026").get_data(as_text=True)

    table = pages.table(html, "Applications reaching each stage")
    assert "Intake 2026, all applications, against Intake 2025, all applications" in table.caption
    assert table.row("Applied")[1:] == ["6", "100%", "7", "100%", "-1", "0"]
    assert table.row("Hired")[1:6:2] == ["2", "2", "0"]


def test_the_first_campaign_has_nothing_to_compare_with(client, sign_in, hr, two_campaigns):
    sign_in(hr)

    html = client.get("/staff/reports/comparison?campaign=intake-2025").get_data(as_text=True)

    assert "There is no earlier campaign to compare Intake 2025 with" in html
    table = pages.table(html, "Applications reaching each stage")
    assert table.head == ["Stage", "Intake 2025: applications", "Intake 2025: % of applied"]
    assert table.row("Hired")[1:] == ["2", "28.6%"]
    assert len(pages.charts(html)) == 1


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        (
            "submitted_from=31&submitted_from=2&submitted_from=2026",
            "submitted_from",
            "The from date must be a real date",
        ),
        (
            "submitted_from=10&submitted_from=&submitted_from=2026",
            "submitted_from",
            "The from date must include a month",
        ),
        (
            "submitted_to=1&submitted_to=3&submitted_to=26",
            "submitted_to",
            "Year must include 4 numbers",
        ),
        (
            RANGE.replace("submitted_from=10", "submitted_from=21"),
            "submitted_to",
            "The to date must be the same as or after the from date",
        ),
    ],
)
def test_bad_dates_get_a_clear_error_and_change_nothing(
    client, sign_in, hr, two_campaigns, query, field, message
):
    sign_in(hr)

    page = client.get(f"/staff/reports/comparison?campaign=intake-2026&{query}")
    download = client.get(f"/staff/reports/comparison.csv?campaign=intake-2026&{query}")

    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<title>Error: " in html
    assert f'href="#{field}-day">{message}</a>' in html  # the error summary leads to the day
    # And the message is beside the field.
    assert re.search(rf'id="{field}-error"[^>]*>\s*<span[^>]*>Error:</span>\s*{message}', html)
    assert pages.tables(html) == [] and pages.charts(html) == []
    assert download.status_code == 400
    assert download.mimetype == "text/html"
    assert message in download.get_data(as_text=True)
    downloads = select(AuditEvent.id).where(AuditEvent.action == "reports.downloaded")
    assert db.session.scalars(downloads).all() == []


def test_a_running_campaign_is_set_beside_the_same_days_of_the_previous_one(client, sign_in, hr):
    """Without a "to" date, a campaign still open is counted to today, and the previous one to
    the same number of days after it opened: not its whole run against part of this one."""
    today = clock.today()
    opened = today - timedelta(days=20)
    running = CampaignFactory(
        slug="running", name="Intake now", opens_on=opened, closes_on=today + timedelta(days=40)
    )
    before = CampaignFactory(
        slug="before",
        name="Intake before",
        opens_on=opened - timedelta(days=365),
        closes_on=opened - timedelta(days=300),
    )
    new_role, old_role = RoleFactory(campaign=running), RoleFactory(campaign=before)
    for days in (2, 10):
        _apply(new_role, opened + timedelta(days=days))
        _apply(old_role, before.opens_on + timedelta(days=days))
    _apply(old_role, before.opens_on + timedelta(days=30), S.HIRED)  # later in its run
    shifted = today - timedelta(days=365)
    sign_in(hr)

    html = client.get("/staff/reports/comparison?campaign=running").get_data(as_text=True)

    table = pages.table(html, "Applications reaching each stage")
    assert table.row("Applied")[1:] == ["2", "100%", "2", "100%", "0", "0"]
    assert table.row("Hired")[1:6:2] == ["0", "0", "0"]
    said = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert (
        f"Intake now is still open, so its figures run to today, {long_date(today)}, and "
        f"Intake before's to the same number of days after it opened, {long_date(shifted)}."
    ) in said.replace("&#39;", "'")
    # Given a "to" date, that is what counts, and nothing is said about today.
    to = opened + timedelta(days=5)
    dated = client.get(
        "/staff/reports/comparison?campaign=running"
        f"&submitted_to={to.day}&submitted_to={to.month}&submitted_to={to.year}"
    ).get_data(as_text=True)
    assert pages.table(dated, "Applications reaching each stage").row("Applied")[1:4:2] == [
        "1",
        "1",
    ]
    assert 'id="to-today"' not in dated


def test_the_date_fields_are_gov_uk_date_inputs_that_say_what_they_are(
    client, sign_in, hr, two_campaigns
):
    sign_in(hr)

    html = client.get("/staff/reports/comparison?campaign=intake-2026").get_data(as_text=True)

    for name, legend in (
        ("submitted_from", "Submitted from (optional)"),
        ("submitted_to", "Submitted to (optional)"),
    ):
        fieldset = re.search(
            rf'<fieldset[^>]*aria-describedby="{name}-hint"[^>]*>(.*?)</fieldset>', html, re.S
        )
        assert fieldset, name
        inside = " ".join(fieldset.group(1).split())
        assert re.search(rf"<legend[^>]*>\s*{re.escape(legend)}\s*</legend>", inside)
        assert f'<div id="{name}-hint" class="govuk-hint">' in inside
        for part in ("day", "month", "year"):
            assert f'id="{name}-{part}"' in inside

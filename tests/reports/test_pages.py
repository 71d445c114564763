"""The funnel and sources pages as HR uses them: each chart an image with a title beside the
table it draws, the campaign and grouping choices, CSV files that spreadsheets cannot turn into
formulas, and nothing read that a report must not read."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event, select
from sqlalchemy.engine import Engine

from tests.factories import ApplicationFactory, CampaignFactory, EqualityAnswersFactory, RoleFactory
from tests.reports import pages
from tracker.applications.models import TimelineEntry
from tracker.applications.personal_data import PERSONAL_COLUMNS
from tracker.applications.states import Status
from tracker.audit.models import AuditEvent
from tracker.clock import utcnow
from tracker.extensions import db
from tracker.privacy.services import anonymise_application

S = Status
NA = "\N{EN DASH}"  # not applicable
FINDINGS = [
    {"code": "residency", "severity": "check", "message": "Lived abroad until 2024"},
    {"code": "maths_below_level_2", "severity": "note", "message": "You are 17"},
]


@contextmanager
def statements():
    """Every SQL statement run inside the block."""
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(Engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", record)


@pytest.fixture
def filled(candidate, roles):
    """Candidates at several stages across the roles, with equality answers and personal
    details a report must never show."""
    made = [
        candidate(S.SUBMITTED, eligibility_findings=FINDINGS, needs_hr_check=True),
        candidate(S.SIFT, heard_about="social_media"),
        candidate(S.INTERVIEW, role=roles[1]),
        candidate(S.HIRED, role=roles[1]),
        candidate(S.WITHDRAWN, role=roles[2]),
        candidate(S.UNSUCCESSFUL, role=roles[2], full_name="Zebedee Quintrell"),
    ]
    for application in made:
        EqualityAnswersFactory(application_id=application.id, sexual_orientation="bisexual")
    return made


def _get(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


# The column of the table beside each chart that the chart draws, where it is not the first
# figure: the share reaching interview, and the number of applications with each finding.
VALUE_COLUMNS = {"chart-conversion-title": 5, "chart-eligibility-title": 2}


@pytest.mark.parametrize(
    ("path", "count"), [("/staff/reports/funnel", 2), ("/staff/reports/sources", 3)]
)
def test_each_chart_is_a_titled_image_beside_the_table_it_draws(
    client, sign_in, hr, filled, path, count
):
    sign_in(hr)
    html = _get(client, path)

    found = pages.charts(html)
    assert len(found) == count
    for chart in found:
        assert chart.element.get("role") == "img"
        assert chart.element.get("aria-labelledby") == chart.element.find(f"{pages.SVG}title").get(
            "id"
        )
        assert chart.title
        beside = pages.tables(chart.html_after)[0]
        assert beside.caption == chart.title or beside.caption.startswith(chart.title[:12])
        bars = [row for row in beside.body if row[0] not in ("All applications", "All applicants")]
        described = chart.desc.split(". ", 1)[1].rstrip(".").split("; ")
        # Each bar, in order, with the value its table's second column gives.
        value_column = VALUE_COLUMNS.get(chart.element.get("aria-labelledby"), 1)
        # A share of nobody is not applicable in the table, and the chart says why.
        shown = [row[value_column].replace(NA, "no applicants") for row in bars]
        assert described == [f"{row[0]}: {value}" for row, value in zip(bars, shown, strict=True)]
    assert 'style="' not in html.split("<main", 1)[1].split("</main>", 1)[0]


def test_the_funnel_counts_this_campaigns_applications_by_stage(client, sign_in, hr, filled, roles):
    ApplicationFactory(role=roles[0], complete=True)  # a draft
    ApplicationFactory(submitted=True, status=S.HIRED)  # another campaign, no history (as above)
    sign_in(hr)

    html = _get(client, "/staff/reports/funnel")

    stages = pages.table(html, "Applications reaching each stage")
    assert stages.column("Applications") == {
        "Applied": "6",
        "Sift": "3",  # sift, and the interview and hire that passed through it
        "Assessment": "0",
        "Interview": "2",
        "Offer": "1",
        "Pre-employment checks": "1",
        "Hired": "1",
    }
    assert stages.row("Sift")[2] == "50%"
    progress = pages.table(html, "Moving on and leaving at each stage: All applications")
    assert progress.row("Applied")[1:9] == ["6", "1", "3", "50%", "1", "1", NA, NA]
    assert progress.row("Hired")[4] == NA  # nobody can move on from hired: not applicable
    by_role = pages.table(html, "Stages reached and ways out, by role")
    assert [row[0] for row in by_role.body] == [r.title for r in roles] + ["All applications"]
    assert by_role.row("IT service desk apprentice")[1:] == ["2"] + ["0"] * 6 + ["1", "1", "0"]


@pytest.mark.parametrize(
    ("group", "labels"),
    [
        ("track", ["Data analysis", "ICT support"]),
        ("level", ["Level 3", "Level 4"]),
        ("nonsense", None),
    ],
)
def test_hr_groups_the_funnel_by_track_or_level(client, sign_in, hr, filled, roles, group, labels):
    sign_in(hr)

    html = _get(client, f"/staff/reports/funnel?group={group}")

    if labels is None:  # anything else: by role, as at first
        labels = [r.title for r in roles]
        group = "role"
    table = pages.table(html, f"Stages reached and ways out, by {group}")
    assert [row[0] for row in table.body] == [*labels, "All applications"]
    assert f'id="group-{group}" name="group" type="radio" value="{group}" checked' in html


def test_hr_chooses_another_campaign(client, sign_in, hr, filled):
    older = CampaignFactory(name="Last year's intake", closed=True)
    RoleFactory(campaign=older, title="An older role")
    ApplicationFactory(role=older.roles[0], submitted=True)
    sign_in(hr)

    html = _get(client, f"/staff/reports/funnel?campaign={older.slug}")

    assert "Last year&#39;s intake" in html
    assert pages.table(html, "Applications reaching each stage").row("Applied")[1] == "1"
    assert client.get("/staff/reports/funnel?campaign=no-such-campaign").status_code == 404
    assert client.get("/staff/reports/funnel.csv?table=nothing").status_code == 404


def test_with_no_campaign_the_pages_say_so(client, sign_in, hr):
    sign_in(hr)
    for path in ("/staff/reports/funnel", "/staff/reports/sources", "/staff/reports/equality"):
        assert "There are no campaigns yet" in _get(client, path)
    assert client.get("/staff/reports/funnel.csv").status_code == 404


def test_median_days_in_each_stage_come_from_the_timeline(client, sign_in, hr, candidate):
    application = candidate(S.SIFT, submitted_at=utcnow() - timedelta(days=10))
    db.session.add(
        TimelineEntry(
            application_id=application.id,
            occurred_at=application.submitted_at + timedelta(days=3, hours=12),
            event="start_sift",
            from_status=S.SUBMITTED,
            to_status=S.SIFT,
            actor_label="hr@example.gov.uk",
        )
    )
    db.session.flush()
    sign_in(hr)

    progress = pages.table(_get(client, "/staff/reports/funnel"), "Moving on and leaving")

    assert progress.column("Median days at this stage")["Applied"] == "3.5"
    assert progress.column("Applications timed")["Applied"] == "1"


def test_a_csv_file_is_the_table_and_cannot_become_a_formula(client, sign_in, hr, campaign, tracks):
    role = RoleFactory(campaign=campaign, track=tracks[0], title='=HYPERLINK("http://x","y")')
    ApplicationFactory(role=role, submitted=True)
    sign_in(hr)

    response = client.get("/staff/reports/funnel.csv?table=by-group&group=role")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="funnel-by-role-intake-2026-by-group.csv"'
    )
    rows = pages.read_csv(response)
    assert rows[0][:3] == ["Role", "Applied", "Sift"]
    assert rows[1][0] == '\'=HYPERLINK("http://x","y")'
    assert rows[-1][:2] == ["All applications", "1"]
    downloaded = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "reports.downloaded")
    ).one()
    assert (downloaded.actor_id, downloaded.details) == (
        hr.id,
        {"report": "funnel-by-role", "table": "by-group"},
    )


@pytest.mark.parametrize(
    "path",
    [
        "/staff/reports/funnel",
        "/staff/reports/funnel?group=track",
        "/staff/reports/funnel.csv?table=detail",
        "/staff/reports/sources",
        "/staff/reports/sources.csv?table=eligibility",
        "/staff/reports/sources.csv?table=conversion",
        "/staff/reports/comparison",
        "/staff/reports/comparison.csv",
        "/staff/reports/reasons",
        "/staff/reports/reasons.csv?table=withdrawals",
        "/staff/reports/time-to-hire",
        "/staff/reports/time-to-hire.csv?table=offers",
    ],
)
def test_no_equality_data_or_personal_details_reach_the_funnel_or_sources(
    client, sign_in, hr, filled, path
):
    sign_in(hr)
    with statements() as run:
        html = _get(client, path)

    sql = "\n".join(run).lower()
    assert "equality_monitoring" not in sql
    assert "applicant.email" not in sql and "from applicant" not in sql
    for column in (*PERSONAL_COLUMNS["application"], "lives_in_area"):
        assert f"application.{column}" not in sql, column
    for shown in ("Bisexual", "Sexual orientation", "Prefer not to say", "[c]", "Zebedee", "2024"):
        assert shown not in html


def test_the_reports_add_up_the_same_after_anonymisation(client, sign_in, hr, filled):
    sign_in(hr)
    files = [
        "/staff/reports/funnel.csv?table=detail",
        "/staff/reports/sources.csv?table=heard-about",
        "/staff/reports/sources.csv?table=eligibility",
        "/staff/reports/equality.csv",
        "/staff/reports/sources.csv?table=conversion",
        "/staff/reports/comparison.csv",
        "/staff/reports/reasons.csv?table=unsuccessful-by-stage",
        "/staff/reports/reasons.csv?table=withdrawals-by-stage",
        "/staff/reports/time-to-hire.csv?table=time-to-hire",
        "/staff/reports/time-to-hire.csv?table=offers",
    ]
    before = [client.get(path).get_data(as_text=True) for path in files]

    # What retention does to each application (tracker.privacy), and the applicant's address.
    for application in filled:
        anonymise_application(application, now=utcnow())
        application.applicant.email = f"anonymised-{application.applicant.id}@anonymised.invalid"
    db.session.flush()

    assert [client.get(path).get_data(as_text=True) for path in files] == before

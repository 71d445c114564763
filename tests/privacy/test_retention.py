"""Retention on a generated campaign past its date: no personal data of the applicants it did
not hire remains in any table or in the file store; what reports count is unchanged; a
second run changes nothing; a dry run lists what would go and changes nothing."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from tests.factories import CampaignFactory, RoleFactory, UserFactory
from tests.privacy.conftest import BOTH_DATABASES, search_everywhere
from tracker import clock
from tracker.accounts.models import StaffRole
from tracker.applications.models import Application, EqualityAnswers, TimelineEntry
from tracker.applications.states import Status
from tracker.extensions import db
from tracker.privacy import services as privacy
from tracker.privacy.services import add_months


@pytest.fixture
def expired_role():
    """A role in a campaign that closed 7 months ago and keeps data for 6."""
    closed = clock.today() - timedelta(days=213)
    campaign = CampaignFactory(
        opens_on=closed - timedelta(days=42),
        closes_on=closed,
        expected_start_on=closed + timedelta(days=30),
        retention_months=6,
    )
    return RoleFactory(campaign=campaign, criteria=["You enjoy solving problems"])


@pytest.fixture
def current_role():
    return RoleFactory(criteria=["You enjoy solving problems"])


def _report_snapshot():
    """What the reports count: stages, moves, sources, flags and equality answers."""
    return (
        Counter(db.session.scalars(select(Application.status))),
        Counter(
            db.session.execute(select(TimelineEntry.from_status, TimelineEntry.to_status)).all()
        ),
        Counter(db.session.scalars(select(Application.heard_about))),
        Counter(db.session.scalars(select(Application.needs_hr_check))),
        Counter(db.session.scalars(select(EqualityAnswers.sex))),
        db.session.scalar(select(func.count(Application.id))),
    )


def _reports(campaign):
    """The HR reports for a campaign, as the pages and CSV files show them."""
    from tracker.reports import equality_queries, funnel_tables, queries, sources

    return (
        [
            repr(funnel_tables.tables(queries.funnel_report(campaign, g)))
            for g in ("role", "track", "level")
        ],
        repr(sources.heard_about_table(queries.heard_about(campaign.id))),
        repr(queries.eligibility_flags(campaign.id)),
        repr(equality_queries.report(campaign, with_breakdowns=True)),
    )


def _whole_database():
    """Every row of every table, to show a second run changes nothing."""
    tables = db.session.scalars(
        text(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
            "AND table_type = 'BASE TABLE' ORDER BY table_name"
        )
    ).all()
    return {
        t: sorted(map(repr, db.session.execute(text(f'SELECT * FROM "{t}"')).all())) for t in tables
    }


@pytest.mark.slow  # searches the whole database
@BOTH_DATABASES
def test_retention_leaves_no_trace_of_those_not_hired(
    seed_person, expired_role, current_role, upload_folder
):
    gone = [
        seed_person(f"U{n}", role=expired_role, status=status)
        for n, status in enumerate(
            [Status.UNSUCCESSFUL, Status.WITHDRAWN, Status.OFFER_DECLINED, Status.UNSUCCESSFUL]
        )
    ]
    hired = seed_person("Hired", role=expired_role, status=Status.HIRED)
    current = seed_person("Now", role=current_role, status=Status.UNSUCCESSFUL)
    before = _report_snapshot()
    reports_before = _reports(expired_role.campaign)

    result = privacy.run_retention(today=clock.today(), dry_run=False, actor_label="test")
    db.session.commit()

    assert sorted(d.application_id for d in result.applications) == sorted(
        p.application_id for p in gone
    )
    assert result.applicants == len(gone)
    hits = search_everywhere([n for p in gone for n in p.needles], upload_folder)
    assert hits == []
    # The search can find what is kept: the hired apprentice and this campaign's candidate.
    assert search_everywhere([hired.name, hired.email], upload_folder)
    assert search_everywhere([current.name, current.marks[2]], upload_folder)
    assert _report_snapshot() == before
    assert _reports(expired_role.campaign) == reports_before


@pytest.mark.slow  # searches the whole database
def test_a_second_run_changes_nothing(seed_person, expired_role):
    seed_person("Again", role=expired_role, status=Status.UNSUCCESSFUL)
    privacy.run_retention(today=clock.today(), dry_run=False, actor_label="test")
    db.session.flush()
    after_first = _whole_database()

    second = privacy.run_retention(today=clock.today(), dry_run=False, actor_label="test")
    db.session.flush()

    assert second.applications == [] and second.applicants == 0
    assert _whole_database() == after_first


def test_a_dry_run_lists_what_would_go_and_changes_nothing(seed_person, expired_role):
    person = seed_person("Dry", role=expired_role, status=Status.WITHDRAWN)
    db.session.flush()
    before = _whole_database()

    result = privacy.run_retention(today=clock.today(), dry_run=True, actor_label="test")
    db.session.flush()

    assert [d.application_id for d in result.applications] == [person.application_id]
    assert result.applicants == 1 and result.dry_run
    assert _whole_database() == before


def test_nothing_goes_before_the_retention_period_ends(seed_person, current_role):
    seed_person("Early", role=current_role, status=Status.UNSUCCESSFUL)

    assert privacy.due_for_retention(clock.today()) == []


def test_an_applicant_with_a_kept_application_keeps_their_address(
    seed_person, expired_role, current_role
):
    """Their expired application is anonymised; their current one, and their email, stay."""
    from tests.factories import ApplicationFactory
    from tracker.applicants.models import Applicant

    person = seed_person("Both", role=expired_role, status=Status.UNSUCCESSFUL)
    applicant = db.session.get(Applicant, person.applicant_id)
    kept = ApplicationFactory(applicant=applicant, role=current_role, submitted=True)

    privacy.run_retention(today=clock.today(), dry_run=False, actor_label="test")
    db.session.flush()

    assert applicant.email == person.email and applicant.anonymised_at is None
    assert db.session.get(Application, person.application_id).full_name is None
    assert db.session.get(Application, kept.id).full_name is not None


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        ("2026-01-31", 1, "2026-02-28"),
        ("2024-01-31", 1, "2024-02-29"),
        ("2026-08-31", 6, "2027-02-28"),
        ("2026-03-15", 6, "2026-09-15"),
        ("2026-12-01", 12, "2027-12-01"),
    ],
)
def test_months_are_added_as_a_calendar_would(start, months, end):
    from datetime import date

    assert add_months(date.fromisoformat(start), months) == date.fromisoformat(end)


def test_hr_sees_what_is_due_and_can_run_it(client, sign_in, seed_person, expired_role):
    person = seed_person("Page", role=expired_role, status=Status.UNSUCCESSFUL)
    hr = UserFactory(roles=[StaffRole.ADMIN])
    db.session.commit()
    sign_in(hr)

    page = client.get("/staff/retention").get_data(as_text=True)
    assert "1 application is past retention" in page
    from tests.helpers import csrf_token

    response = client.post(
        "/staff/retention", data={"csrf_token": csrf_token(client, "/staff/retention")}
    )

    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Application, person.application_id).anonymised_at is not None
    assert "Nothing is past its retention period" in client.get("/staff/retention").get_data(
        as_text=True
    )


def test_the_command_line_dry_run_lists_and_changes_nothing(app, seed_person, expired_role):
    person = seed_person("Cli", role=expired_role, status=Status.UNSUCCESSFUL)
    db.session.flush()

    result = app.test_cli_runner().invoke(args=["retention", "run", "--dry-run"])

    assert result.exit_code == 0, result.output
    assert "Would anonymise" in result.output and "1 application(s)" in result.output
    assert db.session.get(Application, person.application_id).anonymised_at is None

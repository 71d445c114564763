"""A campaign walked through the real pipeline (scorecards, moves with reasons, bookings,
partner feedback, offers and their conditions, withdrawals), exported with every column as
CSV and XLSX, and each decision cell compared with the same fact worked out here with plain
SQL from the tables."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.exports.conftest import download, export_events, read_csv
from tests.exports.expected_cells import as_csv, as_xlsx, expected_cells
from tests.exports.walked_campaign import CRITERIA, EVERY, build_campaign
from tracker.exports.columns import COLUMNS
from tracker.extensions import db


@pytest.fixture
def campaign(hr):
    return build_campaign(hr)


DECISIONS = [
    "score_average",
    "reviewers",
    *CRITERIA,
    "recommendation",
    "partner_feedback",
    "assessment_at",
    "interview_at",
    "source",
    "days_in_stage",
    "rejection_reasons",
    "withdrawal_reason",
    "offer_date",
    "offer_status",
    "conditions_outstanding",
]


@pytest.mark.slow  # a whole campaign
def test_the_campaign_is_varied_enough_to_prove_something(campaign):
    expected = expected_cells()
    assert len(expected) == 24
    for key in DECISIONS:
        assert any(row[key] not in (None, 0) for row in expected.values()), key
    statuses = {row["offer_status"] for row in expected.values()}
    assert {"Made", "Accepted", "Declined", "Conditions outstanding"} <= statuses


@pytest.mark.slow  # a whole campaign
def test_every_decision_cell_in_csv_matches_the_tables(client, sign_in, hr, campaign):
    sign_in(hr)

    response = download(client, campaign_id=campaign.id, columns=EVERY, format="csv")

    rows = read_csv(response)
    headers = rows[0]
    index = {key: headers.index(header) for key, header in _headers(headers).items()}
    expected = expected_cells()
    got = {line[headers.index("Reference")]: line for line in rows[1:]}
    assert set(got) == set(expected)  # the whole campaign, nothing from the other one
    for reference, values in expected.items():
        for key in DECISIONS:
            cell = got[reference][index[key]]
            want = as_csv(values[key])
            if key == "partner_feedback" and want.startswith("="):
                want = "'" + want  # a partner's name a spreadsheet would run is made text
            assert cell == want, (reference, key)
    assert "=HYPERLINK" not in response.get_data(as_text=True)  # withdrawal details stay out
    assert export_events()[0].object_type == "campaign"


@pytest.mark.slow  # a whole campaign
def test_every_decision_cell_in_xlsx_matches_the_tables(client, sign_in, hr, campaign):
    from io import BytesIO

    from openpyxl import load_workbook

    sign_in(hr)

    response = download(client, campaign_id=campaign.id, columns=EVERY, format="xlsx")

    workbook = load_workbook(BytesIO(response.get_data()))
    assert workbook.sheetnames == ["Shortlist", "Criteria"]
    lines = [[c.value for c in line] for line in workbook["Shortlist"].iter_rows()]
    headers = lines[0]
    index = {key: headers.index(header) for key, header in _headers(headers).items()}
    expected = expected_cells()
    got = {line[headers.index("Reference")]: line for line in lines[1:]}
    assert set(got) == set(expected)
    for reference, values in expected.items():
        for key in DECISIONS:
            assert got[reference][index[key]] == as_xlsx(values[key]), (reference, key)
    # Times are real date-time cells, shown as UK dates and times.
    column = index["interview_at"] + 1
    interviews = [
        line[column - 1]
        for line in workbook["Shortlist"].iter_rows(min_row=2)
        if line[column - 1].value is not None
    ]
    assert interviews
    interview = interviews[0]
    assert interview.value == datetime(2027, 7, 1, 13, 30)  # UK summer time, as booked
    assert interview.number_format == "dd/mm/yyyy hh:mm"
    # The partner organisation's name is a string cell, never a formula.
    partner = [c for line in workbook["Shortlist"].iter_rows() for c in line]
    assert all(c.data_type != "f" for c in partner)
    criteria = [[c.value for c in line] for line in workbook["Criteria"].iter_rows()]
    assert criteria[0] == ["Role", "Level", "Criterion", "Words"]
    assert ["Analyst", 3, "Desirable 1", "Excel"] in criteria
    assert len(criteria) == 1 + 3 + 3


@pytest.mark.slow  # a whole campaign
def test_one_roles_export_names_its_criteria_in_the_headers(client, sign_in, hr, campaign):
    role = next(r for r in campaign.roles if r.title == "Analyst")
    sign_in(hr)

    rows = read_csv(
        download(client, role_id=role.id, columns=["reference", *CRITERIA], format="csv")
    )

    assert rows[0] == [
        "Reference",
        "Essential 1 average: Curious",
        "Essential 2 average: Reliable",
        "Essential 3 average",
        "Desirable 1 average: Excel",
    ]


def _headers(headers: list[str]) -> dict[str, str]:
    """Column key -> its header in a campaign export (criteria by key, no words)."""
    from tracker.exports.columns import criterion_column

    found = {key: COLUMNS[key].header for key in DECISIONS if key in COLUMNS}
    found |= {key: criterion_column(key).header for key in CRITERIA}
    assert set(found.values()) <= set(headers)
    return found


@pytest.mark.slow  # a whole campaign
def test_the_extras_cost_a_few_queries_a_batch_never_one_a_row(app, hr, campaign):
    """Per batch of the cursor: one IN query for each kind of fact, however many rows."""
    from sqlalchemy import event

    from tracker.accounts.permissions import permissions_of
    from tracker.exports import files, queries
    from tracker.exports.columns import choose, needs

    shortlist = queries.Shortlist(campaign=campaign)
    roles = queries.roles(hr, shortlist, criteria=True)
    columns = choose(EVERY, permissions_of(hr))
    statements: list[str] = []

    def count(*args):
        statements.append(args[2])

    def export(batch: int) -> int:
        statements.clear()
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            rows = queries.candidates(hr, shortlist, roles, needs(columns), batch=batch)
            assert b"SPR-0023" in b"".join(files.csv_chunks(columns, rows))
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(statements)

    one_batch = export(24)
    four_batches = export(6)

    # The cursor's query and six look-ups of facts (scorecards, their scores, partners,
    # bookings, reasons only for a batch with an unsuccessful candidate, offers); three more
    # batches cost at most six queries each.
    assert one_batch <= 1 + 6 + 1  # the main query, the facts, and the roles' criteria
    assert one_batch < four_batches <= one_batch + 3 * 6

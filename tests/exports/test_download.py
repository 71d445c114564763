"""HR downloads a stage's shortlist: the chosen columns in the chosen order, the right rows,
in a file a spreadsheet opens; cells a spreadsheet would run are plain text; it is audited."""

from __future__ import annotations

import re
from datetime import date

import pytest

from tests.exports.conftest import (
    DOWNLOAD,
    download,
    export_events,
    read_csv,
    read_xlsx,
    xlsx_values,
)
from tests.factories import ApplicationFactory, RoleFactory
from tracker import clock
from tracker.applications.states import Status
from tracker.extensions import db

COLUMNS = ["reference", "full_name", "stage", "level", "submitted", "english"]
HEADERS = ["Reference", "Full name", "Stage", "Level", "Submitted on", "English level"]


@pytest.fixture
def sift(candidate):
    """Two candidates in the sift (made in reverse reference order) and two elsewhere."""
    later = candidate(reference="REF-0002", full_name="Bea Second")
    earlier = candidate(reference="REF-0001", full_name="Ada First", english_level="level_1")
    candidate(status=Status.INTERVIEW, reference="REF-0003", full_name="Cal Interview")
    ApplicationFactory(role=earlier.role, complete=True, full_name="Dee Draft")
    return earlier, later


def test_a_stage_downloads_as_csv_with_the_chosen_columns_in_order(client, sign_in, hr, role, sift):
    db.session.commit()
    sign_in(hr)

    response = client.get(
        DOWNLOAD,
        query_string={"role_id": role.id, "status": "sift", "columns": COLUMNS, "format": "csv"},
    )

    assert response.status_code == 200
    assert response.is_streamed  # sent as it is written, not built in memory first
    assert response.content_type == "text/csv; charset=utf-8"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename=shortlist-data-analyst-sift-{clock.today().isoformat()}.csv"
    )
    submitted = clock.today().isoformat()
    rows = read_csv(response)
    response.close()
    assert rows == [
        HEADERS,
        ["REF-0001", "Ada First", "In sift", "3", submitted, "Level 1"],
        ["REF-0002", "Bea Second", "In sift", "3", submitted, "Level 2 or above"],
    ]


def test_a_stage_downloads_as_xlsx_with_the_chosen_columns_in_order(
    client, sign_in, hr, role, sift
):
    db.session.commit()
    sign_in(hr)

    response = download(client, role_id=role.id, status="sift", columns=COLUMNS, format="xlsx")

    assert response.status_code == 200
    assert response.mimetype == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename=shortlist-data-analyst-sift-{clock.today().isoformat()}.xlsx"
    )
    sheet = read_xlsx(response)
    values = xlsx_values(sheet)
    assert values[0] == HEADERS
    assert [line[:4] for line in values[1:]] == [
        ["REF-0001", "Ada First", "In sift", 3],
        ["REF-0002", "Bea Second", "In sift", 3],
    ]
    assert {line[4].date() for line in values[1:]} == {clock.today()}
    assert [line[5] for line in values[1:]] == ["Level 1", "Level 2 or above"]
    assert all(cell.font.b for cell in sheet[1])


def test_columns_come_in_the_order_asked_for(client, sign_in, hr, role, sift):
    db.session.commit()
    sign_in(hr)
    asked = ["stage", "reference"]

    as_csv = read_csv(download(client, role_id=role.id, columns=asked, format="csv"))
    as_xlsx = xlsx_values(
        read_xlsx(download(client, role_id=role.id, columns=asked, format="xlsx"))
    )

    assert as_csv[0] == ["Stage", "Reference"] == as_xlsx[0]
    assert as_csv[1:] == [
        ["In sift", "REF-0001"],
        ["In sift", "REF-0002"],
        ["Interview", "REF-0003"],
    ]
    assert as_xlsx == as_csv


@pytest.mark.parametrize(
    "name",
    ['=HYPERLINK("http://example.com","x")', "+44 1234", "-2+3", "@SUM(A1:A2)", "\t=1", "\r=1"],
)
def test_cells_a_spreadsheet_would_run_are_plain_text_in_both_formats(
    client, sign_in, hr, role, candidate, name
):
    candidate(reference="REF-0001", full_name=name, phone="+447911123456")
    db.session.commit()
    sign_in(hr)
    params = {"role_id": role.id, "columns": ["full_name", "phone"]}

    rows = read_csv(download(client, format="csv", **params))
    sheet = read_xlsx(download(client, format="xlsx", **params))

    # CSV cells are all text that the spreadsheet interprets: the apostrophe keeps it text.
    assert rows[1] == ["'" + name, "'+447911123456"]
    # A workbook's string cell is never run, so it holds the text exactly as typed (lxml
    # writes a carriage return as &#13;, so it reads back as itself).
    cell, phone = sheet["A2"], sheet["B2"]
    assert (cell.value, cell.data_type) == (name, "s")
    assert (phone.value, phone.data_type) == ("+447911123456", "s")


def test_an_international_phone_number_shows_no_apostrophe_in_the_workbook(
    client, sign_in, hr, role, candidate
):
    candidate(reference="REF-0001", full_name="Amélie Durand", phone="+33 1 42 68 53 00")
    db.session.commit()
    sign_in(hr)
    params = {"role_id": role.id, "columns": ["full_name", "phone"]}

    values = xlsx_values(read_xlsx(download(client, format="xlsx", **params)))

    assert values[1] == ["Amélie Durand", "+33 1 42 68 53 00"]


def test_a_formula_is_stored_as_text_in_the_workbook_itself(client, sign_in, hr, role, candidate):
    """Read the sheet's XML: the cell is an inline string, and there is no formula element."""
    import io
    import zipfile

    candidate(reference="REF-0001", full_name='=HYPERLINK("x")')
    db.session.commit()
    sign_in(hr)

    response = download(client, role_id=role.id, columns=["full_name"], format="xlsx")

    with zipfile.ZipFile(io.BytesIO(response.get_data())) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml
    assert 't="inlineStr"' in xml
    # The text exactly as typed (spaces kept: xml:space="preserve" says so to the reader).
    text = r'<t(?: xml:space="preserve")?>=HYPERLINK\((?:&quot;|")x(?:&quot;|")\)</t>'
    assert re.search(text, xml)


def test_a_track_export_is_ordered_by_role_then_reference(client, sign_in, hr, role, track):
    second_role = RoleFactory(track=track, title="Software developer apprentice", slug="dev")
    second_role.position, role.position = 2, 1
    for reference, where in [("REF-0004", second_role), ("REF-0002", role), ("REF-0001", role)]:
        ApplicationFactory(role=where, submitted=True, reference=reference)
    ApplicationFactory(submitted=True, reference="REF-0003")  # another track
    db.session.commit()
    sign_in(hr)

    rows = read_csv(
        download(client, track_id=track.id, columns=["role", "reference"], format="csv")
    )

    assert rows[1:] == [
        ["Data analyst apprentice", "REF-0001"],
        ["Data analyst apprentice", "REF-0002"],
        ["Software developer apprentice", "REF-0004"],
    ]
    assert read_csv(
        download(client, track_id=track.id, status="sift", columns=["reference"], format="csv")
    ) == [["Reference"]]


def test_each_export_is_audited_with_who_what_and_how_many(client, sign_in, hr, role, sift):
    db.session.commit()
    sign_in(hr)

    download(client, role_id=role.id, status="sift", columns=COLUMNS, format="csv").get_data()
    download(client, role_id=role.id, columns=["reference"], format="xlsx").get_data()

    first, second = export_events()
    assert (first.actor_id, first.actor_label) == (hr.id, hr.email)
    assert (first.object_type, first.object_id) == ("role", str(role.id))
    assert first.details == {
        "filters": {
            "role_id": role.id,
            "track_id": None,
            "campaign_id": None,
            "statuses": ["sift"],
            "submitted_from": None,
            "submitted_to": None,
        },
        "columns": COLUMNS,
        "format": "csv",
        "rows": 2,
        # HR's export of names during the sift is on record as such.
        "identity_while_name_blind": True,
    }
    assert second.details["rows"] == 3
    assert second.details["format"] == "xlsx"
    assert second.details["filters"]["statuses"] == []
    assert "identity_while_name_blind" not in second.details


def test_every_column_hr_may_choose_exports(client, sign_in, hr, role, candidate):
    from tracker.exports.columns import COLUMNS as REGISTRY

    candidate(
        reference="REF-0001",
        needs_adjustments=True,
        adjustments="A quiet room, please",
        needs_hr_check=True,
        disability_confident=True,
        preference=2,
    )
    db.session.commit()
    sign_in(hr)
    every = list(REGISTRY)

    rows = read_csv(download(client, role_id=role.id, columns=every, format="csv"))
    sheet = xlsx_values(read_xlsx(download(client, role_id=role.id, columns=every, format="xlsx")))

    exported = dict(zip(rows[0], rows[1], strict=True))
    assert exported["Adjustments asked for"] == "A quiet room, please"
    assert exported["Eligibility to check"] == "Yes"
    assert exported["Disability Confident"] == "Yes"
    assert exported["Preference (1 is first choice)"] == "2"
    assert exported["Postcode"] == "SW1A 1AA"
    assert exported["Preferred contact"] == "Email"
    assert exported["Email"].endswith("@example.com")
    assert sheet[0] == rows[0]
    assert isinstance(sheet[1][rows[0].index("Submitted on")].date(), date)


def test_the_download_url_with_no_candidates_gives_just_the_headers(client, sign_in, hr, role):
    db.session.commit()
    sign_in(hr)

    response = download(client, role_id=role.id, columns="reference", format="csv")

    assert read_csv(response) == [["Reference"]]
    assert export_events()[0].details["rows"] == 0


@pytest.mark.parametrize("format_", ["csv", "xlsx"])
def test_a_download_dropped_unread_leaves_nothing_open(client, sign_in, hr, role, sift, format_):
    """A browser that gives up: the cursor and the temporary file are closed (an unclosed
    file would be a ResourceWarning, which fails the test)."""
    import gc

    db.session.commit()
    sign_in(hr)

    response = client.get(
        DOWNLOAD, query_string={"role_id": role.id, "columns": "reference", "format": format_}
    )
    status = response.status_code
    del response
    gc.collect()

    assert status == 200
    assert client.get("/staff/").status_code == 200


def test_the_number_of_queries_does_not_grow_with_the_rows(app, hr, role, track, candidate):
    """Roles, tracks and applicants come with the rows, never one query per candidate."""
    from sqlalchemy import event

    from tracker.exports import files, queries
    from tracker.exports.columns import COLUMNS as REGISTRY
    from tracker.exports.columns import needs

    second = RoleFactory(track=track, title="Software developer apprentice", slug="dev")
    shortlist = queries.Shortlist(track=track)
    statements: list[str] = []
    every = list(REGISTRY.values())

    def count(*args):
        statements.append(args[2])

    def export() -> int:
        statements.clear()
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            roles = queries.roles(hr, shortlist)
            rows = queries.candidates(hr, shortlist, roles, needs(every))
            chunks = list(files.csv_chunks(every, rows))
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        assert chunks
        return len(statements)

    candidate(), candidate(role=second)
    few = export()
    for _ in range(20):
        candidate(), candidate(role=second)

    assert export() == few


@pytest.mark.parametrize("format_", ["csv", "xlsx"])
def test_a_head_request_exports_nothing_and_audits_nothing(
    client, sign_in, hr, role, sift, format_
):
    db.session.commit()
    sign_in(hr)

    response = client.head(
        DOWNLOAD, query_string={"role_id": role.id, "columns": ["reference"], "format": format_}
    )

    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Content-Disposition"].endswith(f'.{format_}"') or response.headers[
        "Content-Disposition"
    ].endswith(f".{format_}")
    assert response.get_data() == b""
    assert export_events() == []


def test_an_application_out_of_the_running_has_no_preference_in_the_export(
    client, sign_in, hr, role, candidate
):
    candidate(reference="REF-0001", preference=1)
    candidate(
        status=Status.WITHDRAWN,
        reference="REF-0002",
        preference=3,
        withdrawn_at=clock.utcnow(),
        withdrawal_reason="other_job",
    )
    db.session.commit()
    sign_in(hr)
    params = {"role_id": role.id, "columns": ["reference", "preference"]}

    rows = read_csv(download(client, format="csv", **params))
    values = xlsx_values(read_xlsx(download(client, format="xlsx", **params)))

    assert rows[1:] == [["REF-0001", "1"], ["REF-0002", ""]]
    assert values[1:] == [["REF-0001", 1], ["REF-0002", None]]


@pytest.mark.parametrize("batch", [1, 1000])
def test_the_default_columns_cost_no_query_beyond_the_rows(app, hr, role, candidate, batch):
    """The default columns read only the application's row: no look-up of scores, partners,
    bookings, reasons or offers, in any batch."""
    from sqlalchemy import event

    from tracker.accounts.permissions import permissions_of
    from tracker.exports import files, queries
    from tracker.exports.columns import choose, defaults, needs

    columns = choose(defaults(permissions_of(hr)), permissions_of(hr))
    assert needs(columns) == frozenset()
    shortlist = queries.Shortlist(role=role)
    statements: list[str] = []

    def count(*args):
        statements.append(args[2])

    def export() -> int:
        statements.clear()
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            roles = queries.roles(hr, shortlist)
            rows = queries.candidates(hr, shortlist, roles, needs(columns), batch=batch)
            assert b"".join(files.csv_chunks(columns, rows))
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(statements)

    candidate()
    one = export()
    for _ in range(4):
        candidate()

    # The roles and their tracks, then the cursor's one query: five batches cost nothing more.
    assert export() == one <= 3
    assert not any("scorecard" in s or "booking" in s or "offer" in s for s in statements)

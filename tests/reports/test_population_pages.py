"""HR uploads the area's population figures, sees them beside the applicants' shares on the
equality report and in its CSV files, and removes them; a bad file changes nothing."""

from __future__ import annotations

import io
from html import unescape
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.factories import EqualityAnswersFactory, UserFactory
from tests.reports import pages
from tracker.accounts.models import StaffRole
from tracker.applications.states import Status
from tracker.audit.models import AuditEvent
from tracker.extensions import db
from tracker.reports import equality
from tracker.reports.population_models import PopulationFigures
from tracker.reports.suppression import MARKER

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "population-example.csv"
URL = "/staff/reports/equality/population"
EMPTY = dict.fromkeys(equality.EQUALITY_COLUMNS)


def _upload(client, form_token, data: bytes, filename: str = "population.csv"):
    return client.post(
        URL,
        data={"csrf_token": form_token(URL), "file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def _stored() -> list[PopulationFigures]:
    db.session.expire_all()
    return db.session.scalars(select(PopulationFigures)).all()


def _events(action: str) -> list[AuditEvent]:
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


@pytest.fixture
def applicants(candidate):
    """12 women and 8 men who applied, and 3 who did not say: hidden, with what gives it away."""
    for n in range(23):
        application = candidate(Status.SIFT if n % 2 else Status.SUBMITTED)
        sex = "female" if n < 12 else "male" if n < 20 else None
        EqualityAnswersFactory(application_id=application.id, **(EMPTY | {"sex": sex}))


def test_a_good_file_is_stored_audited_and_shown_beside_the_applicants(
    client, sign_in, hr, applicants, form_token
):
    sign_in(hr)
    response = _upload(client, form_token, EXAMPLE.read_bytes(), "exampleshire.csv")
    assert response.status_code == 302
    [stored] = _stored()
    assert stored.area.startswith("Exampleshire (an example with made-up figures)")
    assert stored.shares["sex"] == {"female": 51.0, "male": 49.0}
    assert stored.uploaded_by_id == hr.id
    [event] = _events("reports.population_loaded")
    assert (event.actor_id, event.details["measures"]) == (hr.id, 7)

    page = client.get(URL).get_data(as_text=True)
    assert "Population figures uploaded" in page
    for shown in (
        "Exampleshire (an example with made-up figures)",
        "exampleshire.csv",
        "Helen Recruiter",
        "7",
    ):
        assert shown in page

    html = client.get("/staff/reports/equality").get_data(as_text=True)
    sex = pages.table(html, "Sex: applicants compared with the area's population")
    assert sex.head == ["Answer", "Applicants (%)", "Area population (%)"]
    assert sex.column("Area population (%)")["Female"] == "51%"
    assert sex.column("Area population (%)")["Male"] == "49%"
    # An applicant share is shown only where the counts behind it are: the 3 who did not
    # answer are hidden, and so is whatever else would give them away.
    applied = pages.table(html, "Sex:").column("Applied")
    assert applied["All applicants"] == "23"
    shown = sex.column("Applicants (%)")
    for answer, count in applied.items():
        if answer == "All applicants":
            continue
        expected = MARKER if count == MARKER else f"{100 * int(count) / 23:.1f}%"
        assert shown[answer] == expected.replace(".0%", "%"), answer
    assert shown["Not answered"] == MARKER
    assert any(share not in (MARKER, "0%") for share in shown.values())
    # No figure for "Prefer not to say": a dash, read as "not applicable".
    assert sex.column("Area population (%)")["Prefer not to say"].startswith("\u2013")
    assert "Local measures" in html and "Free school meals: applicants compared" not in html
    assert "Exampleshire (an example with made-up figures)" in html

    rows = pages.read_csv(client.get("/staff/reports/equality.csv?table=sex"))
    assert rows[0][-1] == "Area population (%)"
    assert {row[0]: row[-1] for row in rows[1:]} == {
        "Female": "51",
        "Male": "49",
        "Prefer not to say": "",
        "Not answered": "",
        "All applicants": "100",
    }
    combined = pages.read_csv(client.get("/staff/reports/equality.csv"))
    assert combined[0][-1] == "Area population (%)"
    by_answer = {(row[0], row[1]): row[-1] for row in combined[1:]}
    assert by_answer["Ethnic group", "White"] == "81.1"
    assert by_answer["Free school meals", "Yes"] == ""
    # A role's page counts applications, not the area's people: no comparison there.
    role_page = client.get(f"/staff/reports/equality?group=role-{_role_id()}")
    assert "compared with the area" not in role_page.get_data(as_text=True)


def _role_id() -> int:
    from tracker.catalogue.models import Role

    return db.session.scalars(select(Role.id).order_by(Role.id)).first()


def test_an_upload_replaces_the_figures_before_it(client, sign_in, hr, form_token):
    sign_in(hr)
    _upload(client, form_token, EXAMPLE.read_bytes())
    _upload(client, form_token, b"measure,answer,percent\ndisability,yes,20\ndisability,no,80\n")
    [stored] = _stored()
    assert stored.shares == {"disability": {"yes": 20, "no": 80}}
    assert stored.area is None
    assert "Not given" in client.get(URL).get_data(as_text=True)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"measure,answer,percent\nsx,female,100\n", "Line 2: unknown measure “sx”"),
        (b"measure,answer,percent\nsex,woman,100\n", "Line 2: unknown answer “woman” for Sex"),
        (b"measure,answer,percent\nsex,female,lots\n", "Line 2: the percent “lots” is not a"),
        (b"measure,answer,percent\nsex,female,200\n", "Line 2: the percent “200” must be"),
        (b"measure,answer,percent\nsex,female,60\nsex,male,30\n", "Line 2: the Sex shares add"),
        (b"measure,answer,percent\nsex,male,100\nsex,male,100\n", "Line 3: Sex, “male” is"),
        (b"measure;answer;percent\n", "Line 1: the first line must be the column names"),
        (b"", "The selected file is empty"),
        (b"measure,answer,percent\nreligion,\xe9,100\n", "The file must be saved as UTF-8"),
        (b"x" * 100_001, "The file must be smaller than 100 KB"),
    ],
)
def test_a_bad_file_shows_its_error_and_keeps_the_figures_in_use(
    client, sign_in, hr, form_token, data, message
):
    sign_in(hr)
    _upload(client, form_token, EXAMPLE.read_bytes())
    before = [(f.id, f.shares) for f in _stored()]

    response = _upload(client, form_token, data)

    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    assert "<title>Error: " in html
    assert message in html
    assert "Nothing was saved" in html
    assert [(f.id, f.shares) for f in _stored()] == before
    assert len(_events("reports.population_loaded")) == 1


def test_every_problem_is_listed_when_there_are_several(client, sign_in, hr, form_token):
    sign_in(hr)
    data = b"measure,answer,percent\nsx,female,50\nsex,female,abc\nsex,male,100\nsex,male,1\n"
    html = unescape(_upload(client, form_token, data).get_data(as_text=True))
    assert "Line 2: unknown measure “sx” (and 2 more problems, listed below)" in html
    for problem in (
        "Line 3: the percent “abc” is not a number",
        "Line 5: Sex, “male” is already on line 4",
    ):
        assert f"<li>{problem}</li>" in html
    assert _stored() == []


def test_no_file_chosen_asks_for_one(client, sign_in, hr, form_token):
    sign_in(hr)
    response = client.post(URL, data={"csrf_token": form_token(URL)})
    assert "Select a CSV file of the area" in response.get_data(as_text=True)
    assert _stored() == []


def test_removing_the_figures_asks_first_then_stops_the_comparison(
    client, sign_in, hr, applicants, form_token
):
    sign_in(hr)
    _upload(client, form_token, EXAMPLE.read_bytes())
    remove = f"{URL}/remove"
    confirm = client.get(remove).get_data(as_text=True)
    assert "Remove the area population figures?" in confirm
    assert len(_stored()) == 1  # asking changes nothing

    response = client.post(remove, data={"csrf_token": form_token(remove)})
    assert response.status_code == 302
    assert _stored() == []
    [event] = _events("reports.population_removed")
    assert event.actor_id == hr.id
    html = client.get("/staff/reports/equality").get_data(as_text=True)
    assert "applicants compared with the area" not in html
    assert "No population figures are loaded" in html
    assert pages.read_csv(client.get("/staff/reports/equality.csv"))[0][-1] != (
        "Area population (%)"
    )
    # Nothing left to remove: the page leads back to the upload.
    assert client.get(remove).headers["Location"].endswith(URL)


def test_only_those_who_read_the_equality_report_may_load_figures(client, sign_in, form_token):
    manager = UserFactory(roles=[StaffRole.HIRING_MANAGER])
    sign_in(manager)
    assert client.get(URL).status_code in (403, 404)
    response = client.post(URL, data={"file": (io.BytesIO(EXAMPLE.read_bytes()), "p.csv")})
    assert response.status_code in (400, 403, 404)
    assert _stored() == []
    assert db.session.scalar(select(func.count()).select_from(PopulationFigures)) == 0

"""The equality report: people reaching each stage by each protected characteristic and local
measure, with small numbers hidden on the page and in the CSV file alike."""

from __future__ import annotations

import random
import re

import pytest

from tests.factories import ApplicantFactory, EqualityAnswersFactory
from tests.reports import pages
from tests.reports.test_pages import statements
from tracker.applications.equality import QUESTIONS
from tracker.applications.states import Status
from tracker.reports import equality
from tracker.reports.suppression import MARKER, is_small

S = Status
STAGE_HEADINGS = ["Applied", "Sift", "Assessment", "Interview", "Offer", "Hired"]
EMPTY = dict.fromkeys(equality.EQUALITY_COLUMNS)


def _person(candidate, status=S.SUBMITTED, *, answers=None, **values):
    application = candidate(status, **values)
    if answers is not None:
        EqualityAnswersFactory(application_id=application.id, **(EMPTY | answers))
    return application


def test_three_applicants_in_one_group_are_hidden_with_a_second_cell(
    client, sign_in, hr, candidate
):
    for _ in range(12):
        _person(candidate, S.SIFT, answers={"sex": "female"})
    for _ in range(3):
        _person(candidate, answers={"sex": "male"})
    for _ in range(6):
        _person(candidate)  # skipped the equality questions
    sign_in(hr)

    html = client.get("/staff/reports/equality").get_data(as_text=True)

    sex = pages.table(html, "Sex:")
    assert sex.head == ["Answer", *STAGE_HEADINGS]
    applied = sex.column("Applied")
    assert applied["Male"] == MARKER
    # 21 applicants in all: with 12 women shown, 21 - 12 - 0 would give the 3 men away, so
    # the next smallest count, the 6 who did not answer, is hidden too.
    assert applied["Not answered"] == MARKER
    assert (applied["Female"], applied["Prefer not to say"], applied["All applicants"]) == (
        "12",
        "0",
        "21",
    )
    assert sex.row("Female")[2] == "12 (100%)"
    assert sex.row("Male")[2] == "0"  # a zero is shown, with no percentage of a hidden number
    assert sex.row("All applicants")[2] == "12 (57.1%)"
    assert f'<dt class="govuk-summary-list__key">{MARKER}</dt>' in html

    response = client.get("/staff/reports/equality.csv?table=sex")
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="equality-intake-2026-sex.csv"'
    )
    rows = pages.read_csv(response)
    assert rows[0][:4] == ["Sex", "Applied", "Reached sift", "Reached sift (%)"]
    by_answer = {row[0]: row[1:4] for row in rows[1:]}
    assert by_answer == {
        "Female": ["12", "12", "100"],
        "Male": [MARKER, "0", MARKER],
        "Prefer not to say": ["0", "0", ""],
        "Not answered": [MARKER, "0", MARKER],
        "All applicants": ["21", "12", "57.1"],
    }


def test_a_person_counts_once_however_many_roles_they_applied_for(
    client, sign_in, hr, candidate, roles
):
    for _ in range(6):
        applicant = ApplicantFactory()
        _person(candidate, S.UNSUCCESSFUL, answers={"disability": "no"}, applicant=applicant)
        _person(
            candidate,
            S.INTERVIEW,
            answers={"disability": "yes"},
            applicant=applicant,
            role=roles[1],
        )
    sign_in(hr)

    html = client.get("/staff/reports/equality").get_data(as_text=True)

    disability = pages.table(html, "Disability:")
    # Their latest answer ("yes") and the furthest any application got (interview).
    assert disability.row("Yes")[1:] == ["6", "6 (100%)", "0 (0%)", "6 (100%)", "0 (0%)", "0 (0%)"]
    assert disability.row("No")[1] == "0"


def test_every_characteristic_and_local_measure_has_its_table(client, sign_in, hr, candidate):
    for n in range(6):
        _person(
            candidate,
            answers={"care_experienced": "yes", "free_school_meals": "not_sure"},
            lives_in_area="yes" if n % 2 else "no",
        )
    sign_in(hr)

    html = client.get("/staff/reports/equality").get_data(as_text=True)

    captions = [
        t.caption.split(":")[0] for t in pages.tables(html) if "reaching each stage" in t.caption
    ]
    assert captions == [m.title for m in equality.MEASURES]
    for measure in equality.MEASURES:
        table = pages.table(html, f"{measure.title}:")
        labels = [row[0] for row in table.body]
        missing = "Not known" if measure.key == "age_band" else "Not answered"
        assert labels == [label for _, label in measure.answers] + [missing, "All applicants"]
    assert pages.table(html, "Sexual orientation:").row("Prefer not to say")
    assert pages.table(html, "Care experience:").column("Applied")["Yes"] == "6"
    assert pages.table(html, "Free school meals:").column("Applied")["I'm not sure"] == "6"
    lives = pages.table(html, "Lives in the area:").column("Applied")
    assert (lives["Yes"], lives["No"]) == (MARKER, MARKER)  # 3 each
    assert set(QUESTIONS) == set(equality.EQUALITY_COLUMNS)


@pytest.mark.slow  # generated campaigns
def test_the_csv_file_never_holds_a_count_from_1_to_4(client, sign_in, hr, candidate):
    rng = random.Random(7)
    statuses = [S.SUBMITTED, S.SIFT, S.ASSESSMENT, S.INTERVIEW, S.OFFER, S.HIRED, S.UNSUCCESSFUL]
    truth = []
    for _ in range(70):
        answers = None
        if rng.random() < 0.8:
            answers = {
                key: rng.choice([code for code, _ in options] + [None])
                for key, (_, options) in QUESTIONS.items()
            }
        status = rng.choice(statuses)
        _person(candidate, status, answers=answers, lives_in_area=rng.choice(["yes", "no", None]))
        truth.append((status, answers))
    sign_in(hr)

    rows = pages.read_csv(client.get("/staff/reports/equality.csv"))
    html = client.get("/staff/reports/equality").get_data(as_text=True)

    head, body = rows[0], rows[1:]
    counts = [
        i
        for i, name in enumerate(head)
        if name == "Applied" or (name.startswith("Reached") and not name.endswith("(%)"))
    ]
    assert len(body) == sum(len(m.answers) + 2 for m in equality.MEASURES)
    hidden = 0
    for row in body:
        for i in counts:
            assert row[i] == MARKER or not is_small(int(row[i])), row
            hidden += row[i] == MARKER
            if row[i] == MARKER and i > 2:
                assert row[i + 1] == MARKER  # its percentage would give it away
    assert hidden > 0
    # The page hides exactly what the file hides.
    for measure in equality.MEASURES:
        table = pages.table(html, f"{measure.title}:")
        shown = {r[0]: [c == MARKER for c in r[1:]] for r in table.body}
        in_file = {r[1]: [r[i] == MARKER for i in counts] for r in body if r[0] == measure.title}
        assert shown == in_file
    # The counts shown are right: those who applied, by sex, for one.
    for code, label in QUESTIONS["sex"][1] + [(None, "Not answered")]:
        applied = sum(1 for _, answers in truth if (answers or {}).get("sex") == code)
        cell = next(r for r in body if r[:2] == ["Sex", label])[2]
        assert cell in (MARKER, str(applied))
        assert cell == MARKER or not is_small(applied)


def test_only_the_equality_report_reads_the_equality_answers(client, sign_in, hr, candidate):
    _person(candidate, answers={"sex": "female"})
    sign_in(hr)

    with statements() as run:
        assert client.get("/staff/reports/equality").status_code == 200

    sql = "\n".join(run).lower()
    assert "equality_monitoring" in sql
    for personal in ("full_name", "postcode", "applicant.email"):
        assert personal not in sql
    # The date of birth is only compared, in the database, to find the age band: the date
    # itself is never read.
    compared = re.findall(r"application\.date_of_birth (?:<=|is not null)", sql)
    assert len(compared) == sql.count("application.date_of_birth") > 0
    assert "date_of_birth" not in sql.split("case when")[0]


@pytest.mark.parametrize("table", ["nothing", "sex_"])
def test_an_unknown_table_is_not_found(client, sign_in, hr, candidate, table):
    candidate()
    sign_in(hr)
    assert client.get(f"/staff/reports/equality.csv?table={table}").status_code == 404

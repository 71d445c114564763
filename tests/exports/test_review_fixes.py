"""What a review of the shortlist export found, each tried as a user would: scores hidden
from a reviewer until they score, a date far in the future, bookings of a cancelled slot, the
recommendation as the candidate's page gives it, and criterion words that would break a
workbook."""

from __future__ import annotations

import io
from datetime import timedelta

from openpyxl import load_workbook

from tests.exports.conftest import download, export_events, read_csv, xlsx_values
from tests.factories import RoleFactory, SlotFactory, UserFactory
from tracker import clock
from tracker.accounts.models import StaffRole
from tracker.applications.states import Status
from tracker.catalogue.models import CriterionKind
from tracker.exports.decisions import NOT_FORWARD, TAKE_FORWARD
from tracker.extensions import db
from tracker.scheduling.models import Booking, SlotKind
from tracker.screening.scorecards import criteria_for, submit_scorecard

# What the candidate list shows too.
HIDDEN = "Hidden until you score"
SCORES = ["reference", "score_average", "reviewers", "recommendation", "essential_1"]


def _score(reviewer, application, *marks: int) -> None:
    criteria = [c for _, c in criteria_for(application)]
    submit_scorecard(
        actor=reviewer,
        application=application,
        scores={c.id: (mark, "") for c, mark in zip(criteria, marks, strict=True)},
    )
    db.session.commit()


def _shortlist_sheet(response):
    """The Shortlist sheet (criterion columns add a Criteria sheet beside it)."""
    return load_workbook(io.BytesIO(response.get_data()))["Shortlist"]


def _row(client, role, columns=SCORES) -> list[str]:
    rows = read_csv(download(client, role_id=role.id, columns=columns, format="csv"))
    return rows[1]


def test_a_manager_sees_no_scores_until_they_submit_their_own(
    client, sign_in, hr, manager, role, candidate
):
    application = candidate(reference="REF-0001")
    _score(hr, application, 4, 4)
    sign_in(manager)

    assert _row(client, role) == ["REF-0001", HIDDEN, HIDDEN, HIDDEN, HIDDEN]
    sheet = _shortlist_sheet(download(client, role_id=role.id, columns=SCORES, format="xlsx"))
    assert xlsx_values(sheet)[1] == ["REF-0001", HIDDEN, HIDDEN, HIDDEN, HIDDEN]

    _score(manager, application, 2, 2)

    assert _row(client, role) == ["REF-0001", "3.00", "2", TAKE_FORWARD, "3.00"]


def test_hr_sees_every_score_without_scoring(client, sign_in, hr, manager, role, candidate):
    application = candidate(reference="REF-0001")
    _score(manager, application, 4, 2)
    sign_in(hr)

    assert _row(client, role) == ["REF-0001", "3.00", "1", NOT_FORWARD, "4.00"]


def test_the_recommendation_follows_the_criteria_as_they_were_scored(
    client, sign_in, hr, role, candidate
):
    """As on the candidate's page: a criterion essential when it was scored stays essential,
    though the role's criteria change later."""
    application = candidate(reference="REF-0001")
    _score(hr, application, 1, 4)
    first = role.criteria[0]
    first.kind = CriterionKind.DESIRABLE
    db.session.commit()
    sign_in(hr)

    assert _row(client, role, ["reference", "recommendation"]) == ["REF-0001", NOT_FORWARD]


def test_a_booking_of_a_cancelled_slot_has_no_interview_time(client, sign_in, hr, role, candidate):
    kept = candidate(status=Status.INTERVIEW, reference="REF-0001")
    dropped = candidate(status=Status.INTERVIEW, reference="REF-0002")
    slot = SlotFactory(role=role)
    cancelled = SlotFactory(role=role, cancelled_at=clock.utcnow())
    now = clock.utcnow()
    for application, where in ((kept, slot), (dropped, cancelled)):
        db.session.add(
            Booking(
                slot_id=where.id,
                application_id=application.id,
                kind=SlotKind.INTERVIEW,
                booked_at=now,
            )
        )
    db.session.commit()
    sign_in(hr)

    rows = read_csv(
        download(client, role_id=role.id, columns=["reference", "interview_at"], format="csv")
    )

    assert rows[1][1] != ""
    assert rows[2] == ["REF-0002", ""]


def test_criterion_words_with_control_characters_still_make_a_workbook(
    client, sign_in, hr, candidate
):
    role = RoleFactory(criteria=["Works\x01 well\x1f with others", "Is reliable"])
    candidate(role=role, reference="REF-0001")
    db.session.commit()
    sign_in(hr)

    response = download(
        client, role_id=role.id, columns=["reference", "essential_1"], format="xlsx"
    )

    assert response.status_code == 200
    assert xlsx_values(_shortlist_sheet(response))[0] == [
        "Reference",
        "Essential 1 average: Works well with others",
    ]
    assert len(export_events()) == 1


def test_a_date_range_beyond_the_years_is_refused_and_nothing_is_exported(
    client, sign_in, hr, role, candidate
):
    candidate(submitted_at=clock.utcnow() - timedelta(days=1))
    db.session.commit()
    sign_in(hr)

    page = client.get(
        "/staff/exports/shortlist/download",
        query_string={
            "role_id": role.id,
            "columns": ["reference"],
            "format": "csv",
            "submitted_from": ["1", "1", "2026"],
            "submitted_to": ["31", "12", "9999"],
        },
    ).get_data(as_text=True)

    assert "The year of the to date must be between 2000 and 2100" in page
    assert export_events() == []


def test_a_manager_who_may_not_score_sees_hidden_scores_not_an_error(
    client, sign_in, hr, track, role, candidate
):
    """A second manager in scope who has scored nothing: every score cell says so."""
    other = UserFactory(roles=[StaffRole.HIRING_MANAGER], tracks=[track])
    _score(hr, candidate(reference="REF-0001"), 3, 3)
    sign_in(other)

    assert _row(client, role)[1:] == [HIDDEN] * 4


def test_text_openpyxl_would_read_as_an_error_stays_text(client, sign_in, hr, role, candidate):
    candidate(reference="REF-0001", full_name="#N/A", postcode="=1+1")
    db.session.commit()
    sign_in(hr)

    response = download(
        client, role_id=role.id, columns=["full_name", "postcode", "reference"], format="xlsx"
    )

    (cells,) = _shortlist_sheet(response).iter_rows(min_row=2)
    assert [(c.value, c.data_type) for c in cells] == [
        ("#N/A", "s"),
        ("=1+1", "s"),
        ("REF-0001", "s"),
    ]

"""On PostgreSQL the shortlist CSV is written by COPY; it must be byte for byte the file the
Python path (kept for SQLite) writes for the same rows: every column, every scope and filter,
formula-looking, quoted, multi-line, unicode, padded and very long values. The workbook's
rows, written by PostgreSQL, must hold the same cells as the Python path's."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.utils.escape import unescape
from sqlalchemy import event, text

from tests.exports.conftest import DOWNLOAD
from tests.exports.walked_campaign import CRITERIA, EVERY, build_campaign
from tests.factories import PartnerOrganisationFactory, UserFactory
from tracker import clock
from tracker.accounts.models import StaffRole
from tracker.accounts.permissions import permissions_of
from tracker.applications.states import Status
from tracker.exports import columns as registry
from tracker.exports import copy_csv, files, queries, xlsx, xlsx_rows
from tracker.exports.extras import CRITERIA as NEEDS_CRITERIA
from tracker.exports.extras import criterion_key
from tracker.extensions import db
from tracker.partners import fields as partner_fields
from tracker.partners import services as partners


def _both(user, shortlist: queries.Shortlist, keys: list[str]) -> tuple[bytes, bytes]:
    """(the Python path's file, COPY's file) for this export, as the view chooses columns."""
    permissions = permissions_of(user)
    chosen = registry.choose(keys, permissions, stages=shortlist.statuses)
    needs = registry.needs(chosen)
    roles = queries.roles(user, shortlist, criteria=NEEDS_CRITERIA in needs)
    if NEEDS_CRITERIA in needs and shortlist.role is not None:
        words = {criterion_key(c): c.text for c in roles[0].criteria}
        chosen = registry.choose(keys, permissions, stages=shortlist.statuses, words=words)
    rows = queries.candidates(user, shortlist, roles, needs)
    python = b"".join(files.csv_chunks(chosen, rows))
    query = copy_csv.csv_query(user, shortlist, chosen, roles)
    copied = b"".join(copy_csv.csv_chunks(chosen, query))
    return python, copied


def _both_workbooks(user, shortlist: queries.Shortlist, keys: list[str]) -> tuple[list, list]:
    """Every sheet's values as a spreadsheet reads them: (Python's rows, PostgreSQL's rows)."""
    chosen = registry.choose(keys, permissions_of(user), stages=shortlist.statuses)
    roles = queries.roles(user, shortlist, criteria=NEEDS_CRITERIA in registry.needs(chosen))
    criteria = any(registry.CRITERION_KEY.match(c.key) for c in chosen)
    rows = queries.candidates(user, shortlist, roles, registry.needs(chosen))
    python = xlsx.xlsx_file(chosen, files.xlsx_rows_of(chosen, rows), roles, criteria=criteria)
    query = xlsx_rows.query(user, shortlist, chosen, roles)
    sql = xlsx.xlsx_file(chosen, xlsx_rows.rows(query), roles, criteria=criteria)
    return _read(python), _read(sql)


def _read(handle) -> list:
    """Each sheet's cells (value, number format), as Excel shows them: its ``_xHHHH_``
    escapes read back."""
    with handle:
        book = load_workbook(io.BytesIO(handle.read()))
    return [
        [
            [(unescape(c.value) if isinstance(c.value, str) else c.value, c.number_format)]
            for line in sheet.iter_rows()
            for c in line
        ]
        for sheet in book.worksheets
    ]


@pytest.fixture
def campaign(hr):
    return build_campaign(hr)


@pytest.mark.slow  # a whole campaign
def test_every_column_of_a_walked_campaign_is_byte_identical(hr, campaign):
    python, copied = _both(hr, queries.Shortlist(campaign=campaign), EVERY)

    assert copied == python
    written, computed = _both_workbooks(hr, queries.Shortlist(campaign=campaign), EVERY)
    assert computed == written
    assert python.count(b"\r\n") > 24  # a row per candidate, CRLF as the csv module ends them
    assert b"'=cmd|" in python  # the partner's formula-looking name is neutralised in both


@pytest.mark.slow  # a whole campaign
@pytest.mark.parametrize(
    "filters",
    [
        {"statuses": (Status.SIFT,)},
        {"statuses": (Status.OFFER, Status.PRE_EMPLOYMENT_CHECKS, Status.UNSUCCESSFUL)},
        {"submitted_from": date(2000, 1, 1), "submitted_to": date(2100, 12, 31)},
        {"submitted_to": date(2001, 1, 1)},
    ],
)
def test_stages_and_dates_choose_the_same_rows(hr, campaign, filters):
    python, copied = _both(hr, queries.Shortlist(campaign=campaign, **filters), EVERY)

    assert copied == python


@pytest.mark.slow  # a whole campaign
def test_one_role_with_its_criteria_in_the_headers_is_identical(hr, campaign):
    role = next(r for r in campaign.roles if r.title == "Analyst")

    python, copied = _both(hr, queries.Shortlist(role=role), ["reference", *CRITERIA])

    assert copied == python
    assert b"Essential 1 average: Curious" in python


@pytest.mark.slow  # a whole campaign
def test_a_manager_who_has_not_scored_sees_the_same_hidden_scores(campaign):
    role = next(r for r in campaign.roles if r.title == "Analyst")
    manager = UserFactory(roles=[StaffRole.HIRING_MANAGER], tracks=[role.track])
    db.session.commit()
    keys = [k for k in EVERY if not registry.COLUMNS.get(k) or not registry.COLUMNS[k].identity]
    keys = [k for k in keys if k != "adjustments"]
    late = (Status.OFFER, Status.PRE_EMPLOYMENT_CHECKS, Status.HIRED, Status.INTERVIEW)

    for shortlist in (
        queries.Shortlist(track=role.track),
        queries.Shortlist(role=role, statuses=late),
    ):
        python, copied = _both(manager, shortlist, keys)
        assert copied == python
        written, computed = _both_workbooks(manager, shortlist, keys)
        assert computed == written
        assert registry.HIDDEN.encode() in python or shortlist.statuses


def test_the_download_is_written_by_copy_and_matches_the_python_path(
    app, client, sign_in, hr, role, candidate
):
    candidate(reference="REF-0001", full_name='=HYPERLINK("x"), "quoted"\nnext line')
    candidate(Status.WITHDRAWN, reference="REF-0002", full_name="  padded  ")
    db.session.commit()
    sign_in(hr)
    statements: list[str] = []

    def seen(conn, cursor, statement, *args):
        statements.append(statement)

    keys = ["reference", "full_name", "withdrawal_reason", "submitted"]
    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        response = client.get(
            DOWNLOAD,
            query_string={"role_id": role.id, "columns": keys, "format": "csv"},
            buffered=True,
        )
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)

    assert response.status_code == 200
    python, copied = _both(hr, queries.Shortlist(role=role), keys)
    assert response.get_data() == copied == python
    assert b'"\'=HYPERLINK(""x""), ""quoted""\nnext line"' in python
    # The rows came from COPY, not from the ORM's cursor.
    assert not any("FROM application" in s and "COPY" not in s for s in statements[-1:])


# Values a spreadsheet or a CSV reader could trip on. PostgreSQL cannot store NUL, so it is left
# out; every other control character is in the alphabet, and the cleaners must agree on them.
_AWKWARD = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("=+-@\t\r\n\",;' \\.é漢😀\u2028\x01\x0b\x1f\x7f_x0041_")),
        st.characters(codec="utf-8", exclude_characters="\x00"),
    ),
    max_size=30,
)


def _awkward(limit: int):
    return st.one_of(_AWKWARD.map(lambda value: value[:limit]), st.none())


_LONG = st.one_of(_AWKWARD, _AWKWARD.filter(bool).map(lambda t: t[:3] * 3000), st.none())


@pytest.fixture
def awkward_rows(hr, role, candidate):
    """A candidate at each kind of stage a column treats apart, shared with a partner."""
    made = [
        candidate(Status.SIFT, reference="AWK-0001"),
        candidate(Status.WITHDRAWN, reference="AWK-0002"),
        candidate(Status.UNSUCCESSFUL, reference="AWK-0003"),
        candidate(Status.OFFER, reference="AWK-0004"),
    ]
    organisation = PartnerOrganisationFactory(name="Partner")
    UserFactory(roles=[StaffRole.PARTNER], partner_organisation=organisation)
    partners.share_candidates(
        actor=hr,
        organisation=organisation,
        applications=made[:1],
        purpose="Assessment day",
        due_on=clock.today() + timedelta(days=10),
        criteria=["Problem solving"],
        fields=list(partner_fields.DEFAULT),
    )
    db.session.flush()
    return made, organisation


@pytest.mark.slow  # many generated examples
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    names=st.lists(_awkward(100), min_size=4, max_size=4),
    phone=_awkward(30),
    postcode=_awkward(8),
    adjustments=_LONG,
    heard_about=_awkward(30),
    withdrawal_reason=_AWKWARD.map(lambda value: value[:40]),
    reasons=st.lists(_AWKWARD, max_size=3),
    title=_AWKWARD.filter(bool).map(lambda value: value[:200]),
    organisation_name=_AWKWARD.filter(bool).map(lambda value: value[:200]),
    email=_AWKWARD.map(lambda value: value[:300]),
)
def test_awkward_values_in_every_column_are_byte_identical(
    hr, role, awkward_rows, names, phone, postcode, adjustments, heard_about, **more
):
    made, organisation = awkward_rows
    ids = [application.id for application in made]
    nested = db.session.begin_nested()
    try:
        for application_id, name in zip(ids, names, strict=True):
            db.session.execute(
                text(
                    "UPDATE application SET full_name = :name, phone = :phone, "
                    "postcode = :postcode, adjustments = :adjustments, needs_adjustments = "
                    ":needs, heard_about = :heard WHERE id = :id"
                ),
                {
                    "name": name,
                    "phone": phone,
                    "postcode": postcode,
                    "adjustments": adjustments,
                    "needs": adjustments is not None,
                    "heard": heard_about,
                    "id": application_id,
                },
            )
        db.session.execute(
            text("UPDATE application SET withdrawal_reason = :reason WHERE id = :id"),
            {"reason": more["withdrawal_reason"], "id": ids[1]},
        )
        db.session.execute(
            text(
                "UPDATE application_timeline SET reasons = CAST(:reasons AS json) "
                "WHERE application_id = :id AND to_status = 'unsuccessful'"
            ),
            {"reasons": json.dumps(more["reasons"]), "id": ids[2]},
        )
        db.session.execute(
            text("UPDATE role SET title = :title WHERE id = :id"),
            {"title": more["title"], "id": role.id},
        )
        db.session.execute(
            text("UPDATE partner_organisation SET name = :name WHERE id = :id"),
            {"name": more["organisation_name"], "id": organisation.id},
        )
        db.session.execute(
            text("UPDATE applicant SET email = lower(:email || id) WHERE id = :id"),
            {"email": more["email"], "id": made[0].applicant_id},
        )
        db.session.expire_all()
        every = [*registry.COLUMNS, "essential_1", "essential_2"]

        python, copied = _both(hr, queries.Shortlist(role=role), every)
        written, computed = _both_workbooks(hr, queries.Shortlist(role=role), every)

        assert copied == python
        assert computed == written
    finally:
        nested.rollback()

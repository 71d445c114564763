"""HR reads the audit log as sentences, filters it by person, action and dates, and pages it."""

from __future__ import annotations

import html
import re

import pytest

from tests.audit.conftest import at
from tests.factories import ApplicationFactory, UserFactory
from tracker.accounts.models import StaffRole

ROWS = re.compile(r'<td class="govuk-table__cell">(?!\d)(.*?)</td>', re.S)


def sentences_on(page: str) -> list[str]:
    """The 'What happened' cells, as text."""
    cells = [re.sub(r"<[^>]+>", "", cell) for cell in ROWS.findall(page)]
    return [html.unescape(c).strip() for c in cells if not c.startswith("Details")]


def get(client, query: str = "") -> str:
    response = client.get(f"/admin/audit{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_events_read_as_sentences_with_links_to_their_records(client, hr, event):
    application = ApplicationFactory(submitted=True)
    jo = UserFactory(name="Jo Bloggs")
    event("application.make_offer", actor=hr, object_type="application", object_id=application.id)
    event("user.invited", actor=hr, object_type="user", object_id=jo.id)
    event(
        "application.withdraw",
        label=f"applicant:{application.applicant_id}",
        object_type="application",
        object_id=application.id,
    )
    event("privacy.retention_run", label="retention", details={"applications": 3})

    page = get(client)

    said = sentences_on(page)
    assert said[:4] == [
        "The system anonymised 3 applications past their retention date",
        f"An applicant withdrew {application.reference}",
        "Priya Shah invited Jo Bloggs",
        f"Priya Shah made an offer to {application.reference}",
    ]
    assert f'<a class="govuk-link" href="/staff/applications/{application.id}">' in page
    assert f'<a class="govuk-link" href="/admin/users/{jo.id}">Jo Bloggs</a>' in page
    assert re.search(r"\d{1,2} \w+ \d{4} at \d{1,2}:\d{2}(am|pm)", page)


def test_the_list_shows_no_applicants_personal_data(client, hr, event):
    application = ApplicationFactory(submitted=True)
    applicant = application.applicant
    event(
        "application.identity_revealed",
        actor=hr,
        object_type="application",
        object_id=application.id,
        details={"reference": application.reference, "reason": "To phone Alex Example"},
    )
    event(
        "booking.made",
        label=f"applicant:{applicant.id}",
        object_type="application",
        object_id=application.id,
        details={"slot": 1, "replaces": None},
    )
    event(
        "privacy.subject_access_export", actor=hr, object_type="applicant", object_id=applicant.id
    )

    page = get(client)

    assert application.reference in page
    for personal in (application.full_name, applicant.email, "SW1A 1AA", "To phone"):
        assert personal not in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?person={jo}", ["Jo Bloggs signed out"]),
        ("?person=applicants", ["An applicant signed in"]),
        ("?person=system", ["The system anonymised 2 applications past their retention date"]),
        ("?action=sign_out", ["Jo Bloggs signed out"]),
        (
            "?action=group:Data, exports and privacy",
            ["The system anonymised 2 applications past their retention date"],
        ),
        # 23:30 UTC on 10 June is 00:30 on 11 June in the UK (summer time).
        ("?date_from=11&date_from=6&date_from=2026", ["Jo Bloggs signed out"]),
        (
            "?date_to=10&date_to=6&date_to=2026",
            [
                "An applicant signed in",
                "The system anonymised 2 applications past their retention date",
            ],
        ),
        (
            "?date_from=1&date_from=6&date_from=2026&date_to=10&date_to=6&date_to=2026",
            ["An applicant signed in"],
        ),
        (
            "?person={jo}&action=sign_out&date_from=11&date_from=6&date_from=2026",
            ["Jo Bloggs signed out"],
        ),
        ("?person=applicants&action=sign_out", []),
    ],
)
def test_filters_alone_and_combined(client, hr, event, query, expected):
    jo = UserFactory(name="Jo Bloggs")
    event(
        "privacy.retention_run", label="retention", at=at(2026, 5, 1), details={"applications": 2}
    )
    event(
        "applicant.signed_in",
        label="applicant:9",
        at=at(2026, 6, 10, 12),
        object_type="applicant",
        object_id=9,
    )
    event("sign_out", actor=jo, at=at(2026, 6, 10, 23, 30), object_type="user", object_id=jo.id)

    page = get(client, query.format(jo=jo.id))

    # HR's own sign-in today is found by a from date alone; it is not what is tested here.
    assert [s for s in sentences_on(page) if not s.startswith("Priya Shah")] == expected


def test_the_person_filter_offers_only_people_who_did_something(client, hr, event):
    UserFactory(name="Never Acted")
    jo = UserFactory(name="Jo Bloggs")
    event("sign_out", actor=jo)

    page = get(client)

    assert f'<option value="{jo.id}">Jo Bloggs</option>' in page
    assert "Never Acted" not in page
    assert '<option value="applicants">Applicants</option>' in page


def test_a_users_history_from_their_page(client, hr, event):
    jo = UserFactory(name="Jo Bloggs")
    event("user.invited", actor=hr, object_type="user", object_id=jo.id)
    event("sign_out", actor=jo, object_type="user", object_id=jo.id)
    event("sign_out", actor=hr, object_type="user", object_id=hr.id)

    page = get(client, f"?user={jo.id}")

    assert sentences_on(page) == ["Jo Bloggs signed out", "Priya Shah invited Jo Bloggs"]
    assert "Audit log: Jo Bloggs" in page


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        (
            "?date_from=31&date_from=2&date_from=2026",
            "date_from",
            "The from date must be a real date",
        ),
        (
            "?date_from=3&date_from=&date_from=2026",
            "date_from",
            "The from date must include a month",
        ),
        ("?date_to=1&date_to=13&date_to=2026", "date_to", "The to date must be a real date"),
        ("?date_to=1&date_to=1&date_to=26", "date_to", "Year must include 4 numbers"),
        (
            "?date_from=2&date_from=6&date_from=2026&date_to=1&date_to=6&date_to=2026",
            "date_to",
            "The to date must be the same as or after the from date",
        ),
        ("?action=no.such.action", "action", "Select an action from the list"),
        ("?person=999999", "person", "Select a person from the list"),
    ],
)
def test_a_bad_filter_is_refused_with_the_gov_uk_error_pattern(
    client, hr, event, query, field, message
):
    event("sign_out", actor=hr)

    response = client.get(f"/admin/audit{query}")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.search(r"<title>\s*Error: Audit log", page)
    assert "There is a problem" in page  # the error summary
    summary = page.split("govuk-error-summary__list")[1].split("</ul>")[0]
    assert html.escape(message, quote=False) in html.escape(html.unescape(summary), quote=False)
    assert f'id="{field}-error"' in page  # the message beside the field
    assert "<table" not in page  # nothing is listed from a filter that is not right
    assert 'href="/admin/audit.csv' not in page


def test_pages_of_fifty_newest_first(client, hr, event):
    for n in range(118):
        event("sign_in.failed", label=f"person{n:03d}@example.com", at=at(2026, 1, 1, 9, 0))
    # HR's sign-in and security code make 120.

    first = get(client)
    third = get(client, "?page=3")
    past_the_end = get(client, "?page=99")

    assert "120 events" in first
    assert len(sentences_on(first)) == 50 and len(sentences_on(third)) == 20
    assert sentences_on(first)[0].startswith("Priya Shah")  # today's, newest first
    assert sentences_on(third)[-1] == "Someone using person000@example.com failed to sign in"
    assert sentences_on(past_the_end) == sentences_on(third)
    assert 'class="govuk-pagination' in first
    assert 'href="/admin/audit?page=2"' in first


def test_pages_keep_the_filters(client, hr, event):
    for n in range(60):
        event("sign_in.failed", label=f"p{n}@example.com", at=at(2026, 1, 2))

    page = get(client, "?action=sign_in.failed&date_from=1&date_from=1&date_from=2026")

    assert "60 events" in page
    link = html.unescape(re.search(r'href="(/admin/audit\?page=2[^"]*)"', page).group(1))
    assert "action=sign_in.failed" in link
    assert "date_from=1&date_from=1&date_from=2026" in link
    assert len(sentences_on(get(client, link.removeprefix("/admin/audit")))) == 10


@pytest.mark.parametrize("role", [StaffRole.HIRING_MANAGER, StaffRole.PARTNER, StaffRole.MENTOR])
def test_only_hr_reads_the_log(client, sign_in, event, role):
    user = UserFactory(roles=[role])
    sign_in(user)
    made = event("sign_out", actor=user)

    for path in ("/admin/audit", f"/admin/audit/{made.id}", "/admin/audit.csv"):
        assert client.get(path).status_code == 403, path

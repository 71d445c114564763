"""Numbers no record can have, in every route's path ids and numeric query parameters and in
the forms that post ids: each answers 404 or a page with a form error, never a server error.

Ids are PostgreSQL bigints (SQLite's integers have the same range): 0 and -1 name nothing,
and 2**63 or 10**30 cannot even be sent to the database (OverflowError on SQLite, a numeric
comparison on PostgreSQL). Signed in as someone who may use each route, so the request gets
past sign-in and permission checks to where the number is used.
"""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from flask_migrate import upgrade

from tests.applications.conftest import sign_in_applicant
from tests.conftest import isolate_request_globals
from tests.factories import (
    ApplicantFactory,
    ApplicationFactory,
    PartnerOrganisationFactory,
    RoleFactory,
    UserFactory,
)
from tests.helpers import csrf_token, sign_in_as
from tests.mentoring.factories import MentorProfileFactory
from tracker import create_app
from tracker.accounts.models import StaffRole
from tracker.extensions import db

# 2**31: one past PostgreSQL's integer ids; 4,300 digits: more than a float holds; "²": a
# digit to str.isdigit() that int() refuses.
OUT_OF_RANGE = [0, -1, 2**31, 2**63, 10**30, "9" * 4300, "²"]
_SLOT = {
    "kind": "interview",
    "day-day": "3",
    "day-month": "2",
    "day-year": "2099",
    "time": "10:00",
    "place": "Room 1",
}
# Path arguments that are not ids: a value the route accepts.
OTHER_ARGUMENTS = {
    "direction": "up",
    "kind": "references",
    "day": "2099-02-03",
    "slot_kind": "interview",
}
# Query parameters that are ids, on the page that reads them ({role}: a real role's id).
ID_PARAMETERS = [
    "/admin/audit?user={}",
    "/staff/exports/shortlist?role_id={}",
    "/staff/exports/shortlist?track_id={}",
    "/staff/exports/shortlist/download?role_id={}&columns=reference&format=csv",
]
# Page numbers: one past the end shows the last page, as a list that has shrunk would.
PAGE_PARAMETERS = ["/admin/audit?page={}", "/staff/roles/{role}/candidates?page={}"]
# Forms that post ids or numbers, on a real record's page: (page, field, the other fields
# a valid post needs, the error messages that may refuse the number).
FORM_FIELDS = [
    (
        "/staff/roles/{role}/candidates",
        "application_ids",
        {"event": "start_sift"},
        ["Select candidates from the list"],
    ),
    (
        "/staff/applications/{application}/move",
        "version",
        {"event": "start_sift"},
        ["Reload the page and try again", "Someone else changed this application"],
    ),
    (
        "/staff/mentors/{mentor}",
        "tracks",
        {"about": "Developer", "capacity": "2"},
        ["Select tracks from the list"],
    ),
    (
        "/staff/mentors/{mentor}",
        "capacity",
        {"about": "Developer", "tracks": "{track}"},
        ["Capacity must be between 1 and 20", "Capacity must be a whole number"],
    ),
    (
        "/staff/roles/{role}/slots",
        "capacity",
        {**_SLOT, "minutes": "45"},
        ["Places must be between 1 and 100", "Places must be a whole number"],
    ),
    (
        "/staff/roles/{role}/slots",
        "minutes",
        {**_SLOT, "capacity": "2"},
        ["The length must be between 5 and 600 minutes", "The length must be a whole number"],
    ),
]
_INT_ARGUMENT = re.compile(r"<int:(\w+)>")
_OTHER_ARGUMENT = re.compile(r"<(?:\w+:)?(\w+)>")


def _numbered_rules(app):
    """(method, rule) for every route with an id in its path."""
    return [
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if _INT_ARGUMENT.search(rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
    ]


def _path(rule: str, number: int) -> str:
    path = _INT_ARGUMENT.sub(str(number), rule)
    return _OTHER_ARGUMENT.sub(lambda m: OTHER_ARGUMENTS[m.group(1)], path)


def _who(rule: str) -> str:
    """Who may use the route: the applicant, a partner, a mentor, or HR (everything else)."""
    if rule.startswith("/applications/"):
        return "applicant"
    if rule.startswith("/partner/"):
        return "partner"
    if rule.startswith("/staff/mentees/"):
        return "mentor"
    return "hr"


def _send(client, method: str, path: str, data: dict | None = None, *, follow=False):
    if method == "GET":
        return client.get(path)
    token = csrf_token(client, "/staff/") if not path.startswith("/applications") else ""
    return client.post(path, data={"csrf_token": token, **(data or {})}, follow_redirects=follow)


def _refused_politely(response) -> bool:
    if response.status_code == 404:
        return True
    page = response.get_data(as_text=True)
    return response.status_code in (200, 400) and "govuk-error-summary" in page


def _problems(clients: dict, records: dict, rules) -> list[str]:
    problems = []
    for method, rule in rules:
        for number in OUT_OF_RANGE:
            response = _send(clients[_who(rule)], method, _path(rule, number))
            if response.status_code != 404:
                problems.append(f"{method} {_path(rule, number)}: {response.status_code}")
    for template in ID_PARAMETERS:
        for number in OUT_OF_RANGE:
            response = clients["hr"].get(path := template.format(number, **records))
            if not _refused_politely(response):
                problems.append(f"GET {path}: {response.status_code}")
    for template in PAGE_PARAMETERS:
        for number in OUT_OF_RANGE:
            response = clients["hr"].get(path := template.format(number, **records))
            if response.status_code not in (200, 404):
                problems.append(f"GET {path}: {response.status_code}")
    for template, field, others, messages in FORM_FIELDS:
        path = template.format(**records)
        filled = {name: value.format(**records) for name, value in others.items()}
        for number in OUT_OF_RANGE:
            # Some forms redirect back to their page with the message: follow them there.
            data = {field: str(number), **filled}
            response = _send(clients["hr"], "POST", path, data, follow=True)
            page = response.get_data(as_text=True)
            if not (response.status_code in (200, 400) and any(m in page for m in messages)):
                problems.append(f"POST {path} {field}={number}: {response.status_code}")
    return problems


def _seed() -> tuple[dict, dict]:
    """Records to put in paths and who signs in: HR, a partner, a mentor and an applicant."""
    role = RoleFactory()
    mentor = MentorProfileFactory()
    people = {
        "hr": UserFactory(roles=[StaffRole.ADMIN]),
        "partner": UserFactory(
            roles=[StaffRole.PARTNER], partner_organisation=PartnerOrganisationFactory()
        ),
        "mentor": mentor.user,
        "applicant": ApplicantFactory(),
    }
    application = ApplicationFactory(role=role, submitted=True)
    records = {
        "role": role.id,
        "track": str(role.track_id),
        "mentor": mentor.user_id,
        "application": application.id,
    }
    return records, people


def _signed_in(app, people: dict) -> dict:
    clients = {}
    for who, person in people.items():
        clients[who] = app.test_client()
        if who == "applicant":
            sign_in_applicant(clients[who], person)
        else:
            sign_in_as(
                clients[who], SimpleNamespace(email=person.email, totp_secret=person.totp_secret)
            )
    return clients


@pytest.mark.slow  # every route
def test_no_route_fails_on_an_id_out_of_range(app):
    records, people = _seed()
    db.session.commit()
    clients = _signed_in(app, people)

    problems = _problems(clients, records, _numbered_rules(app))

    assert problems == [], "\n".join(problems)


@pytest.mark.slow  # every route
def test_on_sqlite_neither(tmp_path):
    """SQLite refuses numbers past 2**63 - 1 outright; a smaller pass, one route per blueprint."""
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'ids.sqlite3'}", "TESTING": True}
    )
    isolate_request_globals(app)
    with app.app_context():
        upgrade()
        records, people = _seed()
        db.session.commit()
        clients = _signed_in(app, people)
        one_per_blueprint = {}
        for method, rule in _numbered_rules(app):
            one_per_blueprint.setdefault((method, rule.split("/")[1]), (method, rule))
        try:
            problems = _problems(clients, records, one_per_blueprint.values())
            assert problems == [], "\n".join(problems)
        finally:
            db.session.remove()
            db.engine.dispose()

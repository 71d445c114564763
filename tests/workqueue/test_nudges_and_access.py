"""HR's nudge to book: one reminder per candidate and stage, a second press sends nothing, and
bad input changes nothing. Plus: who may open which line, name-blind lists, and a home page
whose cost does not grow with the campaign."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.engine import Engine

from tests.factories import ApplicationFactory, UserFactory
from tests.workqueue.remind_helpers import confirmation, remind_confirmed
from tracker.accounts.models import StaffRole
from tracker.applications.states import Status
from tracker.extensions import db
from tracker.notifications.models import Email
from tracker.workqueue.models import BookingReminder

NAME = "Zebedee Quillfeather"


def _emails() -> int:
    return db.session.scalar(
        select(func.count(Email.id)).where(Email.template == "reminder_to_book")
    )


def _remind(client, form_token, **data):
    return remind_confirmed(client, form_token("/staff/queue/invited_not_booked"), **data)


def test_each_candidate_is_reminded_once_per_stage(client, sign_in, form_token, hr, candidate):
    first, second = candidate(Status.ASSESSMENT), candidate(Status.INTERVIEW)
    sign_in(hr)

    page = _remind(client, form_token, application_ids=[first.id, second.id])
    assert "Reminded 2 candidates to book" in page.get_data(as_text=True)
    assert _emails() == 2

    again = _remind(client, form_token, application_ids=[first.id]).get_data(as_text=True)
    assert "Nobody was reminded" in again and "already reminded in this stage" in again
    assert _emails() == 2
    assert _remind(client, form_token, all="1").status_code == 200
    assert _emails() == 2
    listing = client.get("/staff/queue/invited_not_booked").get_data(as_text=True)
    assert listing.count("data-reminded>Reminded ") == 2


def test_remind_all_skips_those_already_reminded(client, sign_in, form_token, hr, candidate):
    first = candidate(Status.ASSESSMENT)
    sign_in(hr)
    _remind(client, form_token, application_ids=[first.id])
    candidate(Status.ASSESSMENT)

    page = _remind(client, form_token, all="1").get_data(as_text=True)

    assert "Reminded 1 candidate to book" in page
    assert _emails() == 2


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"application_ids": ["abc"]},
        {"application_ids": ["99999999"]},
        {"application_ids": ["0"]},
    ],
)
def test_bad_input_reminds_nobody(client, sign_in, form_token, hr, candidate, data):
    candidate(Status.ASSESSMENT)
    sign_in(hr)

    page = _remind(client, form_token, **data).get_data(as_text=True)

    # The GOV.UK error pattern on the queue's page, not a banner after a redirect.
    assert "govuk-error-summary" in page and 'id="application_ids-error"' in page
    assert re.search(r"<title>\s*Error: ", page) and "Success" not in page
    assert _emails() == 0
    assert db.session.scalar(select(func.count(BookingReminder.id))) == 0


def test_ids_outside_the_queue_refuse_the_whole_nudge(client, sign_in, form_token, hr, candidate):
    invited, in_sift = candidate(Status.ASSESSMENT), candidate(Status.SIFT)
    sign_in(hr)

    page = _remind(client, form_token, application_ids=[invited.id, in_sift.id])

    assert "nobody was reminded" in page.get_data(as_text=True)
    assert _emails() == 0


def test_a_manager_cannot_nudge(client, sign_in, form_token, manager, candidate):
    invited = candidate(Status.ASSESSMENT)
    sign_in(manager)

    response = client.post(
        "/staff/queue/invited_not_booked/remind",
        data={"csrf_token": form_token("/staff/"), "application_ids": [invited.id]},
    )

    assert response.status_code == 403
    assert _emails() == 0


def test_unknown_and_other_roles_lines_are_refused(client, sign_in, manager):
    sign_in(manager)

    assert client.get("/staff/queue/no_such_line").status_code == 404
    assert client.get("/staff/queue/new_applications").status_code == 403
    assert client.get("/staff/queue/awaiting_my_score?page=abc").status_code == 200


@pytest.mark.parametrize("reviewer", ["manager", "hr"])
@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.SIFT])
def test_no_name_on_the_home_or_the_lists_during_the_sift(
    client, sign_in, request, candidate, reviewer, status
):
    seeded = candidate(status, full_name=NAME, needs_hr_check=True)
    user = request.getfixturevalue(reviewer)
    sign_in(user)

    pages = [client.get("/staff/").get_data(as_text=True)]
    keys = re.findall(r'data-queue="([a-z_]+)"', pages[0])
    pages += [client.get(f"/staff/queue/{key}").get_data(as_text=True) for key in keys]

    if not (reviewer == "manager" and status is Status.SUBMITTED):  # not yet for scoring
        assert any(seeded.reference in page for page in pages[1:])
    for page in pages:
        assert "Zebedee" not in page and "Quillfeather" not in page


class _Counter:
    def __init__(self):
        self.statements = 0

    def __call__(self, *args):
        self.statements += 1


def _home_queries(client) -> int:
    counter = _Counter()
    event.listen(Engine, "before_cursor_execute", counter)
    try:
        assert client.get("/staff/").status_code == 200
    finally:
        event.remove(Engine, "before_cursor_execute", counter)
    return counter.statements


# The session's user, the roles with their campaigns and tracks, the stages table (one GROUP
# BY over the tally, and the applications that reached a waiting stage on the cutoff's day),
# the saved views, one count for every line on the scoped applications, and what is not
# one of those (HR: failed emails; a manager: the week's interviews, listed with their times),
# and today's slots whose panel packs the user may have (their panels; HR: all). HR's lines
# the tally counts (new, eligibility check, waiting) take one query over it and one for the
# waiting line's cutoff day (issue 18): constant-cost statements in place of counting rows.
HOME_QUERIES = {StaffRole.ADMIN: 12, StaffRole.HIRING_MANAGER: 9}


@pytest.mark.slow  # hundreds of rows
@pytest.mark.parametrize("role_name", [StaffRole.ADMIN, StaffRole.HIRING_MANAGER])
def test_the_home_costs_the_same_at_10_and_200_applications(client, sign_in, role, role_name):
    stages = [Status.SUBMITTED, Status.SIFT, Status.ASSESSMENT, Status.INTERVIEW, Status.OFFER]
    user = UserFactory(roles=[role_name], tracks=[role.track])
    sign_in(user)

    def seed(n):
        for i in range(n):
            ApplicationFactory(role=role, submitted=True, stage=stages[i % len(stages)])

    seed(10)
    _home_queries(client)  # the first request after sign-in does one-off session work
    small = _home_queries(client)
    seed(190)
    large = _home_queries(client)

    assert small == large == HOME_QUERIES[role_name]


def test_reminding_is_confirmed_first_and_cancel_sends_nothing(
    client, sign_in, form_token, hr, candidate
):
    first, second = candidate(Status.ASSESSMENT), candidate(Status.INTERVIEW)
    sign_in(hr)
    token = form_token("/staff/queue/invited_not_booked")

    page = confirmation(client, token, all="1").get_data(as_text=True)

    assert re.search(r"<title>\s*Remind 2 candidates to book a time and email them\?", page)
    assert first.reference in page and second.reference in page
    assert "The email each will be sent" in page
    assert 'href="/staff/queue/invited_not_booked">Cancel</a>' in page
    assert _emails() == 0  # nothing until "Yes"; Cancel is a link back that changes nothing
    assert db.session.scalar(select(func.count(BookingReminder.id))) == 0


def test_a_confirmation_left_open_reminds_only_who_it_listed(
    client, sign_in, form_token, hr, candidate
):
    listed = candidate(Status.ASSESSMENT)
    sign_in(hr)
    token = form_token("/staff/queue/invited_not_booked")
    confirmation(client, token, all="1")
    candidate(Status.ASSESSMENT)  # invited after the page was shown

    page = client.post(
        "/staff/queue/invited_not_booked/remind",
        data={"csrf_token": token, "confirmed": "yes", "application_ids": [listed.id]},
        follow_redirects=True,
    ).get_data(as_text=True)

    assert "Reminded 1 candidate to book" in page
    assert _emails() == 1

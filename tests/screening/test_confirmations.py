"""Given staff moving candidates, when the move emails someone it cannot take back (making one
candidate unsuccessful, or any move from the list), then a page asks first: it says what will
happen, to whom, and shows the email; only its "Yes" moves anyone, Cancel changes nothing, and
a "Yes" from a page gone stale never acts on a candidate it did not show."""

from __future__ import annotations

import re
from html import unescape

from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from tests.factories import HISTORY, UserFactory
from tests.helpers import csrf_token
from tests.screening.list_helpers import confirmation
from tracker.accounts.models import StaffRole
from tracker.applications.models import Application, TimelineEntry
from tracker.applications.states import Event, Status
from tracker.extensions import db
from tracker.notifications.models import Email
from tracker.screening import services


def _emails() -> int:
    return db.session.scalar(select(func.count()).select_from(Email))


def _moves() -> int:
    # Not counting the history the factories wrote (how a candidate came to be where it is).
    return db.session.scalar(
        select(func.count()).select_from(TimelineEntry).where(TimelineEntry.actor_label != HISTORY)
    )


def _text(page: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", page)).split())


def _ask_to_reject(client, application, **data):
    page = f"/staff/applications/{application.id}"
    return client.post(
        f"{page}/move",
        data={
            "csrf_token": csrf_token(client, page),
            "version": application.version,
            "event": "reject",
            "reasons": ["stronger_candidates", "other"],
            "feedback": "Say more about problem solving next time.",
            **data,
        },
    )


def test_making_one_unsuccessful_shows_the_reasons_and_the_email_first(
    client, sign_in, manager, role, candidate
):
    application = candidate(Status.SIFT)
    sign_in(manager)

    asked = _ask_to_reject(client, application)

    page = asked.get_data(as_text=True)
    text = _text(page)
    assert asked.status_code == 200
    assert f"Make {application.reference} unsuccessful and email them?" in text
    assert "Other candidates showed the criteria more strongly" in text
    assert "Say more about problem solving next time." in text
    # The email as it will go, name-blind in the sift: the preview greets nobody by name.
    assert f"Your application: {role.title}" in text
    assert "Dear [their first name]" in text and "Alex" not in text
    assert "Yes, make unsuccessful and email them" in text
    assert f'href="/staff/applications/{application.id}#move"' in page  # Cancel
    db.session.refresh(application)
    assert application.status is Status.SIFT and _emails() == 0 and _moves() == 0

    action, fields = confirmation(page)
    client.post(action, data=MultiDict(fields))

    db.session.refresh(application)
    assert application.status is Status.UNSUCCESSFUL
    entry = db.session.scalars(
        select(TimelineEntry).where(TimelineEntry.actor_label != HISTORY)
    ).one()
    assert entry.reasons == ["stronger_candidates", "other"]
    assert entry.feedback == "Say more about problem solving next time."
    assert _emails() == 1


def test_past_the_sift_the_preview_names_the_candidate(client, sign_in, manager, candidate):
    application = candidate(Status.ASSESSMENT)
    sign_in(manager)

    text = _text(_ask_to_reject(client, application).get_data(as_text=True))

    assert "Make Alex Example unsuccessful" in text and "Dear Alex," in text


def test_a_stale_confirmation_is_refused_and_changes_nothing(client, sign_in, manager, candidate):
    application = candidate(Status.SIFT)
    sign_in(manager)
    action, fields = confirmation(_ask_to_reject(client, application).get_data(as_text=True))
    # Someone else moves the candidate while the confirmation is open.
    services.move_candidate(
        actor=manager,
        application=application,
        event=Event.INVITE_TO_ASSESSMENT,
        expected_version=application.version,
    )
    db.session.commit()
    emails = _emails()

    answer = client.post(action, data=MultiDict(fields))

    page = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert re.search(r"<title>\s*Error: ", page) and "govuk-error-summary" in page
    assert "Someone else changed this application" in page
    db.session.refresh(application)
    assert application.status is Status.ASSESSMENT and _emails() == emails


def test_the_reasons_are_revealed_under_unsuccessful_only(
    client, sign_in, manager, role, candidate
):
    application = candidate(Status.SIFT)
    sign_in(manager)

    for path in (f"/staff/applications/{application.id}", f"/staff/roles/{role.id}/candidates"):
        page = client.get(path).get_data(as_text=True)
        conditional = re.search(
            r'<div class="govuk-radios__conditional[^"]*" id="(conditional-[^"]+)">(.*?)'
            r"</div>\s*(?:<div class=\"govuk-radios__item|</div>)",
            page,
            re.S,
        )
        assert conditional, path
        assert 'name="reasons"' in conditional.group(2), path
        # The radio that reveals them is "Mark unsuccessful".
        reject = re.search(r'<input[^>]*value="reject"[^>]*>', page).group(0)
        assert f'data-aria-controls="{conditional.group(1)}"' in reject, path


def _ask_bulk(client, role, ids, event="reject", **data):
    path = f"/staff/roles/{role.id}/candidates?status=sift"
    fields = {
        "csrf_token": csrf_token(client, path),
        "application_ids": ids,
        "event": event,
        "reasons": "stronger_candidates",
        **data,
    }
    return client.post(path, data=fields)


def test_a_bulk_move_shows_how_many_who_and_the_email_then_moves_only_those(
    client, sign_in, manager, role, candidate
):
    chosen = [candidate(Status.SIFT) for _ in range(3)]
    not_chosen = candidate(Status.SIFT)
    sign_in(manager)

    asked = _ask_bulk(client, role, [a.id for a in chosen], event="invite_to_assessment")

    page = asked.get_data(as_text=True)
    text = _text(page)
    assert "Invite 3 candidates to assessment and email them?" in text
    assert all(a.reference in text for a in chosen) and not_chosen.reference not in text
    assert "Alex Example" not in text  # name-blind in the sift
    assert "Dear [their first name]" in text
    # Cancel goes back to the list with its filters.
    assert f'href="/staff/roles/{role.id}/candidates?status=sift"' in page
    assert _emails() == 0 and _moves() == 0

    action, fields = confirmation(page)
    done = client.post(action, data=MultiDict(fields))

    assert done.status_code == 302
    assert done.headers["Location"].endswith(f"/staff/roles/{role.id}/candidates?status=sift")
    assert _moves() == 3 and _emails() == 3
    db.session.refresh(not_chosen)
    assert not_chosen.status is Status.SIFT


def test_a_stale_bulk_confirmation_skips_and_reports_who_changed(
    client, sign_in, manager, role, candidate
):
    chosen = [candidate(Status.SIFT) for _ in range(3)]
    sign_in(manager)
    action, fields = confirmation(
        _ask_bulk(client, role, [a.id for a in chosen]).get_data(as_text=True)
    )
    moved_meanwhile = chosen[0]
    services.move_candidate(
        actor=manager,
        application=moved_meanwhile,
        event=Event.INVITE_TO_ASSESSMENT,
        expected_version=moved_meanwhile.version,
    )
    db.session.commit()
    # A candidate who joined the list after the page was shown is not acted on either.
    latecomer = candidate(Status.SIFT)
    db.session.commit()

    page = client.post(action, data=MultiDict(fields), follow_redirects=True).get_data(as_text=True)

    assert "Moved 2 candidates" in page
    assert f"1 not moved, for example {moved_meanwhile.reference}" in page
    db.session.refresh(moved_meanwhile)
    db.session.refresh(latecomer)
    assert moved_meanwhile.status is Status.ASSESSMENT
    assert latecomer.status is Status.SIFT
    unsuccessful = db.session.scalar(
        select(func.count()).where(Application.status == Status.UNSUCCESSFUL)
    )
    assert unsuccessful == 2


def test_hr_sees_names_past_the_sift_on_the_bulk_confirmation(client, sign_in, role, candidate):
    application = candidate(Status.ASSESSMENT)
    sign_in(UserFactory(roles=[StaffRole.ADMIN]))
    path = f"/staff/roles/{role.id}/candidates?status=assessment"

    text = _text(
        client.post(
            path,
            data={
                "csrf_token": csrf_token(client, path),
                "application_ids": [application.id],
                "event": "reject",
                "reasons": "stronger_candidates",
            },
        ).get_data(as_text=True)
    )

    assert f"{application.reference} (Alex Example)" in text
    # The preview is one example for many: it names nobody.
    assert "Dear [their first name]" in text


def test_a_bulk_move_that_would_move_nobody_says_why_on_the_list(
    client, sign_in, manager, role, candidate
):
    submitted = candidate(Status.SUBMITTED)
    sign_in(manager)

    answer = _ask_bulk(client, role, [submitted.id], event="invite_to_interview")

    page = answer.get_data(as_text=True)
    assert answer.status_code == 200 and re.search(r"<title>\s*Error: ", page)
    assert "None of the 1 selected can be moved" in _text(page)
    assert _moves() == 0


def test_reasons_left_ticked_under_unsuccessful_are_not_sent_with_another_move(
    client, sign_in, manager, role, candidate
):
    application = candidate(Status.SIFT)
    sign_in(manager)
    page = f"/staff/applications/{application.id}"

    client.post(
        f"{page}/move",
        data={
            "csrf_token": csrf_token(client, page),
            "version": application.version,
            "event": "invite_to_assessment",
            # Ticked under "Mark unsuccessful" before another move was chosen: a browser
            # still sends what a hidden reveal holds.
            "reasons": ["stronger_candidates"],
            "feedback": "Not for this move",
        },
    )

    entry = db.session.scalars(
        select(TimelineEntry).where(TimelineEntry.actor_label != HISTORY)
    ).one()
    assert (entry.to_status, entry.reasons, entry.feedback) == (Status.ASSESSMENT, [], None)

"""Given a move's email previewed on a confirmation page, then it tells its viewer nothing
about a candidate they may not know: the invitations' line "You told us about adjustments you
need" appears only for HR (who may see adjustments) previewing the one candidate they move;
never to a hiring manager, and never in the one example shown for many."""

from __future__ import annotations

import re
from html import unescape

from tests.factories import UserFactory
from tests.helpers import csrf_token
from tracker.accounts.models import StaffRole
from tracker.applications.states import Event, Status
from tracker.screening import previews

ADJUSTMENTS_LINE = "You told us about adjustments you need"


def _text(page: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", page)).split())


def test_a_hiring_manager_bulk_inviting_does_not_learn_who_asked_for_adjustments(
    client, sign_in, manager, role, candidate
):
    asked = candidate(Status.SIFT, needs_adjustments=True, adjustments="A quiet room")
    sign_in(manager)
    path = f"/staff/roles/{role.id}/candidates?status=sift"

    page = client.post(
        path,
        data={
            "csrf_token": csrf_token(client, path),
            "application_ids": [asked.id],
            "event": "invite_to_assessment",
        },
    ).get_data(as_text=True)

    text = _text(page)
    assert "Invite 1 candidate to assessment and email them?" in text
    assert "Dear [their first name]" in text  # the preview is there...
    assert ADJUSTMENTS_LINE not in text  # ...without what the candidate told HR
    assert "A quiet room" not in text


def test_only_hr_previewing_the_one_candidate_sees_the_adjustments_line(role, candidate):
    asked = candidate(Status.SIFT, needs_adjustments=True, adjustments="A quiet room")
    hr = UserFactory(roles=[StaffRole.ADMIN])
    manager = UserFactory(roles=[StaffRole.HIRING_MANAGER], tracks=[role.track])

    def preview(viewer, **given):
        email = previews.move_email(Event.INVITE_TO_ASSESSMENT, asked, viewer=viewer, **given)
        return email.text + email.html

    # HR may see adjustments, and this is the email this one candidate will get.
    assert ADJUSTMENTS_LINE in preview(hr)
    # One example of many says nothing about the candidate it was built from.
    assert ADJUSTMENTS_LINE not in preview(hr, one_of_many=True)
    # Someone who may not see adjustments never learns of them from a preview.
    assert ADJUSTMENTS_LINE not in preview(manager)
    assert ADJUSTMENTS_LINE not in preview(manager, one_of_many=True)

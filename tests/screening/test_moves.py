"""Given a hiring manager and candidates for their role, when they move candidates one at a
time or many at once, then the moves, reasons, conflicts and guarantees behave as HR expects."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from tests.applications.conftest import sign_in_applicant
from tests.factories import HISTORY
from tests.helpers import csrf_token
from tests.screening.list_helpers import confirmation, post_confirmed
from tracker import clock
from tracker.applications.models import TimelineEntry
from tracker.applications.states import Status
from tracker.audit.models import AuditEvent
from tracker.extensions import db
from tracker.notifications.models import Email


def _move(client, application, **data):
    """Move as a person would: the form, then "Yes" where it asks to confirm."""
    page = f"/staff/applications/{application.id}"
    return post_confirmed(
        client,
        f"{page}/move",
        {"csrf_token": csrf_token(client, page), "version": application.version, **data},
        follow_redirects=True,
    )


def _emails(template: str) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Email).where(Email.template == template)
    )


def test_a_manager_moves_a_candidate_and_the_timeline_says_who(client, sign_in, manager, candidate):
    application = candidate(Status.SIFT)
    sign_in(manager)

    page = _move(client, application, event="invite_to_assessment").get_data(as_text=True)

    db.session.refresh(application)
    assert application.status is Status.ASSESSMENT
    assert "is now: assessment" in page
    entry = db.session.scalars(
        select(TimelineEntry).where(TimelineEntry.actor_label != HISTORY)
    ).one()
    assert (entry.actor_user_id, entry.from_status) == (manager.id, Status.SIFT)
    assert _emails("invited_to_assessment") == 1
    # The move is on the candidate's timeline (its own section of the page).
    timeline = client.get(f"/staff/applications/{application.id}?section=timeline").get_data(
        as_text=True
    )
    assert "Sift → Assessment" in timeline or "In sift → Assessment" in timeline


def test_an_illegal_move_is_a_message_not_an_error(client, sign_in, manager, candidate):
    application = candidate(Status.SUBMITTED)
    sign_in(manager)
    response = _move(client, application, event="make_offer")
    assert response.status_code == 200
    assert "You cannot make an offer" in response.get_data(as_text=True)
    db.session.refresh(application)
    assert application.status is Status.SUBMITTED


def test_two_managers_moving_one_candidate_one_sees_a_conflict(
    client, app, sign_in, manager, candidate
):
    from tests.factories import UserFactory
    from tests.helpers import sign_in_as
    from tracker.accounts.models import StaffRole

    application = candidate(Status.SIFT)
    other = app.test_client()
    sign_in_as(other, UserFactory(roles=[StaffRole.ADMIN]))
    sign_in(manager)
    seen = application.version  # both pages were loaded at this version

    first = _move(client, application, event="invite_to_interview", version=seen)
    second = _move(other, application, event="reject", reasons="stronger_candidates", version=seen)

    db.session.refresh(application)
    assert application.status is Status.INTERVIEW
    assert "is now: interview" in first.get_data(as_text=True)
    assert "Someone else changed this application" in second.get_data(as_text=True)
    moves = (
        select(func.count()).select_from(TimelineEntry).where(TimelineEntry.actor_label != HISTORY)
    )
    assert db.session.scalar(moves) == 1


def test_making_unsuccessful_needs_a_reason_that_reaches_the_applicant(
    client, app, sign_in, manager, candidate
):
    application = candidate(Status.SIFT)
    sign_in(manager)
    refused = _move(client, application, event="reject")
    assert "Select at least one reason" in refused.get_data(as_text=True)

    _move(
        client,
        application,
        event="reject",
        reasons=["stronger_candidates"],
        feedback="Strong on teamwork; say more about problem solving next time.",
    )
    db.session.refresh(application)
    assert application.status is Status.UNSUCCESSFUL
    assert _emails("application_unsuccessful") == 1

    applicant_client = app.test_client()
    sign_in_applicant(applicant_client, application.applicant)
    dashboard = applicant_client.get("/applications").get_data(as_text=True)
    assert "Other candidates showed the criteria more strongly" in dashboard
    assert "say more about problem solving" in dashboard


def test_the_disability_confident_guarantee_needs_an_audited_override(
    client, sign_in, manager, candidate
):
    application = candidate(Status.SIFT, disability_confident=True)
    sign_in(manager)

    refused = _move(client, application, event="reject", reasons="essential_criteria")
    assert "guaranteed an interview" in refused.get_data(as_text=True)
    db.session.refresh(application)
    assert application.status is Status.SIFT

    _move(
        client,
        application,
        event="reject",
        reasons="essential_criteria",
        override_reason="Withdrew their right to work evidence; HR agreed.",
    )
    db.session.refresh(application)
    assert application.status is Status.UNSUCCESSFUL
    entry = db.session.scalars(
        select(TimelineEntry).where(TimelineEntry.actor_label != HISTORY)
    ).one()
    assert entry.override_reason.startswith("Withdrew")
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "application.reject")
        )
        == 1
    )


def test_bulk_rejection_moves_each_once_and_skips_the_guaranteed(
    client, sign_in, manager, role, candidate
):
    plain = [candidate(Status.SIFT) for _ in range(5)]
    guaranteed = candidate(Status.SIFT, disability_confident=True)
    sign_in(manager)
    path = f"/staff/roles/{role.id}/candidates"

    asked = client.post(
        path,
        data={
            "csrf_token": csrf_token(client, path),
            "application_ids": [a.id for a in [*plain, guaranteed]],
            "event": "reject",
            "reasons": "stronger_candidates",
        },
    ).get_data(as_text=True)
    # The confirmation says who will be skipped, and why, before anything moves.
    assert "Make 5 candidates unsuccessful and email them?" in asked
    assert "1 will not be moved" in asked and guaranteed.reference in asked
    assert _emails("application_unsuccessful") == 0
    action, fields = confirmation(asked)

    page = client.post(action, data=MultiDict(fields), follow_redirects=True).get_data(as_text=True)

    assert "Moved 5 candidates" in page
    for application in plain:
        db.session.refresh(application)
        assert application.status is Status.UNSUCCESSFUL
    db.session.refresh(guaranteed)
    assert guaranteed.status is Status.SIFT
    assert _emails("application_unsuccessful") == 5


def test_sift_is_name_blind_and_identity_appears_from_assessment(
    client, sign_in, manager, candidate
):
    application = candidate(Status.SIFT)
    sign_in(manager)
    page = client.get(f"/staff/applications/{application.id}").get_data(as_text=True)
    assert "Alex Example" not in page and application.applicant.email not in page

    _move(client, application, event="invite_to_assessment")
    page = client.get(f"/staff/applications/{application.id}").get_data(as_text=True)
    assert "Alex Example" in page


def test_the_pipeline_list_filters_searches_and_pages(client, sign_in, manager, role, candidate):
    for _ in range(55):
        candidate(Status.SIFT)
    flagged = candidate(Status.SUBMITTED, needs_hr_check=True)
    sign_in(manager)
    base = f"/staff/roles/{role.id}/candidates"

    first = client.get(base).get_data(as_text=True)
    assert "56 candidates" in first and "Page 1 of 2" in first
    second = client.get(f"{base}?page=2").get_data(as_text=True)
    assert len(re.findall(r'name="application_ids"', second)) == 6

    only_flagged = client.get(f"{base}?flag=hr_check").get_data(as_text=True)
    assert "1 candidate" in only_flagged and flagged.reference in only_flagged
    by_reference = client.get(f"{base}?reference={flagged.reference.lower()}").get_data(
        as_text=True
    )
    assert "1 candidate" in by_reference
    in_sift = client.get(f"{base}?status=sift").get_data(as_text=True)
    assert "55 candidates" in in_sift and flagged.reference not in in_sift
    nonsense = client.get(f"{base}?status=nope&page=zz&sort=drop+table")
    assert nonsense.status_code == 200


def test_offer_accepted_then_hired(client, app, sign_in, manager, candidate):
    application = candidate(Status.INTERVIEW)
    sign_in(manager)
    refused = _move(client, application, event="make_offer")
    assert "Enter the start date for the offer" in refused.get_data(as_text=True)
    start = clock.today() + timedelta(days=60)
    _move(
        client,
        application,
        event="make_offer",
        starts_on=[str(start.day), str(start.month), str(start.year)],
    )
    db.session.refresh(application)
    assert application.status is Status.OFFER

    applicant = app.test_client()
    sign_in_applicant(applicant, application.applicant)
    dashboard = applicant.get("/applications").get_data(as_text=True)
    assert "Answer our offer" in dashboard
    path = f"/applications/{application.id}/offer"
    refused = applicant.post(path, data={"csrf_token": csrf_token(applicant, path)})
    assert "Select whether you accept the offer" in refused.get_data(as_text=True)
    applicant.post(
        path,
        data={
            "csrf_token": csrf_token(applicant, path),
            "response": "accept",
            "mentor_contact": "yes",
        },
    )
    db.session.refresh(application)
    assert application.status is Status.PRE_EMPLOYMENT_CHECKS

    # Hiring is not a button: it follows the last condition met.
    assert "Confirm the start" not in client.get(f"/staff/applications/{application.id}").get_data(
        as_text=True
    )
    page = f"/staff/applications/{application.id}"
    for kind in ("right_to_work", "references"):
        client.post(
            f"{page}/conditions/{kind}",
            data={"csrf_token": csrf_token(client, page), "note": "Checked"},
        )
        db.session.refresh(application)
        assert application.status is Status.PRE_EMPLOYMENT_CHECKS
    last = client.post(
        f"{page}/conditions/start_date",
        data={"csrf_token": csrf_token(client, page)},
        follow_redirects=True,
    )
    assert "Every condition is met" in last.get_data(as_text=True)
    db.session.refresh(application)
    assert application.status is Status.HIRED
    for template in ("offer_made", "offer_accepted", "hired"):
        assert _emails(template) == 1


def test_an_offer_can_be_declined(app, candidate):
    application = candidate(Status.OFFER)
    applicant = app.test_client()
    sign_in_applicant(applicant, application.applicant)
    path = f"/applications/{application.id}/offer"
    # Declining cannot be undone, so it is confirmed on a page of its own first.
    asked = applicant.post(
        path, data={"csrf_token": csrf_token(applicant, path), "response": "decline"}
    )
    assert asked.location == f"{path}/decline"
    db.session.refresh(application)
    assert application.status is Status.OFFER
    applicant.post(f"{path}/decline", data={"csrf_token": csrf_token(applicant, f"{path}/decline")})
    db.session.refresh(application)
    assert application.status is Status.OFFER_DECLINED
    assert _emails("offer_declined") == 1
    # Nothing more to answer.
    assert applicant.get(path).status_code == 302


def test_the_staff_home_counts_candidates_per_stage(client, sign_in, manager, role, candidate):
    for _ in range(3):
        candidate(Status.SIFT)
    candidate(Status.INTERVIEW)
    sign_in(manager)
    page = client.get("/staff/").get_data(as_text=True)
    assert f'/staff/roles/{role.id}/candidates?status=sift">3' in page
    assert f'/staff/roles/{role.id}/candidates?status=interview">1' in page


def test_reviewers_leave_notes_for_each_other(client, sign_in, manager, candidate):
    application = candidate(Status.SIFT)
    sign_in(manager)
    page = f"/staff/applications/{application.id}"

    empty = client.post(
        f"{page}/notes", data={"csrf_token": csrf_token(client, page)}, follow_redirects=True
    )
    assert "Enter a note" in empty.get_data(as_text=True)
    client.post(
        f"{page}/notes",
        data={"csrf_token": csrf_token(client, page), "text": "Strong example in answer 2."},
    )

    shown = client.get(f"{page}?section=notes").get_data(as_text=True)
    assert "Strong example in answer 2." in shown
    assert manager.name in shown


def test_reviewers_do_not_see_other_qualifications_during_the_sift(
    client, sign_in, manager, candidate
):
    application = candidate(Status.SIFT, other_qualifications="GCSEs at Hill Park Academy")
    sign_in(manager)
    page = client.get(f"/staff/applications/{application.id}").get_data(as_text=True)
    assert "Hill Park Academy" not in page
    assert "Hidden during the sift" in page

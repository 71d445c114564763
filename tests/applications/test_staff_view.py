"""Staff see submitted applications for their roles; reviewers do not see who applied."""

from __future__ import annotations

from tests.factories import ApplicationFactory, UserFactory
from tracker.accounts.models import StaffRole


def test_a_hiring_manager_reads_the_answers_but_not_who_applied(client, sign_in, role):
    application = ApplicationFactory(role=role, submitted=True, phone="07911 123456")
    sign_in(UserFactory(roles=[StaffRole.HIRING_MANAGER], tracks=[role.track]))

    page = client.get(f"/staff/applications/{application.id}").get_data(as_text=True)

    assert application.reference in page
    assert "An example for: You enjoy solving problems" in page
    for identity in ("Alex Example", "07911 123456", "SW1A 1AA", application.applicant.email):
        assert identity not in page
    listing = client.get(f"/staff/roles/{role.id}/candidates").get_data(as_text=True)
    assert application.reference in listing
    assert "Alex Example" not in listing


def test_hr_sees_the_eligibility_flags_but_not_who_applied_during_the_sift(client, sign_in, role):
    application = ApplicationFactory(
        role=role,
        submitted=True,
        needs_hr_check=True,
        eligibility_findings=[
            {"code": "residency", "severity": "check", "message": "Usually 3 years' residency"}
        ],
    )
    sign_in(UserFactory(roles=[StaffRole.ADMIN]))

    page = client.get(f"/staff/applications/{application.id}").get_data(as_text=True)

    # Name-blind for HR too (tests/screening/test_name_blind.py covers revealing it).
    assert "Alex Example" not in page
    assert application.applicant.email not in page
    assert "Usually 3 years" in page
    assert "HR needs to check" in page


def test_past_the_sift_hr_sees_who_applied(client, sign_in, role):
    application = ApplicationFactory(role=role, assessment=True)
    sign_in(UserFactory(roles=[StaffRole.ADMIN]))

    page = client.get(f"/staff/applications/{application.id}").get_data(as_text=True)

    assert "Alex Example" in page
    assert application.applicant.email in page


def test_drafts_are_not_shown_to_staff(client, sign_in, role):
    draft = ApplicationFactory(role=role, complete=True)
    sign_in(UserFactory(roles=[StaffRole.ADMIN]))
    assert client.get(f"/staff/applications/{draft.id}").status_code == 404

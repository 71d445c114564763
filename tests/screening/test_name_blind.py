"""Name-blind review: during the sift nobody who reviews a candidate sees who they are, HR
included, and nobody gets their CV unless the council chose neutral-name downloads. HR can
reveal who applied, for themselves, with a reason that is audited; hiring managers cannot.

Given a candidate with a distinctive name in the sift, when each kind of reviewer opens the
staff pages and the CV link, then the name appears nowhere until HR reveals it.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.factories import ApplicantFactory, ApplicationFactory, UserFactory
from tests.helpers import csrf_token, sign_in_as
from tracker.accounts.models import StaffRole
from tracker.applications import uploads
from tracker.applications.models import CvDocument
from tracker.applications.states import Status
from tracker.audit.models import AuditEvent
from tracker.config import ConfigError, load_settings
from tracker.extensions import db
from tracker.screening import identity
from tracker.screening.models import IdentityReveal

CV_BYTES = b"%PDF-1.4 Zebedee Quillfeather, 1 Quill Lane"
# Everything that would tell a reviewer who applied; none of it may be on a name-blind page.
SURNAME = "Quillfeather"
IDENTITY = (
    SURNAME,
    "Zebedee",
    "zebedee.q@example.com",
    "07700 900461",
    "QU1 1LL",
    "St Quill Academy",
)
SIFT_STAGES = [Status.SUBMITTED, Status.SIFT]
REVIEWERS = [StaffRole.HIRING_MANAGER, StaffRole.ADMIN]


@pytest.fixture
def candidate(app, role, monkeypatch, tmp_path):
    """A candidate with a CV whose file name is their own name, at the given stage."""
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path))

    def make(status: Status):
        application = ApplicationFactory(
            role=role,
            submitted=True,
            stage=status,
            applicant=ApplicantFactory(email="zebedee.q@example.com"),
            full_name="Zebedee Quillfeather",
            phone="07700 900461",
            postcode="QU1 1LL",
            other_qualifications="BTEC at St Quill Academy",
        )
        name = uploads.new_storage_name(uploads.PDF)
        uploads.save(tmp_path, name, CV_BYTES)
        application.cv = CvDocument(
            storage_name=name,
            display_name="zebedee-quillfeather-cv.pdf",
            media_type="application/pdf",
            size_bytes=len(CV_BYTES),
        )
        db.session.commit()
        return application

    return make


@pytest.fixture
def reviewer(app, role):
    """A signed-in client for a new hiring manager of the role, or a new HR user."""

    def make(kind: StaffRole):
        user = UserFactory(
            roles=[kind], tracks=[role.track] if kind is StaffRole.HIRING_MANAGER else []
        )
        db.session.commit()
        client = app.test_client()
        assert sign_in_as(client, user).status_code == 302
        return client, user

    return make


def _assert_anonymous(html: str, where: str) -> None:
    for detail in IDENTITY:
        assert detail not in html, f"{detail!r} is on {where}"


def _reveal(client, application, reason="To phone them about their right to work"):
    page = f"/staff/applications/{application.id}"
    return client.post(
        f"{page}/reveal", data={"reason": reason, "csrf_token": csrf_token(client, page)}
    )


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


# The CV


@pytest.mark.parametrize("status", SIFT_STAGES)
@pytest.mark.parametrize("kind", REVIEWERS)
def test_during_the_sift_nobody_gets_the_cv(candidate, reviewer, status, kind):
    application = candidate(status)
    client, user = reviewer(kind)

    response = client.get(f"/staff/applications/{application.id}/cv")

    assert response.status_code == 403
    assert CV_BYTES not in response.data
    assert "Content-Disposition" not in response.headers
    html = response.get_data(as_text=True)
    assert "The CV is not shown during the sift" in html
    _assert_anonymous(html, "the refusal")
    page = client.get(f"/staff/applications/{application.id}").get_data(as_text=True)
    assert f"/staff/applications/{application.id}/cv" not in page
    assert "Not shown during the sift: a CV usually names the candidate" in page
    assert _count(AuditEvent, AuditEvent.action == "application.cv_downloaded") == 0
    assert _count(AuditEvent, AuditEvent.action == "access.denied", AuditEvent.actor_id == user.id)


@pytest.mark.parametrize("status", [Status.ASSESSMENT, Status.INTERVIEW])
@pytest.mark.parametrize("kind", REVIEWERS)
def test_past_the_sift_the_cv_downloads_under_a_neutral_name(candidate, reviewer, status, kind):
    application = candidate(status)
    client, _ = reviewer(kind)

    response = client.get(f"/staff/applications/{application.id}/cv")

    assert response.status_code == 200
    assert response.data == CV_BYTES
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename=cv-{application.reference}.pdf"
    )
    assert "quillfeather" not in str(response.headers).lower()
    # The page names the candidate now, and links to the CV.
    page = client.get(f"/staff/applications/{application.id}").get_data(as_text=True)
    assert "Zebedee Quillfeather" in page
    assert f'href="/staff/applications/{application.id}/cv"' in page


@pytest.mark.parametrize("kind", REVIEWERS)
def test_an_application_without_a_cv_has_no_cv_to_download(candidate, reviewer, kind):
    application = candidate(Status.INTERVIEW)
    db.session.delete(application.cv)
    db.session.flush()
    db.session.expire(application)
    client, _ = reviewer(kind)

    response = client.get(f"/staff/applications/{application.id}/cv")

    assert response.status_code == 404
    assert "Content-Disposition" not in response.headers
    page = client.get(f"/staff/applications/{application.id}").get_data(as_text=True)
    assert f'href="/staff/applications/{application.id}/cv"' not in page


@pytest.mark.parametrize("kind", REVIEWERS)
def test_a_council_can_let_reviewers_have_the_cv_in_the_sift_under_a_neutral_name(
    app, monkeypatch, candidate, reviewer, kind
):
    monkeypatch.setitem(app.config, "SIFT_CV_ACCESS", "neutral-name")
    application = candidate(Status.SIFT)
    client, _ = reviewer(kind)

    response = client.get(f"/staff/applications/{application.id}/cv")

    assert response.status_code == 200
    assert response.data == CV_BYTES
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename=cv-{application.reference}.pdf"
    )
    page = client.get(f"/staff/applications/{application.id}").get_data(as_text=True)
    assert f'href="/staff/applications/{application.id}/cv"' in page
    assert "Download the CV (PDF)" in page
    _assert_anonymous(page, "the candidate page")


def test_the_sift_cv_setting_is_none_unless_a_council_chooses_neutral_names(tmp_path):
    assert load_settings({}, instance_path=tmp_path)["SIFT_CV_ACCESS"] == "none"
    chosen = load_settings({"SIFT_CV_ACCESS": "Neutral-Name"}, instance_path=tmp_path)
    assert chosen["SIFT_CV_ACCESS"] == "neutral-name"
    with pytest.raises(ConfigError, match="SIFT_CV_ACCESS must be one of none, neutral-name"):
        load_settings({"SIFT_CV_ACCESS": "original"}, instance_path=tmp_path)


# Who applied


@pytest.mark.parametrize("status", SIFT_STAGES)
@pytest.mark.parametrize("kind", REVIEWERS)
def test_no_staff_page_names_a_candidate_in_the_sift(candidate, reviewer, role, status, kind):
    application = candidate(status)
    client, _ = reviewer(kind)

    pages = {
        "the candidate page": f"/staff/applications/{application.id}",
        "the candidate list": f"/staff/roles/{role.id}/candidates",
        "a search for the reference": (
            f"/staff/roles/{role.id}/candidates?reference={application.reference}"
        ),
        "the role page": f"/staff/roles/{role.id}",
        "the staff home page": "/staff/",
    }
    for where, path in pages.items():
        response = client.get(path)
        assert response.status_code == 200, where
        _assert_anonymous(response.get_data(as_text=True), where)
    listing = client.get(pages["a search for the reference"]).get_data(as_text=True)
    assert application.reference in listing


def test_hr_reveals_who_applied_with_a_reason_that_is_audited(candidate, reviewer):
    application = candidate(Status.SIFT)
    client, user = reviewer(StaffRole.ADMIN)
    page = f"/staff/applications/{application.id}"
    assert "Show name and contact details" in client.get(page).get_data(as_text=True)

    response = _reveal(client, application)

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{page}#identity")
    [event] = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "application.identity_revealed")
    ).all()
    assert (event.actor_id, event.object_type, event.object_id) == (
        user.id,
        "application",
        str(application.id),
    )
    assert event.details["reason"] == "To phone them about their right to work"
    html = client.get(page).get_data(as_text=True)
    assert "You can now see who applied" in html
    assert "Name and contact details shown to you" in html
    for detail in IDENTITY:
        assert detail in html
    # The CV too: the reveal is for contacting them, and the name is known now.
    cv = client.get(f"{page}/cv")
    assert cv.status_code == 200
    assert cv.data == CV_BYTES


@pytest.mark.parametrize("kind", REVIEWERS)
def test_a_reveal_is_for_that_hr_user_only(candidate, reviewer, kind):
    application = candidate(Status.SIFT)
    hr, _ = reviewer(StaffRole.ADMIN)
    assert _reveal(hr, application).status_code == 302

    other, _ = reviewer(kind)
    page = other.get(f"/staff/applications/{application.id}").get_data(as_text=True)

    _assert_anonymous(page, "another reviewer's candidate page")
    assert other.get(f"/staff/applications/{application.id}/cv").status_code == 403


def test_a_hiring_manager_cannot_reveal_who_applied(candidate, reviewer):
    application = candidate(Status.SIFT)
    client, _ = reviewer(StaffRole.HIRING_MANAGER)
    page = client.get(f"/staff/applications/{application.id}").get_data(as_text=True)
    assert "Show name and contact details" not in page

    response = _reveal(client, application)

    assert response.status_code == 403
    assert _count(IdentityReveal) == 0
    assert _count(AuditEvent, AuditEvent.action == "application.identity_revealed") == 0
    _assert_anonymous(
        client.get(f"/staff/applications/{application.id}").get_data(as_text=True),
        "the manager's candidate page after trying",
    )


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "Enter why you need the candidate&#39;s name and contact details"),
        ("x" * 501, "Reason must be 500 characters or fewer"),
    ],
)
def test_a_reveal_without_a_usable_reason_changes_nothing(candidate, reviewer, reason, message):
    application = candidate(Status.SIFT)
    client, _ = reviewer(StaffRole.ADMIN)

    response = _reveal(client, application, reason=reason)

    # The candidate's page again, with the error and what was typed.
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<title>Error: " in html
    assert message in html
    assert reason in html
    assert _count(IdentityReveal) == 0
    assert _count(AuditEvent, AuditEvent.action == "application.identity_revealed") == 0
    _assert_anonymous(html, "the candidate page")


def test_past_the_sift_there_is_nothing_to_reveal(candidate, reviewer):
    application = candidate(Status.ASSESSMENT)
    client, user = reviewer(StaffRole.ADMIN)
    assert "Show name and contact details" not in client.get(
        f"/staff/applications/{application.id}"
    ).get_data(as_text=True)

    with pytest.raises(identity.RevealError, match="is through the sift"):
        identity.reveal_identity(actor=user, application=application, reason="To phone them")
    assert _count(IdentityReveal) == 0


def test_revealing_twice_is_refused_with_a_message(candidate, reviewer):
    application = candidate(Status.SIFT)
    client, _ = reviewer(StaffRole.ADMIN)
    assert _reveal(client, application).status_code == 302

    response = _reveal(client, application, reason="Again")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f"You have already revealed who applied for {application.reference}" in html
    assert _count(IdentityReveal) == 1

"""Every staff endpoint, for every role, including records outside the user's scope.

Each row says who may use the endpoint; everyone else gets 403 or 404, never the page.
A new staff endpoint must be added here: the last test fails until it is.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.factories import (
    ApplicationFactory,
    PartnerOrganisationFactory,
    RoleFactory,
    SlotFactory,
    TrackFactory,
    UserFactory,
)
from tests.helpers import csrf_token
from tests.mentoring.factories import MentorProfileFactory, assigned, hired
from tracker import clock
from tracker.accounts.models import StaffRole
from tracker.applications import uploads
from tracker.applications.models import Application, CvDocument
from tracker.applications.states import Status
from tracker.audit.services import record_event
from tracker.clock import utcnow
from tracker.exports.models import ExportTemplate
from tracker.extensions import db
from tracker.notifications.models import Email, EmailStatus
from tracker.partners.models import Share, ShareCriterion, SharedCandidate
from tracker.screening.models import SavedView

ADMIN, MANAGER, PARTNER, MENTOR = (
    StaffRole.ADMIN,
    StaffRole.HIRING_MANAGER,
    StaffRole.PARTNER,
    StaffRole.MENTOR,
)
EVERYONE = {ADMIN, MANAGER, PARTNER, MENTOR}
STAFF = {ADMIN, MANAGER}  # HR and hiring managers: who reviews candidates

# (method, endpoint, path template, who may use it)
MATRIX = [
    ("GET", "staff.dashboard", "/staff/", EVERYONE),
    ("GET", "staff.candidates", "/staff/candidates", {ADMIN, MANAGER}),
    # The work queue: each line belongs to one role; another role's line is refused.
    ("GET", "workqueue.queue", "/staff/queue/awaiting_my_score", {MANAGER}),
    ("GET", "workqueue.queue", "/staff/queue/new_applications", {ADMIN}),
    ("GET", "workqueue.queue", "/staff/queue/invited_not_booked", {ADMIN}),
    ("GET", "workqueue.queue", "/staff/queue/partner_feedback_due", {PARTNER}),
    ("GET", "workqueue.queue", "/staff/queue/check_ins_due", {MENTOR}),
    ("GET", "workqueue.queue", "/staff/queue/no_such_line", set()),
    ("POST", "workqueue.remind", "/staff/queue/invited_not_booked/remind", {ADMIN}),
    ("GET", "staff.role", "/staff/roles/{own_role}", {ADMIN, MANAGER}),
    ("GET", "staff.role", "/staff/roles/{other_role}", {ADMIN}),
    ("GET", "staff.application", "/staff/applications/{own_application}", {ADMIN, MANAGER}),
    ("GET", "staff.application", "/staff/applications/{other_application}", {ADMIN}),
    # During the name-blind sift nobody gets the CV (SIFT_CV_ACCESS=none); past it, staff do.
    ("GET", "staff.application_cv", "/staff/applications/{own_application}/cv", set()),
    ("GET", "staff.application_cv", "/staff/applications/{assessed_application}/cv", STAFF),
    ("GET", "staff.application_cv", "/staff/applications/{other_assessed}/cv", {ADMIN}),
    (
        "POST",
        "screening.reveal_identity",
        "/staff/applications/{own_application}/reveal",
        {ADMIN},
    ),
    (
        "POST",
        "screening.reveal_identity",
        "/staff/applications/{other_application}/reveal",
        {ADMIN},
    ),
    ("GET", "screening.candidates", "/staff/roles/{own_role}/candidates", {ADMIN, MANAGER}),
    ("GET", "screening.candidates", "/staff/roles/{other_role}/candidates", {ADMIN}),
    ("POST", "screening.candidates", "/staff/roles/{own_role}/candidates", {ADMIN, MANAGER}),
    ("POST", "screening.candidates", "/staff/roles/{other_role}/candidates", {ADMIN}),
    ("POST", "screening.save_view", "/staff/roles/{own_role}/saved-views", {ADMIN, MANAGER}),
    ("POST", "screening.save_view", "/staff/roles/{other_role}/saved-views", {ADMIN}),
    # Someone else's saved view: nobody else may delete it.
    ("POST", "screening.delete_view", "/staff/saved-views/{other_view}/delete", set()),
    ("POST", "screening.move", "/staff/applications/{own_application}/move", {ADMIN, MANAGER}),
    ("POST", "screening.move", "/staff/applications/{other_application}/move", {ADMIN}),
    (
        "POST",
        "screening.make_unsuccessful",
        "/staff/applications/{own_application}/unsuccessful",
        {ADMIN, MANAGER},
    ),
    (
        "POST",
        "screening.make_unsuccessful",
        "/staff/applications/{other_application}/unsuccessful",
        {ADMIN},
    ),
    ("POST", "screening.bulk_move", "/staff/roles/{own_role}/candidates/move", {ADMIN, MANAGER}),
    ("POST", "screening.bulk_move", "/staff/roles/{other_role}/candidates/move", {ADMIN}),
    ("POST", "screening.add_note", "/staff/applications/{own_application}/notes", {ADMIN, MANAGER}),
    ("POST", "screening.add_note", "/staff/applications/{other_application}/notes", {ADMIN}),
    (
        "POST",
        "screening.score",
        "/staff/applications/{own_application}/scorecard",
        {ADMIN, MANAGER},
    ),
    ("POST", "screening.score", "/staff/applications/{other_application}/scorecard", {ADMIN}),
    ("GET", "screening.review", "/staff/roles/{own_role}/review?status=sift", {ADMIN, MANAGER}),
    ("GET", "screening.review", "/staff/roles/{other_role}/review?status=sift", {ADMIN}),
    (
        "POST",
        "screening.meet_condition",
        "/staff/applications/{own_application}/conditions/references",
        STAFF,
    ),
    (
        "POST",
        "screening.meet_condition",
        "/staff/applications/{other_application}/conditions/references",
        {ADMIN},
    ),
    ("GET", "scheduling.slots", "/staff/roles/{own_role}/slots", STAFF),
    ("GET", "scheduling.slots", "/staff/roles/{other_role}/slots", {ADMIN}),
    ("POST", "scheduling.slots", "/staff/roles/{own_role}/slots", STAFF),
    ("POST", "scheduling.slots", "/staff/roles/{other_role}/slots", {ADMIN}),
    ("GET", "scheduling.slot", "/staff/slots/{own_slot}", STAFF),
    ("GET", "scheduling.slot", "/staff/slots/{other_slot}", {ADMIN}),
    ("GET", "scheduling.new_day", "/staff/roles/{own_role}/days/new", STAFF),
    ("GET", "scheduling.new_day", "/staff/roles/{other_role}/days/new", {ADMIN}),
    ("POST", "scheduling.new_day", "/staff/roles/{own_role}/days/new", STAFF),
    ("POST", "scheduling.new_day", "/staff/roles/{other_role}/days/new", {ADMIN}),
    ("GET", "scheduling.interviews", "/staff/interviews", STAFF),
    # The panel's calendar invitation: HR, and the slot's own panel (nobody here sits on it).
    ("GET", "scheduling.invitation", "/staff/slots/{own_slot}/invitation.ics", {ADMIN}),
    ("GET", "scheduling.invitation", "/staff/slots/{other_slot}/invitation.ics", {ADMIN}),
    # Panel packs: HR, and the slot's own panel (nobody here sits on it); anyone else 404.
    ("GET", "scheduling.slot_pack", "/staff/slots/{own_slot}/pack", {ADMIN}),
    ("GET", "scheduling.slot_pack_pdf", "/staff/slots/{other_slot}/pack.pdf", {ADMIN}),
    (
        "GET",
        "scheduling.day_pack",
        "/staff/roles/{own_role}/days/{own_day}/interview/pack",
        {ADMIN},
    ),
    (
        "GET",
        "scheduling.day_pack_pdf",
        "/staff/roles/{other_role}/days/{own_day}/interview/pack.pdf",
        {ADMIN},
    ),
    ("GET", "partners.shares", "/staff/shares", {ADMIN}),
    ("GET", "partners.new_share", "/staff/shares/new", {ADMIN}),
    ("POST", "partners.new_share", "/staff/shares/new", {ADMIN}),
    ("GET", "partners.share", "/staff/shares/{own_share}", {ADMIN}),
    ("POST", "partners.lock", "/staff/shares/{own_share}/lock", {ADMIN}),
    ("POST", "partners.unlock", "/staff/shares/{own_share}/unlock", {ADMIN}),
    ("GET", "partners.end", "/staff/shares/{own_share}/end", {ADMIN}),
    ("POST", "partners.end", "/staff/shares/{own_share}/end", {ADMIN}),
    (
        "POST",
        "partners.unshare",
        "/staff/shares/{own_share}/candidates/{own_shared}/unshare",
        {ADMIN},
    ),
    (
        "GET",
        "partners.unshare",
        "/staff/shares/{own_share}/candidates/{own_shared}/unshare",
        {ADMIN},
    ),
    ("GET", "partners.organisations", "/staff/partners/organisations", {ADMIN}),
    ("GET", "partners.new_organisation", "/staff/partners/organisations/new", {ADMIN}),
    ("POST", "partners.new_organisation", "/staff/partners/organisations/new", {ADMIN}),
    (
        "GET",
        "partners.organisation",
        "/staff/partners/organisations/{own_organisation.id}",
        {ADMIN},
    ),
    (
        "GET",
        "partners.edit_organisation",
        "/staff/partners/organisations/{own_organisation.id}/edit",
        {ADMIN},
    ),
    (
        "POST",
        "partners.edit_organisation",
        "/staff/partners/organisations/{own_organisation.id}/edit",
        {ADMIN},
    ),
    ("GET", "partners.portal", "/partner/", {PARTNER}),
    ("GET", "partners.partner_share", "/partner/shares/{own_share}", {PARTNER}),
    ("GET", "partners.partner_share", "/partner/shares/{other_share}", set()),
    ("GET", "partners.candidate", "/partner/candidates/{own_shared}", {PARTNER}),
    ("POST", "partners.candidate", "/partner/candidates/{own_shared}", {PARTNER}),
    ("GET", "partners.candidate", "/partner/candidates/{other_shared}", set()),
    ("POST", "partners.candidate", "/partner/candidates/{other_shared}", set()),
    ("GET", "mentoring.mentors", "/staff/mentors", {ADMIN}),
    ("GET", "mentoring.profile", "/staff/mentors/{mentor_user}", {ADMIN}),
    ("POST", "mentoring.profile", "/staff/mentors/{mentor_user}", {ADMIN}),
    ("GET", "mentoring.apprentices", "/staff/apprentices", {ADMIN}),
    ("GET", "mentoring.assign", "/staff/apprentices/{hired_application}/mentor", {ADMIN}),
    ("POST", "mentoring.assign", "/staff/apprentices/{hired_application}/mentor", {ADMIN}),
    ("GET", "mentoring.assign", "/staff/apprentices/{own_application}/mentor", set()),
    ("GET", "mentoring.mentees", "/staff/mentees", {MENTOR}),
    ("GET", "mentoring.mentee", "/staff/mentees/{mentee_application}", {MENTOR}),
    ("POST", "mentoring.mentee", "/staff/mentees/{mentee_application}", {MENTOR}),
    ("GET", "mentoring.mentee", "/staff/mentees/{hired_application}", set()),
    ("GET", "exports.shortlist", "/staff/exports/shortlist", {ADMIN, MANAGER}),
    (
        "GET",
        "exports.shortlist",
        "/staff/exports/shortlist?role_id={own_role}&status=sift",
        {ADMIN, MANAGER},
    ),
    ("GET", "exports.shortlist", "/staff/exports/shortlist?role_id={other_role}", {ADMIN}),
    (
        "GET",
        "exports.download",
        "/staff/exports/shortlist/download?role_id={own_role}&columns=reference&format=csv",
        {ADMIN, MANAGER},
    ),
    (
        "GET",
        "exports.download",
        "/staff/exports/shortlist/download?role_id={other_role}&columns=reference&format=csv",
        {ADMIN},
    ),
    (
        "GET",
        "exports.download",
        "/staff/exports/shortlist/download?role_id={own_role}&columns=reference&format=xlsx",
        {ADMIN, MANAGER},
    ),
    ("GET", "exports.new_template", "/staff/exports/templates/new?columns=reference", STAFF),
    ("POST", "exports.new_template", "/staff/exports/templates/new", STAFF),
    # A template is its owner's alone: another user's is not found, HR's included.
    ("GET", "exports.shortlist", "/staff/exports/shortlist?template={other_template}", set()),
    ("GET", "exports.template", "/staff/exports/templates/{other_template}", set()),
    ("POST", "exports.template", "/staff/exports/templates/{other_template}", set()),
    ("POST", "exports.delete_template", "/staff/exports/templates/{other_template}/delete", set()),
    ("GET", "reports.index", "/staff/reports", {ADMIN}),
    ("GET", "reports.funnel", "/staff/reports/funnel", {ADMIN}),
    ("GET", "reports.funnel_csv", "/staff/reports/funnel.csv", {ADMIN}),
    ("GET", "reports.sources", "/staff/reports/sources", {ADMIN}),
    ("GET", "reports.sources_csv", "/staff/reports/sources.csv", {ADMIN}),
    ("GET", "reports.equality", "/staff/reports/equality", {ADMIN}),
    ("GET", "reports.equality_csv", "/staff/reports/equality.csv", {ADMIN}),
    ("GET", "reports.population", "/staff/reports/equality/population", {ADMIN}),
    ("POST", "reports.population", "/staff/reports/equality/population", {ADMIN}),
    ("GET", "reports.remove_population", "/staff/reports/equality/population/remove", {ADMIN}),
    ("POST", "reports.remove_population", "/staff/reports/equality/population/remove", {ADMIN}),
    ("GET", "reports.comparison", "/staff/reports/comparison", {ADMIN}),
    ("GET", "reports.comparison_csv", "/staff/reports/comparison.csv", {ADMIN}),
    ("GET", "reports.reasons", "/staff/reports/reasons", {ADMIN}),
    ("GET", "reports.reasons_csv", "/staff/reports/reasons.csv", {ADMIN}),
    ("GET", "reports.timing", "/staff/reports/time-to-hire", {ADMIN}),
    ("GET", "reports.timing_csv", "/staff/reports/time-to-hire.csv", {ADMIN}),
    ("GET", "privacy.data_requests", "/staff/data-requests", {ADMIN}),
    ("POST", "privacy.data_requests", "/staff/data-requests", {ADMIN}),
    ("GET", "privacy.applicant", "/staff/data-requests/{applicant}", {ADMIN}),
    ("POST", "privacy.export_data", "/staff/data-requests/{applicant}/export", {ADMIN}),
    ("GET", "privacy.erase", "/staff/data-requests/{applicant}/erase", {ADMIN}),
    ("POST", "privacy.erase", "/staff/data-requests/{applicant}/erase", {ADMIN}),
    ("GET", "privacy.retention", "/staff/retention", {ADMIN}),
    ("POST", "privacy.retention", "/staff/retention", {ADMIN}),
    ("GET", "accounts.change_password", "/staff/account/password", EVERYONE),
    ("POST", "accounts.change_password", "/staff/account/password", EVERYONE),
    ("GET", "admin.index", "/admin", {ADMIN}),
    ("GET", "admin.users", "/admin/users", {ADMIN}),
    ("GET", "admin.invite", "/admin/users/invite", {ADMIN}),
    ("POST", "admin.invite", "/admin/users/invite", {ADMIN}),
    ("GET", "admin.user", "/admin/users/{target}", {ADMIN}),
    ("POST", "admin.user", "/admin/users/{target}", {ADMIN}),
    ("POST", "admin.resend_invitation", "/admin/users/{target}/resend-invitation", {ADMIN}),
    ("GET", "admin.deactivate", "/admin/users/{target}/deactivate", {ADMIN}),
    ("POST", "admin.deactivate", "/admin/users/{target}/deactivate", {ADMIN}),
    ("POST", "admin.reactivate", "/admin/users/{target}/reactivate", {ADMIN}),
    ("GET", "audit.log", "/admin/audit", {ADMIN}),
    ("GET", "audit.event", "/admin/audit/{audit_event}", {ADMIN}),
    ("GET", "audit.download", "/admin/audit.csv", {ADMIN}),
    ("GET", "admin.emails", "/admin/emails", {ADMIN}),
    ("POST", "admin.retry_email", "/admin/emails/{email}/retry", {ADMIN}),
    ("GET", "admin.email_templates", "/admin/email-templates", {ADMIN}),
    ("GET", "admin.email_template", "/admin/email-templates/test_email", {ADMIN}),
]


def _share(organisation, application_id: int) -> tuple[int, int]:
    """A live share of one candidate with the organisation: (share id, shared candidate id)."""
    share = Share(
        organisation_id=organisation.id,
        purpose="Assessment day",
        due_on=clock.today(),
        fields=[],
        created_by="hr@example.gov.uk",
        created_at=utcnow(),
        criteria=[ShareCriterion(position=1, text="Problem solving")],
        candidates=[SharedCandidate(application_id=application_id)],
    )
    db.session.add(share)
    db.session.flush()
    return share.id, share.candidates[0].id


def _saved_view(user, role) -> int:
    view = SavedView(user_id=user.id, role_id=role.id, name="Mine", query="", created_at=utcnow())
    db.session.add(view)
    db.session.flush()
    return view.id


def _export_template(user) -> int:
    template = ExportTemplate(
        user_id=user.id,
        name="Mine",
        columns=["reference"],
        created_at=utcnow(),
        updated_at=utcnow(),
    )
    db.session.add(template)
    db.session.flush()
    return template.id


def _submitted_with_cv(role, folder, status=Status.SUBMITTED):
    application = ApplicationFactory(role=role, submitted=True, stage=status)
    name = uploads.new_storage_name(uploads.PDF)
    uploads.save(folder, name, b"%PDF-1.4 a CV")
    application.cv = CvDocument(
        storage_name=name, display_name="cv.pdf", media_type="application/pdf", size_bytes=13
    )
    db.session.flush()
    return application.id


@pytest.fixture
def records(app, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path))
    own_track, other_track = TrackFactory(), TrackFactory()
    own_role = RoleFactory(track=own_track)
    other_role = RoleFactory(track=other_track)
    target = UserFactory(roles=[MENTOR])
    own_organisation, other_organisation = (
        PartnerOrganisationFactory(),
        PartnerOrganisationFactory(),
    )
    email = Email(
        idempotency_key="matrix",
        recipient="x@example.com",
        template="test_email",
        context={"requested_by": "x"},
        queued_by="test",
        status=EmailStatus.FAILED,
        attempts=8,
        last_error="refused",
        failed_at=utcnow(),
        next_attempt_at=utcnow(),
    )
    db.session.add(email)
    db.session.flush()
    own_application = _submitted_with_cv(own_role, tmp_path)
    # A mentor with one apprentice (the matrix's mentor), and a hired apprentice of nobody's.
    mentor = MentorProfileFactory(tracks=[own_track])
    mentee = hired(own_role)
    assigned(mentee, mentor)
    own_share, own_shared = _share(own_organisation, own_application)
    other_share, other_shared = _share(other_organisation, own_application)
    return {
        "own_track": own_track,
        "own_organisation": own_organisation,
        "mentor": mentor.user,
        "mentor_user": mentor.user_id,
        "mentee_application": mentee.id,
        "hired_application": hired(other_role).id,
        "own_share": own_share,
        "own_shared": own_shared,
        "other_share": other_share,
        "other_shared": other_shared,
        "own_role": own_role.id,
        "other_role": other_role.id,
        "target": target.id,
        "other_view": _saved_view(target, own_role),
        "other_template": _export_template(UserFactory(roles=[ADMIN])),
        "email": email.id,
        "audit_event": record_event(actor=None, actor_label="matrix", action="sign_out").id,
        "own_application": own_application,
        "applicant": db.session.get(Application, own_application).applicant_id,
        "own_slot": SlotFactory(role=own_role).id,
        "other_slot": SlotFactory(role=other_role).id,
        # The UK date of those two slots (SlotFactory: a week from now), for their days' packs.
        "own_day": (utcnow() + timedelta(days=7)).astimezone(clock.UK).date().isoformat(),
        "other_application": _submitted_with_cv(other_role, tmp_path),
        "assessed_application": _submitted_with_cv(own_role, tmp_path, Status.ASSESSMENT),
        "other_assessed": _submitted_with_cv(other_role, tmp_path, Status.ASSESSMENT),
    }


def _user_for(role: StaffRole, records: dict):
    if role is MANAGER:
        return UserFactory(roles=[MANAGER], tracks=[records["own_track"]])
    if role is MENTOR:
        return records["mentor"]
    if role is PARTNER:
        return UserFactory(roles=[PARTNER], partner_organisation=records["own_organisation"])
    return UserFactory(roles=[role])


def _request(client, method: str, path: str):
    if method == "GET":
        return client.get(path)
    return client.post(path, data={"csrf_token": csrf_token(client, "/staff/")})


# Slow as a whole: some 700 cases, each on a fresh set of records (minutes in all). `make test`
# runs it; `make test-fast` leaves it to `make test` and CI.
@pytest.mark.slow
@pytest.mark.parametrize(("method", "endpoint", "path", "allowed"), MATRIX)
@pytest.mark.parametrize("role", sorted(EVERYONE, key=lambda r: r.value), ids=lambda r: r.value)
def test_each_role_reaches_only_what_it_may(
    client, sign_in, records, role, method, endpoint, path, allowed
):
    sign_in(_user_for(role, records))

    response = _request(client, method, path.format(**records))

    if role in allowed:
        assert response.status_code in (200, 302), response.status_code
        if response.status_code == 302:
            assert not response.location.startswith("/staff/sign-in")
    else:
        assert response.status_code in (403, 404), response.status_code


@pytest.mark.slow  # as the matrix above: a fresh set of records for each of its cases
@pytest.mark.parametrize(("method", "endpoint", "path", "allowed"), MATRIX)
def test_anonymous_people_are_sent_to_sign_in(client, records, method, endpoint, path, allowed):
    response = (
        client.get(path.format(**records))
        if method == "GET"
        else client.post(path.format(**records), data={"csrf_token": csrf_token(client, "/staff/")})
    )

    assert response.status_code == 302
    assert response.location.startswith("/staff/sign-in")


def test_the_matrix_covers_every_staff_endpoint(app):
    staff_endpoints = {
        (method, rule.endpoint)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith(
            (
                "staff.",
                "admin.",
                "audit.",
                "screening.",
                "partners.",
                "mentoring.",
                "reports.",
                "exports.",
                "workqueue.",
            )
        )
        or (
            rule.endpoint.startswith(("scheduling.", "privacy."))
            and rule.rule.startswith("/staff/")
        )
        or rule.endpoint == "accounts.change_password"
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }

    assert staff_endpoints == {(method, endpoint) for method, endpoint, _, _ in MATRIX}


def test_a_refused_request_is_audited(client, sign_in, records):
    from sqlalchemy import select

    from tracker.audit.models import AuditEvent

    mentor = UserFactory(roles=[MENTOR])
    sign_in(mentor)

    assert client.get("/admin/users").status_code == 403

    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "access.denied")).one()
    assert (event.actor_id, event.object_id) == (mentor.id, "/admin/users")

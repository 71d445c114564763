"""HR's user and email administration forms with a mistake in each (tests/forms/harness.py)."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.factories import PartnerOrganisationFactory, TrackFactory, UserFactory
from tests.forms.harness import InvalidPost
from tracker import clock
from tracker.accounts.models import StaffRole, User
from tracker.extensions import db
from tracker.notifications.models import Email, EmailStatus


def _hr():
    return UserFactory(roles=[StaffRole.ADMIN])


def _users(arranged) -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def _person(**values):
    def arrange(hr) -> dict:
        TrackFactory()  # a track to choose, so the tracks field is on the page
        person = UserFactory(**values)
        return {"person": person.id, "url": f"/admin/users/{person.id}"}

    return arrange


def _at(suffix: str, arrange):
    def with_suffix(hr) -> dict:
        arranged = arrange(hr)
        return arranged | {"url": arranged["url"] + suffix}

    return with_suffix


def _account(arranged):
    person = db.session.get(User, arranged["person"])
    return (
        person.is_active,
        sorted(r.value for r in person.role_set),
        person.partner_organisation_id,
        db.session.scalar(select(func.count()).select_from(Email)),
    )


def _failed_email(hr) -> dict:
    # Sent already: there is nothing to try again.
    email = Email(
        recipient="someone@example.org",
        template="staff_invitation",
        context={},
        idempotency_key="forms-case-sent",
        queued_by=hr.email,
        status=EmailStatus.SENT,
        sent_at=clock.utcnow(),
    )
    db.session.add(email)
    db.session.flush()
    return {"email": email.id, "url": f"/admin/emails/{email.id}/retry"}


def _email_state(arranged):
    email = db.session.get(Email, arranged["email"])
    return email.status, email.attempts


CASES = [
    InvalidPost(
        name="invite-a-partner-with-no-organisation",
        endpoint="admin.invite",
        user=_hr,
        arrange=lambda hr: {
            "url": "/admin/users/invite",
            "organisation": PartnerOrganisationFactory().id,
        },
        data=lambda arranged: {
            "name": "Ada Lovelace",
            "email": "ada@example.org",
            "roles": ["partner"],
            "partner_organisation": "0",
        },
        field="partner_organisation",
        message="Select the employer partner's organisation",
        state=_users,
    ),
    InvalidPost(
        name="access-for-a-hiring-manager-with-no-tracks",
        endpoint="admin.user",
        user=_hr,
        arrange=_person(roles=[StaffRole.MENTOR]),
        data=lambda arranged: {"roles": ["hiring_manager"]},
        field="tracks",
        message="Choose the tracks or roles this hiring manager looks after",
        state=_account,
    ),
    InvalidPost(
        name="deactivate-someone-already-deactivated",
        endpoint="admin.deactivate",
        user=_hr,
        arrange=_at("/deactivate", _person(is_active=False)),
        data=lambda arranged: {},
        field="form-errors",
        message="This account is already deactivated",
        state=_account,
    ),
    InvalidPost(
        name="reactivate-someone-already-active",
        endpoint="admin.reactivate",
        user=_hr,
        arrange=_at("/reactivate", _person()),
        data=lambda arranged: {},
        field="form-errors",
        message="This account is already active",
        state=_account,
    ),
    InvalidPost(
        name="resend-an-invitation-already-accepted",
        endpoint="admin.resend_invitation",
        user=_hr,
        arrange=_at("/resend-invitation", _person()),
        data=lambda arranged: {},
        field="form-errors",
        message="This person has already set their password",
        state=_account,
    ),
    InvalidPost(
        name="retry-an-email-already-sent",
        endpoint="admin.retry_email",
        user=_hr,
        arrange=_failed_email,
        data=lambda arranged: {},
        field="form-errors",
        message="only failed emails can be retried",
        state=_email_state,
    ),
]

EXEMPT: dict[str, str] = {}

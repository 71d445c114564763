"""Acceptance: sharing 30 candidates with an organisation of 3 partner users sends 3 emails,
each exactly once; and when two partner users finish a share's feedback at the same moment,
HR is told once. Committed data, a real worker, Redis and SMTP."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from tests.factories import ApplicationFactory, PartnerOrganisationFactory, RoleFactory, UserFactory
from tests.helpers import csrf_token, sign_in_as
from tests.mail import quiet, wait_for

# The email fixtures live in tests/notifications/conftest.py; importing them makes them this
# module's fixtures too (with an outbox database of this module's own).
from tests.notifications.conftest import (  # noqa: F401
    mail_app,
    mail_env,
    outbox_database_url,
    redis_server,
    smtp_server,
    worker,
)
from tracker import clock
from tracker.accounts.models import StaffRole, User
from tracker.extensions import db
from tracker.notifications.models import Email
from tracker.notifications.tasks import sweep_outbox
from tracker.partners import services as partners
from tracker.partners.models import Recommendation, Share, SharedCandidate

CANDIDATES = 30


def test_sharing_30_candidates_with_3_partner_users_sends_3_emails_once_each(
    mail_app,  # noqa: F811
    smtp_server,  # noqa: F811
    worker,  # noqa: F811
):
    with mail_app.app_context():
        role = RoleFactory()
        hr = UserFactory(roles=[StaffRole.ADMIN])
        organisation = PartnerOrganisationFactory(name="Dalston Digital")
        people = [
            UserFactory(roles=[StaffRole.PARTNER], partner_organisation=organisation).email
            for _ in range(3)
        ]
        ids = [ApplicationFactory(role=role, assessment=True).id for _ in range(CANDIDATES)]
        db.session.commit()
        organisation_id, role_id = organisation.id, role.id
        hr_login = SimpleNamespace(email=hr.email, totp_secret=hr.totp_secret)
        db.session.remove()
    quiet(mail_app, smtp_server)  # their invitations went out when they were invited
    smtp_server.recorder.reset()

    client = mail_app.test_client()
    sign_in_as(client, hr_login)
    due = clock.today() + timedelta(days=7)
    response = client.post(
        "/staff/shares/new",
        data={
            "csrf_token": csrf_token(client, f"/staff/roles/{role_id}/candidates"),
            "offered": ids,
            "application_ids": ids,
            "organisation": organisation_id,
            "purpose": "Assessment day at Dalston Digital",
            "due_on": [str(due.day), str(due.month), str(due.year)],
            "criteria": "Problem solving\nTeamwork",
            "fields": ["answers"],
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)

    recorder = smtp_server.recorder
    wait_for(lambda: len(recorder.messages) >= 3, timeout=60, what="3 emails at the SMTP server")
    with mail_app.app_context():
        sweep_outbox()  # a sweep finds nothing left to send
        db.session.remove()
    quiet(mail_app, smtp_server)  # a wrongly repeated email would be in by now

    assert len(recorder.messages) == 3
    assert sorted(Counter(m["To"] for m in recorder.messages)) == sorted(people)
    for message in recorder.messages:
        assert " ".join(message["Subject"].split()).startswith(
            "30 candidates shared with Dalston Digital"
        )
        assert "/partner/shares/" in message.get_body(("plain",)).get_content()


@pytest.mark.slow  # threads
def test_two_partners_finishing_at_once_tell_hr_once(mail_app):  # noqa: F811
    with mail_app.app_context():
        role = RoleFactory()
        hr = UserFactory(roles=[StaffRole.ADMIN])
        organisation = PartnerOrganisationFactory()
        partner_ids = [
            UserFactory(roles=[StaffRole.PARTNER], partner_organisation=organisation).id
            for _ in range(2)
        ]
        applications = [ApplicationFactory(role=role, assessment=True) for _ in range(2)]
        share = partners.share_candidates(
            actor=hr,
            organisation=organisation,
            applications=applications,
            purpose="Assessment day",
            due_on=clock.today(),
            criteria=["Problem solving"],
            fields=[],
        )
        db.session.commit()
        share_id = share.id
        shared_ids = [c.id for c in share.candidates]
        db.session.remove()

    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def finish(partner_id: int, shared_id: int) -> None:
        with mail_app.app_context():
            actor = db.session.get(User, partner_id)
            shared = db.session.get(SharedCandidate, shared_id)
            criterion_id = shared.share.criteria[0].id
            barrier.wait()
            try:
                partners.give_feedback(
                    actor=actor,
                    shared_candidate=shared,
                    recommendation=Recommendation.RECOMMEND,
                    comments=None,
                    scores={criterion_id: 3},
                )
                db.session.commit()
                outcomes.append("saved")
            except Exception as error:  # reported by the assertion below
                db.session.rollback()
                outcomes.append(repr(error))
            finally:
                db.session.remove()

    threads = [
        threading.Thread(target=finish, args=pair)
        for pair in zip(partner_ids, shared_ids, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert outcomes == ["saved", "saved"]
    with mail_app.app_context():
        notes = db.session.scalar(
            select(func.count(Email.id)).where(
                Email.template == "share_feedback_complete",
                Email.context["share_id"].as_integer() == share_id,
            )
        )
        assert notes == 1
        assert db.session.get(Share, share_id).completed_at is not None
        db.session.remove()

"""HR's emails page puts the emails that may have gone twice in front of them, in plain words."""

from __future__ import annotations

from datetime import timedelta

from tests.factories import UserFactory
from tracker.accounts.models import StaffRole
from tracker.clock import utcnow
from tracker.extensions import db
from tracker.notifications import services


def _queue(to: str, key: str):
    return services.queue_email(
        actor="test",
        to=to,
        template="test_email",
        context={"requested_by": "HR"},
        idempotency_key=key,
    )


def test_the_emails_page_counts_and_lists_emails_that_may_have_been_sent_twice(client, sign_in):
    sign_in(UserFactory(roles=[StaffRole.ADMIN]))
    calm = _queue("calm@example.com", "calm")
    doubtful = _queue("doubtful@example.com", "doubtful")
    services.claim_email(email_id=doubtful.id)
    doubtful.claimed_at = utcnow() - timedelta(hours=1)  # its worker was killed mid-send
    db.session.flush()
    services.free_abandoned_claims(claim_timeout=300, max_attempts=8)
    db.session.commit()

    page = client.get("/admin/emails").get_data(as_text=True)

    assert "May have been sent twice" in page
    assert '<a class="govuk-link" href="#uncertain">1</a>' in page
    assert "1 email may have been sent twice" in page
    assert "the person may have received it twice" in page
    section = page.split('id="uncertain"')[1].split("Emails to one person")[0]
    assert "doubtful@example.com" in section
    assert calm.recipient not in section


def test_with_no_doubtful_emails_the_page_says_so(client, sign_in):
    sign_in(UserFactory(roles=[StaffRole.ADMIN]))
    _queue("calm@example.com", "calm")
    db.session.commit()

    page = client.get("/admin/emails").get_data(as_text=True)

    assert "None. An email appears here if a worker stops while sending it" in page


def test_the_emails_page_warns_when_nothing_is_sending(client, sign_in):
    sign_in(UserFactory(roles=[StaffRole.ADMIN]))
    fresh = _queue("fresh@example.com", "fresh")
    stuck = _queue("stuck@example.com", "stuck")
    db.session.flush()
    # Due an hour ago and still pending: no worker or beat has taken it since.
    stuck.next_attempt_at = utcnow() - timedelta(hours=1)
    db.session.commit()

    page = client.get("/admin/emails").get_data(as_text=True)

    assert "1 email is overdue" in page
    assert "nothing is sending email" in page

    stuck.next_attempt_at = fresh.next_attempt_at
    db.session.commit()
    assert "nothing is sending email" not in client.get("/admin/emails").get_data(as_text=True)

"""Nudges, never automatic rejection: a daily digest tells each hiring manager which of their
candidates have waited too long for a decision."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tests.factories import HISTORY, UserFactory
from tracker.accounts.models import StaffRole
from tracker.applications.states import Status
from tracker.clock import utcnow
from tracker.extensions import db
from tracker.notifications.models import Email
from tracker.notifications.rendering import render_email
from tracker.screening import services


def test_a_manager_hears_about_candidates_waiting_too_long(app, today, manager, role, candidate):
    old = utcnow() - timedelta(days=10)
    for _ in range(2):
        candidate(Status.SIFT, status_changed_at=old)
    candidate(Status.INTERVIEW, status_changed_at=utcnow())  # fresh: not waiting
    candidate(Status.UNSUCCESSFUL, status_changed_at=old)  # decided: not waiting
    UserFactory(roles=[StaffRole.HIRING_MANAGER], tracks=[])  # looks after nothing

    assert services.send_waiting_digests(today=today, days=7) == 1
    assert services.send_waiting_digests(today=today, days=7) == 1  # the same email, not another

    email = db.session.scalars(select(Email).where(Email.queued_by != HISTORY)).one()
    assert email.recipient == manager.email
    rendered = render_email(email.template, email.context)
    assert "2 candidates waiting more than 7 days" in rendered.subject
    assert f"{role.title}: 2 waiting" in rendered.text
    assert f"/staff/roles/{role.id}/candidates?sort=waiting" in rendered.text


def test_nothing_waiting_sends_nothing(today, manager, candidate):
    candidate(Status.SIFT, status_changed_at=utcnow())
    assert services.send_waiting_digests(today=today, days=7) == 0
    assert db.session.scalars(select(Email)).all() == []


def test_the_digest_runs_each_weekday_morning(app):
    schedule = app.config["CELERY"]["beat_schedule"]["waiting-digests"]
    assert schedule["task"] == "tracker.screening.tasks.send_waiting_digests"
    assert schedule["schedule"].hour == {7}

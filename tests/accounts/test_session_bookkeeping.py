"""A session's own bookkeeping (its idle timer, and its end at a time-out) is stored without
any hook committing before the view: with the view's commit, or on its own after a page that
commits nothing; a refused change does not lose it, and nothing else is committed with it."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import template_rendered
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from tests.applications.conftest import sign_in_applicant
from tests.factories import ApplicantFactory, UserFactory
from tests.helpers import csrf_token
from tracker.accounts.models import StaffSession
from tracker.applicants.models import ApplicantSession
from tracker.clock import utcnow
from tracker.extensions import db


def _staff_session(user) -> StaffSession:
    return db.session.scalar(select(StaffSession).where(StaffSession.user_id == user.id))


def _last_used(stored, minutes_ago: float) -> None:
    """The session was last used this long ago, as the database has it."""
    stored.last_seen_at = utcnow() - timedelta(minutes=minutes_ago)
    db.session.commit()


def _stored(stored):
    db.session.refresh(stored)
    return stored


def test_a_page_that_saves_nothing_still_refreshes_the_idle_timer(client, sign_in):
    manager = UserFactory()
    sign_in(manager)
    stored = _staff_session(manager)
    _last_used(stored, 5)

    assert client.get("/staff/").status_code == 200

    assert utcnow() - _stored(stored).last_seen_at < timedelta(minutes=1)


def test_the_refresh_is_committed_after_the_page_not_before_it(app, client, sign_in):
    manager = UserFactory()
    sign_in(manager)
    _last_used(_staff_session(manager), 5)
    order = []

    def committed(session):
        order.append("commit")

    def rendered(sender, template, context, **extra):
        order.append("page")

    event.listen(Session, "after_commit", committed)
    template_rendered.connect(rendered, app)
    try:
        client.get("/staff/")
    finally:
        event.remove(Session, "after_commit", committed)
        template_rendered.disconnect(rendered, app)

    assert order == ["page", "commit"]


def test_a_refused_change_keeps_the_refreshed_timer(app, client, sign_in):
    manager = UserFactory()
    sign_in(manager)
    path = "/staff/account/password"
    token = csrf_token(client, path)
    stored = _staff_session(manager)
    _last_used(stored, 5)

    refused = client.post(
        path,
        data={
            "csrf_token": token,
            "current": "not it at all",
            "password": "three random words",
            "confirm": "three random words",
        },
    )

    html = refused.get_data(as_text=True)
    assert "Your current password is not right" in html
    # The page counts its warning from the refreshed timer, not the one rolled back.
    idle = app.config["STAFF_IDLE_TIMEOUT_MINUTES"] * 60
    left = int(re.search(r'data-timeout-seconds="(\d+)"', html).group(1))
    assert idle - 5 <= left <= idle
    assert utcnow() - _stored(stored).last_seen_at < timedelta(minutes=1)


def test_a_session_found_timed_out_is_ended_in_the_database(app, client, sign_in):
    manager = UserFactory()
    sign_in(manager)
    stored = _staff_session(manager)
    _last_used(stored, app.config["STAFF_IDLE_TIMEOUT_MINUTES"] + 1)

    assert client.get("/staff/").location.startswith("/staff/sign-in")

    assert _stored(stored).revoked_at is not None


def test_asking_how_long_is_left_writes_nothing(client, sign_in):
    manager = UserFactory()
    sign_in(manager)
    stored = _staff_session(manager)
    _last_used(stored, 5)
    seen = stored.last_seen_at

    assert client.get("/session/status").status_code == 200

    assert _stored(stored).last_seen_at == seen


def test_an_applicants_idle_timer_is_refreshed_by_a_page_that_saves_nothing(client):
    applicant = ApplicantFactory()
    sign_in_applicant(client, applicant)
    stored = db.session.scalars(
        select(ApplicantSession).where(ApplicantSession.applicant_id == applicant.id)
    ).one()
    _last_used(stored, 5)

    assert client.get("/applications").status_code == 200

    assert utcnow() - _stored(stored).last_seen_at < timedelta(minutes=1)


def test_an_applicants_timed_out_session_is_ended_in_the_database(app, client):
    applicant = ApplicantFactory()
    sign_in_applicant(client, applicant)
    stored = db.session.scalars(
        select(ApplicantSession).where(ApplicantSession.applicant_id == applicant.id)
    ).one()
    _last_used(stored, app.config["APPLICANT_IDLE_TIMEOUT_MINUTES"] + 1)

    assert client.get("/applications").status_code == 302

    assert _stored(stored).revoked_at is not None

"""What the time-out keeps, for how long, and what the page may ask.

Given an applicant whose session ended mid-form, only a page that can give the typed work
back keeps it (never the equality answers, never a file), one kept form per page, never an
outsized one, and none outlives its day even if nobody asks for it again. A page may ask how
long its session has left without lengthening it, and the time it is told counts the
session's whole lifetime as well as its idle timer.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.applications.conftest import sign_in_applicant
from tests.applications.test_session_ends import ANSWER, _expire, _kept_rows
from tests.factories import ApplicationFactory, UserFactory
from tests.helpers import csrf_token
from tracker.accounts.models import StaffRole, StaffSession
from tracker.applicants import kept
from tracker.applicants.models import ApplicantSession, KeptForm
from tracker.clock import utcnow
from tracker.extensions import db
from tracker.privacy.tasks import run_retention

NOT_KEPT = "Sign in again and do it again"


def _typed_then_ended(app, client, applicant, path):
    token = csrf_token(client, path)
    _expire(app, applicant)
    return token


# -- only where it can be given back ---------------------------------------------------------


def test_equality_answers_sent_after_the_session_ended_are_never_kept(app, client, signed_in, role):
    application = ApplicationFactory(applicant=signed_in, role=role)
    path = f"/applications/{application.id}/equality"
    page = client.get(path).get_data(as_text=True)
    assert "data-keep-on-timeout" not in page
    token = _typed_then_ended(app, client, signed_in, path)

    sent = client.post(path, data={"csrf_token": token, "sex": "female", "religion": "none"})

    assert sent.location == "/applicant/sign-in"
    assert _kept_rows() == 0
    assert client.get_cookie(kept.COOKIE, domain="tracker.test") is None
    told = client.get("/applicant/sign-in").get_data(as_text=True)
    assert NOT_KEPT in told
    assert "We have kept what you typed" not in told


def test_a_page_that_cannot_give_work_back_keeps_nothing_and_says_so(app, client, signed_in, role):
    application = ApplicationFactory(applicant=signed_in, role=role)
    path = f"/applications/{application.id}/cv"
    assert "data-keep-on-timeout" not in client.get(path).get_data(as_text=True)
    token = _typed_then_ended(app, client, signed_in, path)

    client.post(path, data={"csrf_token": token, "note": "my cv"})

    assert _kept_rows() == 0
    told = client.get("/applicant/sign-in").get_data(as_text=True)
    assert NOT_KEPT in told
    assert "We have kept what you typed" not in told


def test_pages_that_give_work_back_still_mark_their_forms(client, signed_in, role):
    application = ApplicationFactory(applicant=signed_in, role=role)

    for page in ("questions/1", "personal-details", "adjustments"):
        html = client.get(f"/applications/{application.id}/{page}").get_data(as_text=True)
        assert "data-keep-on-timeout" in html, page


# -- one per page, and not too much ----------------------------------------------------------


def test_a_later_post_of_the_same_page_replaces_what_was_kept(app, client, signed_in, role):
    """The same page left open in two browsers, both sent after the end: one kept form."""
    application = ApplicationFactory(applicant=signed_in, role=role)
    path = f"/applications/{application.id}/questions/1"
    field = f"answer_{role.essential_criteria[0].id}"
    other = app.test_client()
    sign_in_applicant(other, signed_in)
    first_token = csrf_token(other, path)
    token = _typed_then_ended(app, client, signed_in, path)

    other.post(path, data={"csrf_token": first_token, field: "first try"})
    client.post(path, data={"csrf_token": token, field: ANSWER})

    assert _kept_rows() == 1
    sign_in_applicant(client, signed_in)
    page = client.get(path).get_data(as_text=True)
    assert "coding club" in page and "first try" not in page


def test_a_post_far_bigger_than_any_page_is_not_kept(app, client, signed_in, role):
    application = ApplicationFactory(applicant=signed_in, role=role)
    path = f"/applications/{application.id}/questions/1"
    field = f"answer_{role.essential_criteria[0].id}"
    token = _typed_then_ended(app, client, signed_in, path)

    client.post(path, data={"csrf_token": token, field: "x" * (kept.MOST_KEPT_CHARS + 1)})

    assert _kept_rows() == 0
    assert NOT_KEPT in client.get("/applicant/sign-in").get_data(as_text=True)


# -- none outlives its day -------------------------------------------------------------------


def test_the_nightly_retention_job_deletes_kept_forms_past_their_day(app, applicant):
    now = utcnow()
    for hours_left in (-1, 5):
        db.session.add(
            KeptForm(
                token_hash=f"{hours_left:+}".ljust(64, "0"),
                applicant_id=applicant.id,
                path="/applications/1/questions/1",
                fields=[["answer", "typed"]],
                created_at=now - timedelta(days=1),
                expires_at=now + timedelta(hours=hours_left),
            )
        )
    db.session.flush()

    run_retention.run()

    left = db.session.scalars(select(KeptForm)).all()
    assert [row.expires_at > now for row in left] == [True]


# -- asking how long is left -----------------------------------------------------------------


def test_asking_how_long_is_left_does_not_lengthen_an_applicants_session(app, client, signed_in):
    stored = db.session.scalars(select(ApplicantSession)).one()
    idle = app.config["APPLICANT_IDLE_TIMEOUT_MINUTES"]
    stored.last_seen_at = utcnow() - timedelta(minutes=idle / 2)
    db.session.flush()
    seen = stored.last_seen_at

    response = client.get("/session/status")

    assert response.status_code == 200
    assert set(response.json) == {"signed_in", "seconds_left"}
    assert idle * 30 - 5 <= response.json["seconds_left"] <= idle * 30
    db.session.refresh(stored)
    assert stored.last_seen_at == seen


def test_asking_how_long_is_left_does_not_lengthen_a_staff_session(app, client, sign_in):
    manager = UserFactory()
    sign_in(manager)
    stored = db.session.scalar(select(StaffSession).where(StaffSession.user_id == manager.id))
    stored.last_seen_at -= timedelta(minutes=app.config["STAFF_IDLE_TIMEOUT_MINUTES"] / 2)
    db.session.flush()
    seen = stored.last_seen_at

    response = client.get("/session/status")

    assert response.status_code == 200
    assert response.json["signed_in"] is True
    db.session.refresh(stored)
    assert stored.last_seen_at == seen


def test_an_ended_session_says_so_and_a_form_sent_next_is_still_kept(app, client, signed_in, role):
    application = ApplicationFactory(applicant=signed_in, role=role)
    path = f"/applications/{application.id}/questions/1"
    field = f"answer_{role.essential_criteria[0].id}"
    token = _typed_then_ended(app, client, signed_in, path)

    response = client.get("/session/status")

    assert response.status_code == 401
    assert response.json == {"signed_in": False}
    # Asking did not forget whose session it was: the form the page sends next is kept.
    client.post(path, data={"csrf_token": token, field: ANSWER})
    assert _kept_rows() == 1


def test_nobody_signed_in_is_told_so(client):
    response = client.get("/session/status")

    assert response.status_code == 401
    assert response.json == {"signed_in": False}


# -- the whole lifetime counts ---------------------------------------------------------------


def test_a_staff_session_near_its_whole_lifetime_says_so(app, client, sign_in):
    manager = UserFactory()
    sign_in(manager)
    stored = db.session.scalar(select(StaffSession).where(StaffSession.user_id == manager.id))
    hours = app.config["STAFF_SESSION_MAX_HOURS"]
    stored.created_at = utcnow() - timedelta(hours=hours) + timedelta(minutes=3)
    db.session.flush()

    left = client.get("/session/status").json["seconds_left"]

    assert 170 <= left <= 180


def test_an_applicant_session_near_its_whole_lifetime_says_so(app, client, signed_in):
    stored = db.session.scalars(select(ApplicantSession)).one()
    hours = app.config["APPLICANT_SESSION_MAX_HOURS"]
    stored.created_at = utcnow() - timedelta(hours=hours) + timedelta(minutes=3)
    db.session.flush()

    left = client.get("/session/status").json["seconds_left"]

    assert 170 <= left <= 180


# -- home is each person's own ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "home"),
    [(StaffRole.PARTNER, "/partner"), (StaffRole.MENTOR, "/staff/mentees")],
    ids=["partner", "mentor"],
)
def test_ended_and_403_send_staff_to_their_own_home(client, sign_in, role, home):
    user = UserFactory(roles=[role])
    sign_in(user)

    assert client.get("/session/ended").location.startswith(home)
    forbidden = client.get("/admin/users")
    assert forbidden.status_code == 403
    assert f'href="{home}' in forbidden.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(KeptForm)) == 0

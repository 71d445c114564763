"""Given hired apprentices and mentors with free places, when HR assigns and changes
mentors, then suggestions are ranked sensibly, places are counted, history is kept and the
mentor and apprentice are each emailed once."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.factories import ApplicationFactory, RoleFactory, TrackFactory, UserFactory
from tests.helpers import csrf_token
from tests.mentoring.factories import MentorProfileFactory, assigned, hired
from tracker.accounts.models import StaffRole
from tracker.audit.models import AuditEvent
from tracker.extensions import db
from tracker.mentoring import queries, services
from tracker.mentoring.models import MentorAssignment, MentorProfile
from tracker.notifications.models import Email
from tracker.notifications.rendering import render_email


def _mentor(name, *, tracks, capacity=3, taken=0):
    return MentorProfileFactory(
        user=UserFactory(roles=[StaffRole.MENTOR], name=name),
        tracks=tracks,
        capacity=capacity,
        assigned=taken,
    )


def _assign(client, application, **data):
    path = f"/staff/apprentices/{application.id}/mentor"
    return client.post(path, data={"csrf_token": csrf_token(client, path), **data})


def _emails(template: str) -> list[Email]:
    return list(db.session.scalars(select(Email).where(Email.template == template)))


def test_suggestions_put_the_track_first_then_free_places_then_name(apprentice, track):
    other_track = TrackFactory(name="ICT support")
    knows_busy = _mentor("Zara Knows", tracks=[track], capacity=3, taken=2)
    knows_free = _mentor("Yusuf Knows", tracks=[track, other_track], capacity=4, taken=1)
    knows_free_too = _mentor("Amir Knows", tracks=[track], capacity=5, taken=2)
    elsewhere = _mentor("Bella Elsewhere", tracks=[other_track], capacity=10)
    full = _mentor("Carl Full", tracks=[track], capacity=2, taken=2)
    MentorProfileFactory(user=UserFactory(roles=[StaffRole.MENTOR], is_active=False))
    MentorProfileFactory(user=UserFactory(roles=[StaffRole.HIRING_MANAGER]), tracks=[track])

    ranked = queries.suggestions(apprentice)

    assert [s.profile for s in ranked] == [
        knows_free_too,  # 3 free, and "Amir" before "Yusuf"
        knows_free,  # 3 free
        knows_busy,  # 1 free
        elsewhere,  # 10 free, but does not know the track
        full,  # shown last, not selectable
    ]
    assert [s.matches_track for s in ranked] == [True, True, True, False, True]
    assert [s.is_full for s in ranked] == [False, False, False, False, True]


def test_the_assign_page_marks_and_preselects_the_suggestion_and_lists_full_mentors_apart(
    client, sign_in, hr, apprentice, track, mentor
):
    full = _mentor("Carl Full", tracks=[track], capacity=1, taken=1)
    sign_in(hr)

    page = client.get(f"/staff/apprentices/{apprentice.id}/mentor").get_data(as_text=True)

    suggested = re.search(r'<input[^>]*value="(\d+)"[^>]*checked', page)
    assert suggested and int(suggested.group(1)) == mentor.id
    assert "Suggested" in page and "3 of 3 places free" in page
    assert f'value="{full.id}"' not in page  # not offered
    assert "Carl Full: 1 of 1 place taken" in page
    assert "Yes: their mentor may have their email address and phone number" in page
    assert ">Assign mentor<" in page or "Assign mentor\n" in page


def test_hr_assigns_a_mentor_and_both_are_emailed_once(client, sign_in, hr, apprentice, mentor):
    sign_in(hr)

    response = _assign(client, apprentice, mentor=str(mentor.id))
    listing = client.get("/staff/apprentices").get_data(as_text=True)
    again = _assign(client, apprentice, mentor=str(mentor.id))  # a second click changes nothing

    assert response.status_code == 302
    assignment = db.session.scalars(select(MentorAssignment)).one()
    assert (assignment.mentor_id, assignment.assigned_by, assignment.ended_at) == (
        mentor.id,
        hr.email,
        None,
    )
    db.session.refresh(mentor)
    assert mentor.assigned == 1
    [introduction] = _emails("mentor_introduction")
    [welcome] = _emails("mentor_assigned")
    assert introduction.recipient == mentor.user.email
    assert introduction.idempotency_key == f"mentor-introduction:{assignment.id}"
    assert welcome.recipient == apprentice.applicant.email
    assert welcome.idempotency_key == f"mentor-assigned:{assignment.id}"
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "mentor.assigned"))
    assert "Morgan Lee is now Alex Example" in listing and "We have emailed them both" in listing
    assert again.status_code == 200 and "There is a problem" in again.get_data(as_text=True)


def test_changing_mentor_needs_a_reason_keeps_the_history_and_frees_the_place(
    client, sign_in, hr, apprentice, mentor, track
):
    second = _mentor("Sam Patel", tracks=[track])
    first = assigned(apprentice, mentor)
    db.session.commit()  # the refused request's rollback must not undo the setup
    sign_in(hr)

    refused = _assign(client, apprentice, mentor=str(second.id))
    assert "Enter why you are changing mentor" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(MentorProfile, second.id).assigned == 0

    _assign(client, apprentice, mentor=str(second.id), reason="Morgan has moved teams.")

    db.session.expire_all()
    assert db.session.get(MentorProfile, mentor.id).assigned == 0
    assert db.session.get(MentorProfile, second.id).assigned == 1
    old = db.session.get(MentorAssignment, first.id)
    assert old.ended_at is not None
    assert (old.ended_by, old.end_reason) == (hr.email, "Morgan has moved teams.")
    assert services.live_assignment(apprentice).mentor_id == second.id
    page = client.get(f"/staff/apprentices/{apprentice.id}/mentor").get_data(as_text=True)
    assert "Morgan has moved teams." in page and "Sam Patel" in page and "Morgan Lee" in page
    # The current mentor is not offered again.
    assert f'value="{second.id}"' not in page


def test_a_mentor_given_by_someone_else_meanwhile_is_not_overwritten(
    client, sign_in, hr, apprentice, mentor, track
):
    second = _mentor("Sam Patel", tracks=[track])
    sign_in(hr)
    path = f"/staff/apprentices/{apprentice.id}/mentor"
    token = csrf_token(client, path)  # the page as HR saw it: no mentor yet
    assigned(apprentice, mentor)  # meanwhile, a colleague assigns one
    db.session.commit()

    page = client.post(
        path, data={"csrf_token": token, "current": "", "mentor": str(second.id)}
    ).get_data(as_text=True)

    assert "Someone else has just given Alex Example a mentor. Check and try again" in page
    db.session.expire_all()
    assert services.live_assignment(apprentice).mentor_id == mentor.id
    assert db.session.get(MentorProfile, second.id).assigned == 0


def test_a_full_mentor_is_refused_with_a_message_and_nothing_changes(
    client, sign_in, hr, apprentice, track
):
    full = _mentor("Carl Full", tracks=[track], capacity=1, taken=1)
    db.session.commit()
    sign_in(hr)

    page = _assign(client, apprentice, mentor=str(full.id)).get_data(as_text=True)

    assert "Carl Full has no free places left. Choose another mentor." in page
    assert db.session.scalars(select(MentorAssignment)).all() == []
    assert _emails("mentor_introduction") == []


def test_only_hired_apprentices_can_be_given_a_mentor(client, sign_in, hr, role, mentor):
    checking = ApplicationFactory(role=role, accepted=True)
    sign_in(hr)

    assert client.get(f"/staff/apprentices/{checking.id}/mentor").status_code == 404
    assert _assign(client, checking, mentor=str(mentor.id)).status_code == 404
    with pytest.raises(services.MentoringError, match="once an apprentice is hired"):
        services.assign_mentor(actor=hr, application=checking, mentor_id=mentor.id)


def test_the_overview_lists_apprentices_without_a_mentor_first(client, sign_in, hr, role, mentor):
    with_mentor = hired(role, full_name="Aaron Early", starts_in_days=5)
    assigned(with_mentor, mentor)
    hired(role, full_name="Zoe Waiting", consent=False, starts_in_days=90)
    hired(RoleFactory(title="Network engineer apprentice"), full_name="Yan Waiting", consent=None)
    sign_in(hr)

    page = client.get("/staff/apprentices").get_data(as_text=True)

    assert "2 apprentices have no mentor yet." in page
    assert page.index("Yan Waiting") < page.index("Aaron Early")
    assert page.index("Zoe Waiting") < page.index("Aaron Early")
    assert page.count("govuk-tag--orange") == 2
    assert "Network engineer apprentice" in page
    assert "No: HR arranges the first meeting" in page
    assert "Not asked: HR arranges the first meeting" in page
    assert queries.unassigned_count() == 2


def test_the_mentor_email_has_contact_details_only_with_consent(app, hr, role, mentor, apprentice):
    private = hired(role, consent=False, full_name="Sky Private", phone="07700 900123")
    shared = services.assign_mentor(actor=hr, application=apprentice, mentor_id=mentor.id)
    withheld = services.assign_mentor(actor=hr, application=private, mentor_id=mentor.id)

    with app.test_request_context():
        open_ = render_email("mentor_introduction", {"assignment_id": shared.id})
        closed = render_email("mentor_introduction", {"assignment_id": withheld.id})
        welcome = render_email(
            "mentor_assigned", {"assignment_id": shared.id, "application_id": apprentice.id}
        )

    assert open_.subject == "Your new mentee: Alex Example, Data analyst apprentice"
    for body in (open_.text, open_.html):
        assert apprentice.applicant.email in body and "07911 123456" in body
        assert "Data analysis" in body and f"/staff/mentees/{apprentice.id}" in body
    for body in (closed.text, closed.html):
        assert private.applicant.email not in body and "07700 900123" not in body
        assert "chose not to share" in body and "HR will arrange your first meeting" in body
    assert welcome.subject == "Meet your mentor: Morgan Lee"
    for body in (welcome.text, welcome.html):
        assert "Dear Alex" in body and mentor.user.email in body
        assert "Senior developer, ICT, Example Borough Council" in body


def test_the_staff_application_panel_shows_the_mentor_and_history(
    app, hr, role, mentor, apprentice, track
):
    assert queries.mentor_panel(ApplicationFactory(role=role, submitted=True)) is None
    empty = queries.mentor_panel(apprentice)
    assert empty.current is None and empty.history == []

    second = _mentor("Sam Patel", tracks=[track])
    assigned(apprentice, mentor, ended=True)
    assigned(apprentice, second)
    panel = queries.mentor_panel(apprentice)
    with app.test_request_context():
        template = app.jinja_env.from_string(
            '{% from "mentoring/_application_mentor.html" import mentor_panel %}'
            "{{ mentor_panel(panel, can_assign) }}"
        )
        html = template.render(panel=panel, can_assign=True)
        read_only = template.render(panel=panel, can_assign=False)

    assert panel.current.mentor_id == second.id and [a.mentor_id for a in panel.history] == [
        mentor.id
    ]
    assert "Sam Patel" in html and "Earlier mentors" in html and "Moved teams" in html
    assert f"/staff/apprentices/{apprentice.id}/mentor" in html and "Change mentor" in html
    assert f"/staff/apprentices/{apprentice.id}/mentor" not in read_only
    assert queries.mentee_count(second.user) == 1 and queries.mentee_count(mentor.user) == 0


@pytest.mark.parametrize(
    "staff_role",
    [StaffRole.HIRING_MANAGER, StaffRole.PARTNER, StaffRole.MENTOR],
    ids=lambda r: r.value,
)
def test_only_hr_sees_apprentices_and_assigns_mentors(client, sign_in, apprentice, staff_role):
    sign_in(UserFactory(roles=[staff_role]))

    assert client.get("/staff/apprentices").status_code == 403
    assert client.get(f"/staff/apprentices/{apprentice.id}/mentor").status_code == 403


def test_emails_about_an_apprentice_who_has_started_do_not_say_before_you_start(
    app, hr, role, mentor
):
    started = hired(role, full_name="Already Here", starts_in_days=-14)
    assignment = services.assign_mentor(actor=hr, application=started, mentor_id=mentor.id)

    with app.test_request_context():
        introduction = render_email("mentor_introduction", {"assignment_id": assignment.id})
        welcome = render_email(
            "mentor_assigned", {"assignment_id": assignment.id, "application_id": started.id}
        )

    assert "Started on:" in introduction.text
    assert "before you start" not in welcome.text + welcome.html
    assert "so they can get in touch." in welcome.text


def test_the_overview_flags_a_mentor_who_has_left(client, sign_in, hr, role, apprentice, mentor):
    assigned(apprentice, mentor)
    mentor.user.is_active = False
    sign_in(hr)

    page = client.get("/staff/apprentices").get_data(as_text=True)

    assert "No longer a mentor" in page
    assert f"/staff/apprentices/{apprentice.id}/mentor" in page

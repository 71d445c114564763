"""Ordinary text is accepted as typed, and shown escaped wherever it appears.

Given an applicant who writes code ('if (x<y) swap'), emoji joined by zero-width joiners, or
even '<script>' in an answer, when they save it, then it is saved exactly as typed; and when
they, staff or an email show it, it appears as text, never as markup.
"""

from __future__ import annotations

from sqlalchemy import select

from tests.applications.journey import answer_every_question, complete_every_section
from tests.factories import ApplicationFactory, UserFactory
from tests.helpers import sign_in_as
from tracker.accounts.models import StaffRole
from tracker.applications import pipeline
from tracker.applications.models import Application
from tracker.applications.states import Event, Status
from tracker.extensions import db
from tracker.notifications.models import Email
from tracker.notifications.rendering import render_email

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
CODE = "I wrote a sort in Python: if (x<y) swap, and x -> y when x > y & y < 10."
EMOJI = (
    "I run our coding club \U0001f469\u200d\U0001f4bb\u2764\ufe0f and "
    "speak Welsh \U0001f3f4\U000e0067\U000e0062\U000e0077\U000e006c\U000e0073\U000e007f"
)


def _draft(post_form, role) -> Application:
    assert post_form(f"/roles/{role.slug}/apply", {}).status_code == 302
    return db.session.scalars(select(Application).where(Application.role_id == role.id)).one()


def test_code_and_emoji_in_answers_are_saved_as_typed(client, signed_in, role, post_form):
    application = _draft(post_form, role)
    first, second = role.essential_criteria

    # One question to a page, each saved on its own.
    answer_every_question(
        post_form, application.id, role.essential_criteria, {first.id: CODE, second.id: EMOJI}
    )

    db.session.expire_all()
    assert {a.criterion_id: a.answer for a in application.answers} == {
        first.id: CODE,
        second.id: EMOJI,
    }


def test_code_in_single_line_fields_is_saved_as_typed(client, signed_in, role, post_form):
    application = _draft(post_form, role)
    details = {
        "full_name": "Alex Example",
        "date_of_birth": ["14", "3", "2000"],
        "address_line_1": "Flat <1>, 3 > 2 Street",
        "town": "Caerdydd \U0001f3f4\U000e0067\U000e0062\U000e0077\U000e006c\U000e0073\U000e007f",
        "postcode": "CF10 1EP",
        "phone": "029 2018 0123",
        "preferred_contact": "email",
    }

    response = post_form(f"/applications/{application.id}/personal-details", details)

    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.refresh(application)
    assert application.address_line_1 == "Flat <1>, 3 > 2 Street"
    assert application.town == details["town"]


def test_markup_typed_in_an_answer_is_stored_and_shown_escaped_everywhere(
    app, client, signed_in, role, post_form
):
    application = _draft(post_form, role)
    complete_every_section(post_form, application.id, role.essential_criteria)
    first = role.essential_criteria[0]
    saved = post_form(f"/applications/{application.id}/questions/1", {f"answer_{first.id}": SCRIPT})
    assert saved.status_code == 302
    adjustments = post_form(
        f"/applications/{application.id}/adjustments",
        {"needs_adjustments": "yes", "adjustments": f"Large print {SCRIPT}"},
    )
    assert adjustments.status_code == 302
    db.session.expire_all()
    assert application.answers[0].answer == SCRIPT
    assert application.adjustments == f"Large print {SCRIPT}"

    # The applicant checks their answers: shown as the text they typed.
    check = client.get(f"/applications/{application.id}/check").get_data(as_text=True)
    assert ESCAPED in check
    assert SCRIPT not in check
    assert post_form(f"/applications/{application.id}/check", {"confirm": "y"}).status_code == 302

    # Staff read the candidate's application.
    staff = app.test_client()
    sign_in_as(staff, UserFactory(roles=[StaffRole.ADMIN]))
    page = staff.get(f"/staff/applications/{application.id}").get_data(as_text=True)
    assert ESCAPED in page
    assert SCRIPT not in page

    # Staff type it too, as feedback: the applicant's email shows it as text.
    db.session.refresh(application)
    assert application.status is Status.SUBMITTED
    pipeline.move(application, Event.START_SIFT, actor_label="hr@example.gov.uk")
    pipeline.move(
        application,
        Event.REJECT,
        actor_label="hr@example.gov.uk",
        reasons=["stronger_candidates"],
        feedback=f"Your answer {SCRIPT} was strong",
    )
    email = db.session.scalars(
        select(Email).where(Email.template == "application_unsuccessful")
    ).one()
    rendered = render_email(email.template, email.context)
    assert f"Your answer {ESCAPED} was strong" in rendered.html
    assert SCRIPT not in rendered.html
    # Plain text is not HTML: it shows exactly what was typed.
    assert f"Your answer {SCRIPT} was strong" in rendered.text


def test_what_staff_see_of_a_factory_made_answer_is_escaped(app, client, role):
    """The staff page escapes stored answers however they were saved (imports, old data)."""
    application = ApplicationFactory(role=role, submitted=True, adjustments=SCRIPT)
    application.answers[0].answer = f"{SCRIPT} & <b>bold</b>"
    db.session.flush()
    sign_in_as(client, UserFactory(roles=[StaffRole.ADMIN]))

    page = client.get(f"/staff/applications/{application.id}").get_data(as_text=True)

    assert f"{ESCAPED} &amp; &lt;b&gt;bold&lt;/b&gt;" in page
    assert "<b>bold</b>" not in page

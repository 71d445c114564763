"""The role's questions, one to a page: each asked as a question, with the criterion it is
scored against beside it, saved on its own with its own word count."""

from __future__ import annotations

import html

import pytest

from tests.factories import ApplicationFactory, RoleFactory
from tracker.applications import drafts, progress
from tracker.applications.errors import ApplicationError
from tracker.applications.questions import phrase
from tracker.extensions import db


@pytest.fixture
def draft(signed_in, role):
    return ApplicationFactory(applicant=signed_in, role=role)


def _page(client, path) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.location
    return html.unescape(response.get_data(as_text=True))


@pytest.mark.parametrize(
    ("criterion", "question", "hint"),
    [
        (
            "You can work through a problem step by step until it is solved.",
            "Tell us about a time that shows you can work through a problem step by step "
            "until it is solved.",
            None,
        ),
        (
            "You can write clearly, for example in coursework, a blog or a report.",
            "Tell us about a time that shows you can write clearly.",
            "For example in coursework, a blog or a report.",
        ),
        (
            "Good attention to detail",
            "Tell us about a time you showed this: Good attention to detail.",
            None,
        ),
    ],
)
def test_each_criterion_is_asked_as_a_question(criterion, question, hint):
    assert phrase(criterion) == (question, hint)


def test_the_first_unanswered_question_is_where_the_section_starts(client, draft, post_form):
    first, _second = draft.role.essential_criteria
    path = f"/applications/{draft.id}/questions"
    assert client.get(path).location == f"{path}/1"

    post_form(f"{path}/1", {f"answer_{first.id}": "I ran the coding club."})

    assert client.get(path).location == f"{path}/2"


def test_one_question_a_page_with_its_criterion_and_word_count(client, draft):
    first, _ = draft.role.essential_criteria

    raw = client.get(f"/applications/{draft.id}/questions/1").get_data(as_text=True)
    page = html.unescape(raw)

    assert "&lt;" not in raw, "the guidance is shown as markup, not as text"
    assert "Question 1 of 2" in page
    assert "<title>Question 1 of 2" in page
    assert "Tell us about a time that shows you enjoy solving problems." in page
    assert "We will score your answer against this:</strong> You enjoy solving problems" in page
    # GOV.UK's character count, counting words; one answer box on the page.
    assert 'data-maxwords="250"' in page
    assert page.count("<textarea") == 1
    assert f'name="answer_{first.id}"' in page
    # Back goes to the task list from the first question.
    assert f'href="/applications/{draft.id}" class="govuk-back-link"' in page


def test_each_answer_is_saved_on_its_own_then_the_next_question(
    client, draft, post_form, signed_in
):
    first, second = draft.role.essential_criteria
    base = f"/applications/{draft.id}/questions"

    saved = post_form(f"{base}/1", {f"answer_{first.id}": "I ran the coding club."})

    assert saved.location == f"{base}/2"
    db.session.expire_all()
    assert [(a.criterion_id, a.answer) for a in draft.answers] == [
        (first.id, "I ran the coding club.")
    ]
    assert progress.section_status(draft, "questions") == "in_progress"
    task_list = _page(client, f"/applications/{draft.id}")
    assert "In progress" in task_list
    assert "1 of 2 questions answered" in task_list
    # The second page goes back to the first, which shows the saved answer.
    second_page = _page(client, f"{base}/2")
    assert f'href="{base}/1" class="govuk-back-link"' in second_page
    assert "I ran the coding club." in _page(client, f"{base}/1")

    last = post_form(f"{base}/2", {f"answer_{second.id}": "We built a website together."})

    assert last.location == f"/applications/{draft.id}"
    db.session.expire_all()
    assert progress.section_status(draft, "questions") == "completed"
    assert "2 of 2 questions answered" in _page(client, f"/applications/{draft.id}")


def test_the_last_question_leads_back_to_one_left_unanswered(client, draft, post_form):
    _, second = draft.role.essential_criteria
    base = f"/applications/{draft.id}/questions"

    response = post_form(f"{base}/2", {f"answer_{second.id}": "We built a website together."})

    assert response.location == f"{base}/1"


def test_a_wrong_answer_is_refused_beside_the_box_and_saves_nothing(client, draft, post_form):
    first, _ = draft.role.essential_criteria

    response = post_form(
        f"/applications/{draft.id}/questions/1", {f"answer_{first.id}": "word " * 251}
    )

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<title>Error: Question 1 of 2" in page
    assert "Your answer to question 1 must be 250 words or fewer" in page
    assert f'id="answer_{first.id}-error"' in page
    db.session.expire_all()
    assert draft.answers == []


def test_a_question_past_the_last_is_not_found(client, draft):
    assert client.get(f"/applications/{draft.id}/questions/3").status_code == 404


def test_an_answer_to_a_question_no_longer_asked_is_refused(signed_in):
    role = RoleFactory(criteria=["You enjoy solving problems"])
    other = RoleFactory(criteria=["You are punctual"])
    application = ApplicationFactory(applicant=signed_in, role=role)

    with pytest.raises(ApplicationError, match="no longer asked"):
        drafts.save_answer(
            applicant=signed_in,
            application=application,
            criterion_id=other.essential_criteria[0].id,
            answer="Always on time.",
        )


def test_the_check_page_changes_each_answer_on_its_own_page(client, signed_in, role):
    application = ApplicationFactory(applicant=signed_in, role=role, complete=True)

    page = _page(client, f"/applications/{application.id}/check")

    for number in (1, 2):
        assert f'href="/applications/{application.id}/questions/{number}"' in page

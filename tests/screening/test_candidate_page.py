"""The candidate page, one section at a time: a summary header on every section, the
evidence beside the scorecard, everyone's scores side by side once yours are in, and every
refused form back on the section that holds it with its errors and what was typed.

Given a candidate in the sift with a distinctive name, when a reviewer opens each section,
then each shows its own content, marks itself current and never shows the name.
"""

from __future__ import annotations

import re

import pytest

from tests.factories import ApplicationFactory, UserFactory
from tests.helpers import csrf_token, sign_in_as
from tracker.accounts.models import StaffRole
from tracker.catalogue.models import Criterion, CriterionKind
from tracker.extensions import db
from tracker.screening import scorecards

NAME = "Ottoline Brackenbury"
SECTIONS = {
    "application": "An example for: You enjoy solving problems",
    "scores": "Feedback from employer partners",
    "timeline": "New → In sift",  # the move into the sift (a new one shows "No moves yet.")
    "notes": "No notes yet.",
    "emails": "Emails to the candidate",
}


@pytest.fixture
def sifting(role):
    """A candidate in the sift, and a desirable criterion they were never asked about."""
    role.criteria.append(
        Criterion(kind=CriterionKind.DESIRABLE, position=9, text="You have used spreadsheets")
    )
    db.session.flush()
    return ApplicationFactory(role=role, sift=True, full_name=NAME)


def _page(application) -> str:
    return f"/staff/applications/{application.id}"


def _scores(application, value: int, note: str = "") -> dict:
    return {c.id: (value, note) for _, c in scorecards.criteria_for(application)}


def _form(application, value: int, note: str = "Clear example.") -> dict:
    data = {}
    for _, criterion in scorecards.criteria_for(application):
        data[f"score_{criterion.id}"] = str(value)
        data[f"evidence_{criterion.id}"] = note
    return data


def _current(html: str) -> list[str]:
    return re.findall(r'aria-current="page">([^<]+)</a>', html)


@pytest.mark.parametrize("section", list(SECTIONS))
def test_each_section_shows_its_own_work_under_the_summary(client, manager, sifting, section):
    sign_in_as(client, manager)
    html = client.get(f"{_page(sifting)}?section={section}").get_data(as_text=True)

    assert SECTIONS[section] in html
    assert _current(html) == [section.capitalize()]
    # The header on every section: reference, role, stage, days in stage, flags, scores.
    assert f"Application {sifting.reference}" in html and sifting.role.title in html
    for key in ("Stage", "In this stage", "Flags", "Scores"):
        assert re.search(rf'summary-list__key">\s*{key}\s*<', html), key
    assert "Not scored yet" in html
    # Only the open section's content: the rest is one link away.
    others = [text for name, text in SECTIONS.items() if name != section]
    assert not any(text in html for text in others)
    assert NAME not in html


def test_a_new_candidates_timeline_says_there_are_no_moves_yet(client, manager, role):
    new = ApplicationFactory(role=role, submitted=True, full_name=NAME)
    sign_in_as(client, manager)
    html = client.get(f"{_page(new)}?section=timeline").get_data(as_text=True)

    assert "No moves yet." in html
    assert _current(html) == ["Timeline"]


def test_an_unknown_section_opens_the_application(client, manager, sifting):
    sign_in_as(client, manager)
    html = client.get(f"{_page(sifting)}?section=nonsense").get_data(as_text=True)
    assert _current(html) == ["Application"]


def test_each_criterion_sits_beside_its_answer_with_its_score(client, manager, sifting):
    sign_in_as(client, manager)
    html = client.get(_page(sifting)).get_data(as_text=True)

    rows = html.split('class="govuk-grid-row app-criterion"')[1:]
    assert len(rows) == 3
    for row, (_, criterion) in zip(rows, scorecards.criteria_for(sifting), strict=True):
        assert criterion.text in row
        assert f'name="score_{criterion.id}"' in row and f'name="evidence_{criterion.id}"' in row
    assert "An example for: You enjoy solving problems" in rows[0]
    # A criterion without an answer still gets its score row.
    assert "has no answer for this criterion" in rows[2]
    # One form, one submit, after the last criterion; the decision after the evidence.
    assert html.count("Submit your scores") == 1
    assert html.index("Submit your scores") > html.index("You have used spreadsheets")
    assert html.index('id="move"') > html.index("Submit your scores")


def test_scores_posted_beside_the_answers_are_saved(client, manager, sifting):
    sign_in_as(client, manager)
    response = client.post(
        f"{_page(sifting)}/scorecard",
        data={"csrf_token": csrf_token(client, _page(sifting)), **_form(sifting, 3)},
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert "Your scores are submitted" in html
    assert _current(html) == ["Scores"]
    card = scorecards.own_scorecard(sifting, manager)
    assert card.submitted_at is not None
    assert [(s.score, s.evidence) for s in card.scores] == [(3, "Clear example.")] * 3
    # Back on the application, your own score sits beside each answer.
    again = client.get(_page(sifting)).get_data(as_text=True)
    assert again.count("Your score: 3 (Demonstrated)") == 3
    assert "Submit your scores" not in again


def test_others_scores_side_by_side_only_after_your_own_with_the_spread(client, manager, sifting):
    colleague = UserFactory(roles=[StaffRole.HIRING_MANAGER], tracks=[sifting.role.track])
    scorecards.submit_scorecard(
        actor=colleague, application=sifting, scores=_scores(sifting, 4, "Superb")
    )
    sign_in_as(client, manager)
    scores = f"{_page(sifting)}?section=scores"

    before = client.get(scores).get_data(as_text=True)
    assert colleague.name not in before and "Superb" not in before
    assert "Reviewers differ by 2 or more" not in before
    assert "1 reviewer: you see their scores once you have submitted yours" in before

    client.post(
        f"{_page(sifting)}/scorecard",
        data={"csrf_token": csrf_token(client, _page(sifting)), **_form(sifting, 2)},
    )
    after = client.get(scores).get_data(as_text=True)
    table = after[after.index("app-side-by-side") : after.index("</table>")]
    assert f"{colleague.name}</th>" in table and f"{manager.name} (you)</th>" in table
    assert table.count("<strong>3.0</strong>") == 3
    assert table.count("Reviewers differ by 2 or more") == 3
    assert "2 reviewers, average 3.0 out of 4" in after
    assert NAME not in after


def test_hr_see_everyone_s_scores_side_by_side_without_scoring(client, manager, sifting):
    """HR decide on the scores rather than give them (SEE_SCORES_UNSCORED): the side-by-side
    table and the average are theirs before they score, and they may still score."""
    colleague = UserFactory(roles=[StaffRole.HIRING_MANAGER], tracks=[sifting.role.track])
    scorecards.submit_scorecard(actor=colleague, application=sifting, scores=_scores(sifting, 4))
    scorecards.submit_scorecard(actor=manager, application=sifting, scores=_scores(sifting, 2))
    sign_in_as(client, UserFactory(roles=[StaffRole.ADMIN]))

    scores = client.get(f"{_page(sifting)}?section=scores").get_data(as_text=True)
    table = scores[scores.index("app-side-by-side") : scores.index("</table>")]
    assert f"{colleague.name}</th>" in table and f"{manager.name}</th>" in table
    assert "(you)" not in table and table.count("<strong>3.0</strong>") == 3
    assert "2 reviewers, average 3.0 out of 4" in scores
    assert "you see their scores once you have submitted yours" not in scores
    assert "You will see everyone\u2019s scores" not in scores

    application = client.get(_page(sifting)).get_data(as_text=True)
    assert "Submit your scores" in application  # HR may still score
    assert "You will see other reviewers\u2019 scores once" not in application
    assert NAME not in scores + application


def test_a_hiring_manager_still_sees_no_scores_before_their_own(client, manager, sifting):
    colleague = UserFactory(roles=[StaffRole.HIRING_MANAGER], tracks=[sifting.role.track])
    scorecards.submit_scorecard(actor=colleague, application=sifting, scores=_scores(sifting, 4))
    sign_in_as(client, manager)

    html = client.get(f"{_page(sifting)}?section=scores").get_data(as_text=True)

    assert "app-side-by-side" not in html and "average" not in html
    assert "1 reviewer: you see their scores once you have submitted yours" in html


def test_the_page_counts_reviewers_without_loading_their_scorecards(
    client, manager, sifting, monkeypatch
):
    """The header's "n reviewers" comes from application.score_count: a manager who has not
    scored loads no one's scorecards."""
    colleague = UserFactory(roles=[StaffRole.HIRING_MANAGER], tracks=[sifting.role.track])
    scorecards.submit_scorecard(actor=colleague, application=sifting, scores=_scores(sifting, 4))
    sign_in_as(client, manager)

    def refuse(application):
        raise AssertionError("loaded every scorecard to count them")

    monkeypatch.setattr(scorecards, "submitted_scorecards", refuse)
    for section in SECTIONS:
        html = client.get(f"{_page(sifting)}?section={section}").get_data(as_text=True)
        assert "1 reviewer" in html, section


def test_a_spread_under_two_is_not_flagged(client, manager, sifting):
    colleague = UserFactory(roles=[StaffRole.HIRING_MANAGER], tracks=[sifting.role.track])
    scorecards.submit_scorecard(actor=colleague, application=sifting, scores=_scores(sifting, 3))
    scorecards.submit_scorecard(actor=manager, application=sifting, scores=_scores(sifting, 2))
    sign_in_as(client, manager)
    html = client.get(f"{_page(sifting)}?section=scores").get_data(as_text=True)
    assert "app-side-by-side" in html and "Reviewers differ by 2 or more" not in html


def test_a_refused_scorecard_opens_the_application_with_what_was_typed(client, manager, sifting):
    sign_in_as(client, manager)
    data = _form(sifting, 3, note="Kept after a mistake")
    first = next(key for key in data if key.startswith("score_"))
    del data[first]
    html = client.post(
        f"{_page(sifting)}/scorecard?section=timeline",
        data={"csrf_token": csrf_token(client, _page(sifting)), **data},
    ).get_data(as_text=True)
    assert _current(html) == ["Application"]
    assert "govuk-error-summary" in html and "Score criterion 1" in html
    assert html.count("Kept after a mistake") == 3
    assert scorecards.own_scorecard(sifting, manager) is None


def test_a_refused_note_opens_the_notes_with_what_was_typed(client, manager, sifting):
    sign_in_as(client, manager)
    html = client.post(
        f"{_page(sifting)}/notes",
        data={"csrf_token": csrf_token(client, _page(sifting)), "text": "x" * 2001},
    ).get_data(as_text=True)
    assert _current(html) == ["Notes"]
    assert "govuk-error-summary" in html and "x" * 2001 in html


@pytest.mark.parametrize(("section", "current"), [("", "Application"), ("scores", "Scores")])
def test_a_refused_move_comes_back_where_it_was_sent_from(
    client, manager, sifting, section, current
):
    sign_in_as(client, manager)
    suffix = f"?section={section}" if section else ""
    html = client.post(
        f"{_page(sifting)}/move{suffix}",
        data={
            "csrf_token": csrf_token(client, _page(sifting)),
            "version": str(sifting.version),
            "feedback": "Typed before the mistake",
        },
    ).get_data(as_text=True)
    assert _current(html) == [current]
    assert "Select what happens next" in html and "Typed before the mistake" in html
    assert NAME not in html


def test_a_refused_reveal_opens_the_application_with_its_error(client, sifting):
    hr = UserFactory(roles=[StaffRole.ADMIN])
    sign_in_as(client, hr)
    html = client.post(
        f"{_page(sifting)}/reveal?section=emails",
        data={"csrf_token": csrf_token(client, _page(sifting)), "reason": ""},
    ).get_data(as_text=True)
    assert _current(html) == ["Application"]
    assert "Enter why you need the candidate" in html and " open>" in html
    assert NAME not in html


def test_hr_sees_no_name_on_any_section_during_the_sift(client, sifting):
    hr = UserFactory(roles=[StaffRole.ADMIN])
    sign_in_as(client, hr)
    for section in SECTIONS:
        html = client.get(f"{_page(sifting)}?section={section}").get_data(as_text=True)
        assert NAME not in html, section

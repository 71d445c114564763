"""A partner's structured feedback: given, changed until HR locks it, seen by the council
beside the scores and on the timeline; HR hears once when all feedback is in; partners are
reminded once before the due date."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.factories import UserFactory
from tests.helpers import csrf_token
from tests.partners.conftest import partner_in
from tracker import clock
from tracker.accounts.models import StaffRole
from tracker.extensions import db
from tracker.notifications.models import Email
from tracker.notifications.rendering import render_email
from tracker.partners import services as partners
from tracker.partners.models import FeedbackScore, PartnerFeedback, Recommendation


def _answers(share, scores=(4, 2), recommendation="recommend", comments="Asked great questions"):
    data = {f"score_{c.id}": str(s) for c, s in zip(share.criteria, scores, strict=True)}
    return data | {"recommendation": recommendation, "comments": comments}


def _give(partner, shared, scores=(3, 3), recommendation=Recommendation.RECOMMEND):
    return partners.give_feedback(
        actor=partner,
        shared_candidate=shared,
        recommendation=recommendation,
        comments=None,
        scores={c.id: s for c, s in zip(shared.share.criteria, scores, strict=True)},
    )


def _feedback_state():
    return (
        db.session.scalar(select(func.count(PartnerFeedback.id))),
        sorted(db.session.scalars(select(FeedbackScore.score))),
        db.session.scalar(select(func.count(Email.id))),
    )


def test_a_partner_gives_feedback_and_the_hiring_manager_sees_it(
    client, sign_in, role, candidate, organisation, partner_user, share_with
):
    application = candidate()
    share = share_with(organisation, [application])
    manager = UserFactory(roles=[StaffRole.HIRING_MANAGER], tracks=[role.track])
    db.session.commit()
    sign_in(partner_user)
    path = f"/partner/candidates/{share.candidates[0].id}"

    response = client.post(path, data=_answers(share) | {"csrf_token": csrf_token(client, path)})

    assert response.status_code == 302
    assert response.location == f"/partner/shares/{share.id}"
    feedback = db.session.scalars(select(PartnerFeedback)).one()
    assert feedback.recommendation is Recommendation.RECOMMEND
    assert sorted(s.score for s in feedback.scores) == [2, 4]
    assert feedback.author == partner_user.name

    client.post("/staff/sign-out", data={"csrf_token": csrf_token(client, "/staff/")})
    sign_in(manager)
    staff_page = f"/staff/applications/{application.id}"
    page = client.get(f"{staff_page}?section=scores").get_data(as_text=True)
    assert "Feedback from employer partners" in page
    assert "Hackney Tech Co-operative: Recommend" in page
    assert "Asked great questions" in page
    assert "4: Strongly demonstrated" in page
    page = client.get(f"{staff_page}?section=timeline").get_data(as_text=True)
    timeline = page.split('id="timeline"')[1].split("</ol>")[0]
    assert "Feedback from Hackney Tech Co-operative: Recommend" in timeline


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"score_first": ""}, "Score criterion 1"),
        ({"score_first": "5"}, "Select one of the options"),
        ({"recommendation": ""}, "Select whether you recommend this candidate"),
        ({"recommendation": "maybe"}, "Select one of the options"),
        ({"comments": "x" * 2001}, "Comments must be 2000 characters or fewer"),
    ],
)
def test_incomplete_feedback_explains_itself_and_saves_nothing(
    client, sign_in, candidate, organisation, partner_user, share_with, change, message
):
    share = share_with(organisation, [candidate()])
    db.session.commit()
    sign_in(partner_user)
    path = f"/partner/candidates/{share.candidates[0].id}"
    data = _answers(share) | {"csrf_token": csrf_token(client, path)}
    if "score_first" in change:
        data[f"score_{share.criteria[0].id}"] = change.pop("score_first")
    data.update(change)
    before = _feedback_state()

    response = client.post(path, data=data)

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in page and message in page
    assert _feedback_state() == before


def test_feedback_can_change_until_hr_locks_it(
    client, sign_in, hr, candidate, organisation, partner_user, share_with
):
    share = share_with(organisation, [candidate()])
    db.session.commit()
    sign_in(partner_user)
    path = f"/partner/candidates/{share.candidates[0].id}"
    client.post(path, data=_answers(share) | {"csrf_token": csrf_token(client, path)})
    client.post(
        path,
        data=_answers(share, scores=(1, 1), recommendation="do_not_recommend")
        | {"csrf_token": csrf_token(client, path)},
    )
    db.session.expire_all()
    feedback = db.session.scalars(select(PartnerFeedback)).one()
    assert feedback.recommendation is Recommendation.DO_NOT_RECOMMEND
    assert [s.score for s in feedback.scores] == [1, 1]

    token = csrf_token(client, path)
    partners.lock_feedback(actor=hr, share=share)
    db.session.commit()
    before = _feedback_state()
    response = client.post(path, data=_answers(share, scores=(4, 4)) | {"csrf_token": token})

    assert response.status_code == 200  # the form is gone: nothing to post to
    refused = response.get_data(as_text=True)
    assert "<title>Error: " in refused
    assert "HR has locked the feedback for these candidates: it cannot change" in refused
    assert _feedback_state() == before
    page = client.get(path).get_data(as_text=True)
    assert "HR has locked this feedback" in page
    assert "Save feedback" not in page
    assert "Do not recommend" in page


def test_saving_feedback_on_a_locked_share_is_refused_by_the_service(
    hr, candidate, organisation, partner_user, share_with
):
    share = share_with(organisation, [candidate()])
    partners.lock_feedback(actor=hr, share=share)

    with pytest.raises(partners.SharingError, match="locked"):
        _give(partner_user, share.candidates[0])


def test_unlocking_lets_the_partner_change_feedback_again(
    hr, candidate, organisation, partner_user, share_with
):
    share = share_with(organisation, [candidate()])
    partners.lock_feedback(actor=hr, share=share)
    partners.unlock_feedback(actor=hr, share=share)

    _give(partner_user, share.candidates[0])

    assert share.candidates[0].feedback is not None


def test_a_partner_from_another_organisation_cannot_give_feedback(
    candidate, organisation, partner_user, share_with
):
    from tests.factories import PartnerOrganisationFactory

    share = share_with(organisation, [candidate()])
    outsider = partner_in(PartnerOrganisationFactory())

    with pytest.raises(partners.SharingError, match="cannot give feedback"):
        _give(outsider, share.candidates[0])


def test_hr_is_told_once_when_all_feedback_is_in(
    hr, candidate, organisation, partner_user, share_with
):
    share = share_with(organisation, [candidate(), candidate()])
    colleague = partner_in(organisation)

    _give(partner_user, share.candidates[0])
    assert (
        db.session.scalar(
            select(func.count(Email.id)).where(Email.template == "share_feedback_complete")
        )
        == 0
    )

    _give(colleague, share.candidates[1])
    _give(partner_user, share.candidates[1], scores=(2, 2))  # a change afterwards

    notes = db.session.scalars(
        select(Email).where(Email.template == "share_feedback_complete")
    ).all()
    assert [n.recipient for n in notes] == [hr.email]
    assert share.completed_at is not None
    rendered = render_email("share_feedback_complete", notes[0].context)
    assert "all 2 candidates" in rendered.text
    assert f"/staff/shares/{share.id}" in rendered.text


def test_taking_back_the_last_candidate_without_feedback_completes_the_share(
    hr, candidate, organisation, partner_user, share_with
):
    share = share_with(organisation, [candidate(), candidate()])
    _give(partner_user, share.candidates[0])

    partners.unshare_candidate(actor=hr, shared_candidate=share.candidates[1])

    assert (
        db.session.scalar(
            select(func.count(Email.id)).where(Email.template == "share_feedback_complete")
        )
        == 1
    )


def _reminders():
    return db.session.scalars(
        select(Email).where(Email.template == "share_feedback_reminder").order_by(Email.id)
    ).all()


def test_partners_are_reminded_once_before_the_due_date(
    candidate, organisation, partner_user, share_with
):
    colleague = partner_in(organisation)
    due = clock.today() + timedelta(days=5)
    share = share_with(organisation, [candidate(), candidate()], due_on=due)
    _give(partner_user, share.candidates[0])

    assert partners.remind_partners(on=due - timedelta(days=3), days_before=2) == 0
    assert partners.remind_partners(on=due - timedelta(days=2), days_before=2) == 1
    assert partners.remind_partners(on=due - timedelta(days=1), days_before=2) == 0

    reminders = _reminders()
    assert sorted(r.recipient for r in reminders) == sorted([partner_user.email, colleague.email])
    text = render_email("share_feedback_reminder", reminders[0].context).text
    assert "1 of the 2 candidates" in text and f"/partner/shares/{share.id}" in text


@pytest.mark.parametrize("state", ["complete", "locked", "ended"])
def test_no_reminder_when_there_is_nothing_to_chase(
    hr, candidate, organisation, partner_user, share_with, state
):
    due = clock.today() + timedelta(days=1)
    share = share_with(organisation, [candidate()], due_on=due)
    if state == "complete":
        _give(partner_user, share.candidates[0])
    elif state == "locked":
        partners.lock_feedback(actor=hr, share=share)
    else:
        partners.end_share(actor=hr, share=share)

    assert partners.remind_partners(on=clock.today(), days_before=2) == 0
    assert _reminders() == []


def test_the_shared_email_names_the_ask_and_links_to_the_portal(
    candidate, organisation, partner_user, share_with
):
    share = share_with(organisation, [candidate() for _ in range(3)])
    email = db.session.scalars(select(Email).where(Email.template == "candidates_shared")).one()

    rendered = render_email("candidates_shared", email.context)

    assert rendered.subject.startswith("3 candidates shared with Hackney Tech Co-operative")
    assert "Assessment day, 12 January" in rendered.text
    assert "- Problem solving" in rendered.text
    assert f"/partner/shares/{share.id}" in rendered.text
    assert partner_user.name.split(" ")[0] in rendered.text

"""Ending a share, or taking one candidate back, cannot be undone from the partner's side:
HR confirms on a page that says what happens and to how many, and that no email goes."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.forms.harness import parse
from tests.helpers import csrf_token
from tests.partners.conftest import partner_in
from tracker.audit.models import AuditEvent
from tracker.extensions import db
from tracker.notifications.models import Email
from tracker.partners import services as partners
from tracker.partners.models import Recommendation


def _emails() -> int:
    return db.session.scalar(select(func.count(Email.id)))


def _events(action: str) -> int:
    return db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == action))


def _plain(text: str) -> str:
    return " ".join(text.split())


def _feedback_on(partner_user, shared):
    partners.give_feedback(
        actor=partner_user,
        shared_candidate=shared,
        recommendation=Recommendation.RECOMMEND,
        comments=None,
        scores={c.id: 3 for c in shared.share.criteria},
    )


def test_the_confirmation_says_how_many_lose_access_and_that_no_email_goes(
    client, sign_in, hr, candidate, organisation, partner_user, share_with
):
    second_user = partner_in(organisation, name="Sam Second")
    share = share_with(organisation, [candidate() for _ in range(3)])
    _feedback_on(partner_user, share.candidates[0])
    partners.unshare_candidate(actor=hr, shared_candidate=share.candidates[2])
    db.session.commit()
    sign_in(hr)
    emails = _emails()

    response = client.get(f"/staff/shares/{share.id}/end")

    page = parse(response.get_data(as_text=True))
    happens = _plain(page.texts_by_id["what-happens"])
    assert response.status_code == 200
    assert "Hackney Tech Co-operative loses access to 2 candidates at once" in happens
    assert share.candidates[0].application.reference in happens
    assert share.candidates[2].application.reference not in happens
    assert "2 partner users at Hackney Tech Co-operative" in happens
    assert partner_user.name in happens and second_user.name in happens
    assert "feedback they have already given is kept (1 of 2" in happens
    html = response.get_data(as_text=True)
    assert "No email is sent" in html
    assert "Yes, stop sharing 2 candidates" in html and "govuk-button--warning" in html
    db.session.expire_all()
    assert share.ended_at is None and _emails() == emails


def test_cancel_leads_back_and_changes_nothing(
    client, sign_in, hr, candidate, organisation, partner_user, share_with
):
    share = share_with(organisation, [candidate()])
    db.session.commit()
    sign_in(hr)
    html = client.get(f"/staff/shares/{share.id}/end").get_data(as_text=True)

    assert f'href="/staff/shares/{share.id}">Cancel</a>' in html
    back = client.get(f"/staff/shares/{share.id}")

    assert back.status_code == 200
    db.session.expire_all()
    assert share.ended_at is None
    assert _events("partners.ended") == 0


def test_confirming_ends_the_share_sends_nothing_and_keeps_the_feedback(
    client, sign_in, hr, candidate, organisation, partner_user, share_with
):
    share = share_with(organisation, [candidate(), candidate()])
    _feedback_on(partner_user, share.candidates[0])
    db.session.commit()
    sign_in(hr)
    emails = _emails()
    path = f"/staff/shares/{share.id}/end"

    response = client.post(path, data={"csrf_token": csrf_token(client, path)})

    assert response.status_code == 302
    db.session.expire_all()
    assert share.ended_at is not None and share.ended_by == hr.email
    assert share.candidates[0].feedback is not None
    assert _emails() == emails
    assert _events("partners.ended") == 1
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "can no longer see these candidates. Their feedback is kept." in page


def test_ending_an_ended_share_shows_the_error_and_changes_nothing(
    client, sign_in, hr, candidate, organisation, partner_user, share_with
):
    share = share_with(organisation, [candidate()])
    partners.end_share(actor=hr, share=share)
    db.session.commit()
    ended_at = share.ended_at
    sign_in(hr)
    path = f"/staff/shares/{share.id}/end"

    response = client.post(
        path, data={"csrf_token": csrf_token(client, f"/staff/shares/{share.id}")}
    )

    page = parse(response.get_data(as_text=True))
    assert response.status_code == 200
    assert page.title.startswith("Error: ")
    assert "This share has already ended" in dict(page.summary_links)["#form-errors"]
    assert "This share has already ended" in page.texts_by_id["form-errors"]
    db.session.expire_all()
    assert share.ended_at == ended_at and _events("partners.ended") == 1


def test_taking_a_candidate_back_is_confirmed_first(
    client, sign_in, hr, candidate, organisation, partner_user, share_with
):
    share = share_with(organisation, [candidate(), candidate()])
    shared = share.candidates[1]
    db.session.commit()
    sign_in(hr)
    path = f"/staff/shares/{share.id}/candidates/{shared.id}/unshare"

    listing = client.get(f"/staff/shares/{share.id}").get_data(as_text=True)
    confirm = client.get(path)
    db.session.expire_all()
    still_shared = shared.unshared_at is None
    done = client.post(path, data={"csrf_token": csrf_token(client, path)})
    again = client.post(path, data={"csrf_token": csrf_token(client, f"/staff/shares/{share.id}")})

    assert f'href="{path}"' in listing  # a link to the confirmation, not a one-click form
    html = confirm.get_data(as_text=True)
    happens = _plain(parse(html).texts_by_id["what-happens"])
    assert f"loses access to 1 candidate, {shared.application.reference}" in happens
    assert "1 partner user at Hackney Tech Co-operative" in happens
    assert "No email is sent" in html and still_shared
    assert done.status_code == 302
    db.session.expire_all()
    assert shared.unshared_at is not None and shared.unshared_by == hr.email
    assert _events("partners.unshared") == 1
    assert again.status_code == 200
    again_page = parse(again.get_data(as_text=True))
    assert again_page.title.startswith("Error: ")
    assert "was already taken back" in again_page.texts_by_id["form-errors"]


def test_locking_an_ended_share_is_refused_on_the_shares_page(
    client, sign_in, hr, candidate, organisation, partner_user, share_with
):
    share = share_with(organisation, [candidate()])
    partners.end_share(actor=hr, share=share)
    db.session.commit()
    sign_in(hr)

    response = client.post(
        f"/staff/shares/{share.id}/lock",
        data={"csrf_token": csrf_token(client, f"/staff/shares/{share.id}")},
    )

    page = parse(response.get_data(as_text=True))
    assert response.status_code == 200
    assert page.title.startswith("Error: ")
    assert "no feedback left to lock" in page.texts_by_id["form-errors"]
    db.session.expire_all()
    assert share.locked_at is None

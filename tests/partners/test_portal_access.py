"""A partner user reaches exactly the candidates shared with their organisation, only while
shared, and no field beyond what the share allows: every excluded field's value is looked for
in the HTML."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.factories import (
    HISTORY,
    EqualityAnswersFactory,
    PartnerOrganisationFactory,
    UserFactory,
)
from tests.partners.conftest import partner_in
from tracker.accounts.models import StaffRole
from tracker.applications import pipeline
from tracker.applications.models import CvDocument
from tracker.applications.states import Event
from tracker.clock import utcnow
from tracker.extensions import db
from tracker.partners import fields
from tracker.partners import services as partners
from tracker.partners.models import Recommendation, SharedCandidate
from tracker.screening.models import CandidateNote

# Values that must never reach a partner, whatever the share allows.
NEVER = {
    "email": "zebedee.secret@example.com",
    "phone": "07700 900 456",
    "address_line_1": "17 Hiddenmews Lane",
    "address_line_2": "Flat Quixotic",
    "town": "Secretvillage",
    "postcode": "ZZ9 9ZZ",
    "date of birth": "29 February 2004",
    "adjustments": "A quiet room with a hearing loop please",
    "eligibility finding": "Check the visa expiry",
    "cv name": "Zebedee-Quintrell-CV.pdf",
    "note": "Internal note: strong but nervous",
    "equality sex": "equality-marker-sex",
    "equality ethnicity": "equality-marker-ethnicity",
    "other organisation's comments": "The other organisation thought so",
}
# Values a share may allow.
NAME = "Zebedee Quintrell"
QUALIFICATION = "BTEC in Marker Studies"
ANSWER_MARK = "I fixed the community centre router"


@pytest.fixture
def seeded(candidate):
    application = candidate(
        full_name=NAME,
        phone=NEVER["phone"],
        address_line_1=NEVER["address_line_1"],
        address_line_2=NEVER["address_line_2"],
        town=NEVER["town"],
        postcode=NEVER["postcode"],
        date_of_birth=date(2004, 2, 29),
        needs_adjustments=True,
        adjustments=NEVER["adjustments"],
        other_qualifications=QUALIFICATION,
        eligibility_findings=[{"severity": "check", "message": NEVER["eligibility finding"]}],
        needs_hr_check=True,
        disability_confident=True,
    )
    application.applicant.email = NEVER["email"]
    application.answers[0].answer = ANSWER_MARK
    application.cv = CvDocument(
        storage_name="a" * 32,
        display_name=NEVER["cv name"],
        media_type="application/pdf",
        size_bytes=10,
    )
    EqualityAnswersFactory(
        application_id=application.id,
        sex=NEVER["equality sex"],
        ethnicity=NEVER["equality ethnicity"],
    )
    db.session.add(
        CandidateNote(
            application_id=application.id,
            author_label="hr@example.gov.uk",
            created_at=utcnow(),
            text=NEVER["note"],
        )
    )
    db.session.flush()
    return application


def _shared(share, application) -> SharedCandidate:
    return next(c for c in share.candidates if c.application_id == application.id)


def _page(client, path):
    response = client.get(path)
    return response.status_code, response.get_data(as_text=True)


@pytest.mark.parametrize(
    "allowed",
    [[], [fields.NAME], [fields.QUALIFICATIONS], [fields.ANSWERS], list(fields.SHAREABLE)],
    ids=["nothing", "name", "qualifications", "answers", "everything"],
)
def test_a_partner_sees_only_the_fields_the_share_allows(
    client, sign_in, seeded, organisation, partner_user, share_with, allowed
):
    other = PartnerOrganisationFactory(name="Other Digital Ltd")
    other_user = partner_in(other)
    other_share = share_with(other, [seeded], fields=list(fields.SHAREABLE))
    partners.give_feedback(
        actor=other_user,
        shared_candidate=other_share.candidates[0],
        recommendation=Recommendation.RECOMMEND,
        comments=NEVER["other organisation's comments"],
        scores={c.id: 3 for c in other_share.criteria},
    )
    share = share_with(organisation, [seeded], fields=allowed)
    db.session.commit()
    sign_in(partner_user)

    pages = [
        _page(client, "/partner/"),
        _page(client, f"/partner/shares/{share.id}"),
        _page(client, f"/partner/candidates/{_shared(share, seeded).id}"),
    ]

    assert [status for status, _ in pages] == [200, 200, 200]
    html = "\n".join(text for _, text in pages)
    assert seeded.reference in html and seeded.role.title in html
    for what, value in NEVER.items():
        assert value not in html, f"the partner saw the {what}"
    for label in ("Date of birth", "Phone number", "Email address", "Right to work", "Address"):
        assert label not in html
    assert (NAME in html) is (fields.NAME in allowed)
    assert (QUALIFICATION in html) is (fields.QUALIFICATIONS in allowed)
    assert (ANSWER_MARK in html) is (fields.ANSWERS in allowed)


def test_a_partner_reaches_exactly_their_organisations_candidates(
    client, sign_in, candidate, organisation, partner_user, share_with
):
    ours = [candidate() for _ in range(3)]
    theirs = candidate()
    not_shared = candidate()
    other = PartnerOrganisationFactory()
    partner_in(other)
    our_share = share_with(organisation, ours)
    their_share = share_with(other, [theirs])
    db.session.commit()
    sign_in(partner_user)

    listing = client.get(f"/partner/shares/{our_share.id}").get_data(as_text=True)
    reachable = [
        client.get(f"/partner/candidates/{c.id}").status_code for c in our_share.candidates
    ]
    foreign = client.get(f"/partner/candidates/{their_share.candidates[0].id}").status_code

    assert reachable == [200, 200, 200]
    assert all(a.reference in listing for a in ours)
    assert theirs.reference not in listing and not_shared.reference not in listing
    assert foreign == 404
    assert client.get(f"/partner/shares/{their_share.id}").status_code == 404


def test_after_unsharing_the_candidate_is_not_found(
    client, sign_in, hr, candidate, organisation, partner_user, share_with
):
    kept, taken_back = candidate(), candidate()
    share = share_with(organisation, [kept, taken_back])
    db.session.commit()
    sign_in(partner_user)
    path = f"/partner/candidates/{_shared(share, taken_back).id}"
    assert client.get(path).status_code == 200

    partners.unshare_candidate(actor=hr, shared_candidate=_shared(share, taken_back))
    db.session.commit()

    assert client.get(path).status_code == 404
    assert taken_back.reference not in client.get(f"/partner/shares/{share.id}").get_data(
        as_text=True
    )
    assert client.get(f"/partner/candidates/{_shared(share, kept).id}").status_code == 200


def test_after_the_share_ends_nothing_in_it_is_found(
    client, sign_in, hr, candidate, organisation, partner_user, share_with
):
    share = share_with(organisation, [candidate()])
    db.session.commit()
    sign_in(partner_user)

    partners.end_share(actor=hr, share=share)
    db.session.commit()

    assert client.get(f"/partner/shares/{share.id}").status_code == 404
    assert client.get(f"/partner/candidates/{share.candidates[0].id}").status_code == 404
    assert share.purpose not in client.get("/partner/").get_data(as_text=True)


def test_a_candidate_who_withdraws_disappears_from_the_partner(
    client, sign_in, candidate, organisation, partner_user, share_with
):
    application = candidate()
    share = share_with(organisation, [application])
    pipeline.move(
        application,
        Event.WITHDRAW,
        actor_label=HISTORY,
        values={"withdrawn_at": utcnow(), "withdrawal_reason": "another_job"},
    )
    db.session.commit()
    sign_in(partner_user)

    assert client.get(f"/partner/candidates/{share.candidates[0].id}").status_code == 404


def test_a_deactivated_partner_user_sees_nothing(
    client, sign_in, candidate, organisation, partner_user, share_with
):
    share = share_with(organisation, [candidate()])
    db.session.commit()
    sign_in(partner_user)
    partner_user.is_active = False
    db.session.commit()

    response = client.get(f"/partner/candidates/{share.candidates[0].id}")

    assert response.status_code == 302
    assert response.location.startswith("/staff/sign-in")


@pytest.mark.parametrize("staff_role", [StaffRole.HIRING_MANAGER, StaffRole.MENTOR])
def test_other_staff_cannot_use_the_partner_portal(
    client, sign_in, candidate, organisation, partner_user, share_with, staff_role
):
    share = share_with(organisation, [candidate()])
    db.session.commit()
    sign_in(UserFactory(roles=[staff_role]))

    assert client.get("/partner/").status_code == 403
    assert client.get(f"/partner/candidates/{share.candidates[0].id}").status_code == 403


def test_hr_never_reaches_the_partner_portal_candidates_through_it(
    client, sign_in, hr, candidate, organisation, partner_user, share_with
):
    share = share_with(organisation, [candidate()])
    db.session.commit()
    sign_in(hr)

    assert client.get(f"/partner/candidates/{share.candidates[0].id}").status_code == 403


def test_the_share_is_found_through_the_organisation_not_the_user(
    candidate, organisation, partner_user, share_with
):
    from tracker.partners.queries import partner_candidates

    share = share_with(organisation, [candidate()])
    colleague = partner_in(organisation)

    found = db.session.scalars(partner_candidates(colleague)).all()

    assert [c.id for c in found] == [share.candidates[0].id]
    assert db.session.scalars(select(SharedCandidate)).all()

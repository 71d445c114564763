"""Employer partner forms with a mistake in each (tests/forms/harness.py): HR's shares and
partner organisations, and a partner's feedback in the portal."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from tests.factories import ApplicationFactory, PartnerOrganisationFactory, RoleFactory, UserFactory
from tests.forms.harness import InvalidPost
from tracker import clock
from tracker.accounts.models import PartnerOrganisation, StaffRole
from tracker.extensions import db
from tracker.partners import fields
from tracker.partners import services as partners
from tracker.partners.models import PartnerFeedback, Share


def _hr():
    return UserFactory(roles=[StaffRole.ADMIN])


def _organisation():
    organisation = PartnerOrganisationFactory()
    UserFactory(roles=[StaffRole.PARTNER], partner_organisation=organisation)
    return organisation


def _candidate():
    return ApplicationFactory(role=RoleFactory(), assessment=True)


def _share(hr, *, ended=False) -> Share:
    share = partners.share_candidates(
        actor=hr,
        organisation=_organisation(),
        applications=[_candidate()],
        purpose="Assessment day",
        due_on=clock.today() + timedelta(days=7),
        criteria=["Problem solving"],
        fields=list(fields.DEFAULT),
    )
    if ended:
        partners.end_share(actor=hr, share=share)
    return share


def _share_state(arranged):
    share = db.session.get(Share, arranged["share"])
    return (
        share.ended_at,
        share.locked_at,
        [c.unshared_at for c in share.candidates],
        db.session.scalar(select(func.count(Share.id))),
    )


def _ended_share(path: str):
    def arrange(hr):
        share = _share(hr, ended=True)
        return {"share": share.id, "url": path.format(share=share.id)}

    return arrange


def _unshared(hr):
    share = _share(hr)
    shared = share.candidates[0]
    partners.unshare_candidate(actor=hr, shared_candidate=shared)
    return {
        "share": share.id,
        "url": f"/staff/shares/{share.id}/candidates/{shared.id}/unshare",
    }


def _new_share(hr):
    organisation = _organisation()
    application = _candidate()
    return {
        "url": "/staff/shares/new",
        "organisation": organisation.id,
        "application": application.id,
        "share": None,
    }


def _new_share_data(arranged):
    due = clock.today() + timedelta(days=7)
    return {
        "offered": [arranged["application"]],
        "application_ids": [arranged["application"]],
        "organisation": arranged["organisation"],
        "purpose": "Assessment day",
        "due_on": [str(due.day), str(due.month), str(due.year)],
        "criteria": "Problem solving\nproblem   SOLVING",
        "fields": [fields.ANSWERS],
    }


def _shares(arranged):
    return db.session.scalar(select(func.count(Share.id)))


def _partner():
    return UserFactory(roles=[StaffRole.PARTNER], partner_organisation=_organisation())


def _shared_with(partner):
    hr = UserFactory(roles=[StaffRole.ADMIN])
    share = partners.share_candidates(
        actor=hr,
        organisation=partner.partner_organisation,
        applications=[_candidate()],
        purpose="Assessment day",
        due_on=clock.today() + timedelta(days=7),
        criteria=["Problem solving"],
        fields=list(fields.DEFAULT),
    )
    shared = share.candidates[0]
    return {"url": f"/partner/candidates/{shared.id}", "criterion": share.criteria[0].id}


def _feedback(arranged):
    return db.session.scalar(select(func.count(PartnerFeedback.id)))


def _organisations(arranged):
    return db.session.scalars(
        select(PartnerOrganisation.name).order_by(PartnerOrganisation.id)
    ).all()


def _existing(hr):
    PartnerOrganisationFactory(name="Dalston Digital Ltd")
    return {"url": "/staff/partners/organisations/new"}


def _to_rename(hr):
    PartnerOrganisationFactory(name="Dalston Digital Ltd")
    other = PartnerOrganisationFactory(name="Hackney Tech Co-operative")
    return {"url": f"/staff/partners/organisations/{other.id}/edit"}


CASES = [
    InvalidPost(
        name="share-with-the-same-criterion-twice",
        endpoint="partners.new_share",
        user=_hr,
        arrange=_new_share,
        data=_new_share_data,
        field="criteria",
        message="Each criterion must be different",
        state=_shares,
    ),
    InvalidPost(
        name="end-a-share-that-has-ended",
        endpoint="partners.end",
        user=_hr,
        arrange=_ended_share("/staff/shares/{share}/end"),
        data=lambda arranged: {},
        field="form-errors",
        message="This share has already ended",
        state=_share_state,
    ),
    InvalidPost(
        name="lock-a-share-that-has-ended",
        endpoint="partners.lock",
        user=_hr,
        arrange=_ended_share("/staff/shares/{share}/lock"),
        data=lambda arranged: {},
        field="form-errors",
        message="This share has ended: there is no feedback left to lock",
        state=_share_state,
    ),
    InvalidPost(
        name="unlock-a-share-that-has-ended",
        endpoint="partners.unlock",
        user=_hr,
        arrange=_ended_share("/staff/shares/{share}/unlock"),
        data=lambda arranged: {},
        field="form-errors",
        message="This share has ended: share the candidates again instead",
        state=_share_state,
    ),
    InvalidPost(
        name="unshare-a-candidate-already-taken-back",
        endpoint="partners.unshare",
        user=_hr,
        arrange=_unshared,
        data=lambda arranged: {},
        field="form-errors",
        message="was already taken back from this share",
        state=_share_state,
    ),
    InvalidPost(
        name="partner-feedback-without-a-recommendation",
        endpoint="partners.candidate",
        user=_partner,
        arrange=_shared_with,
        data=lambda arranged: {f"score_{arranged['criterion']}": "3", "comments": "Good"},
        field="recommendation",
        message="Select whether you recommend this candidate",
        state=_feedback,
    ),
    InvalidPost(
        name="partner-organisation-that-exists-already",
        endpoint="partners.new_organisation",
        user=_hr,
        arrange=_existing,
        data=lambda arranged: {"name": "  dalston DIGITAL ltd"},
        field="name",
        message="There is already a partner organisation called Dalston Digital Ltd",
        state=_organisations,
    ),
    InvalidPost(
        name="partner-organisation-renamed-to-nothing",
        endpoint="partners.edit_organisation",
        user=_hr,
        arrange=_to_rename,
        data=lambda arranged: {"name": "   "},
        field="name",
        message="Enter the organisation's name",
        state=_organisations,
    ),
]

EXEMPT: dict[str, str] = {}

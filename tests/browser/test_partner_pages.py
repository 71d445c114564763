"""In headless Chromium on a phone (375 px): HR's partner organisation pages and the
confirmations of ending a share and taking a candidate back, the partner portal, and the
mentoring pages of HR and of a mentor fit the screen and pass axe-core; the organisation
form shows the GOV.UK error pattern."""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import serious_axe_violations, sign_in_staff
from tests.factories import ApplicationFactory, PartnerOrganisationFactory, RoleFactory, UserFactory
from tests.mentoring.factories import MentorProfileFactory, assigned, hired
from tracker import clock
from tracker.accounts.models import StaffRole
from tracker.extensions import db
from tracker.partners import fields
from tracker.partners import services as partners

pytestmark = pytest.mark.browser

LONG_NAME = "The Hackney and Dalston Community Technology Skills Co-operative Limited"


@pytest.fixture(scope="module")
def sharing(live_app):
    """HR, an organisation with a long name, its users (one with a long email address, one
    invited), and a share of two candidates."""
    with live_app.app_context():
        hr = UserFactory(roles=[StaffRole.ADMIN], email="hr.partner.pages@example.gov.uk")
        hr.totp_secret = pyotp.random_base32()
        # A second HR user: a security code cannot be used twice, so two sign-ins within
        # one 30-second step need two people.
        mentors_hr = UserFactory(roles=[StaffRole.ADMIN], email="hr.mentor.pages@example.gov.uk")
        mentors_hr.totp_secret = pyotp.random_base32()
        organisation = PartnerOrganisationFactory(name=LONG_NAME)
        UserFactory(
            roles=[StaffRole.PARTNER],
            partner_organisation=organisation,
            name="Pat Partner",
            email="pat.partner.with.a.rather.long.address@hackney-dalston-technology.example.com",
        )
        UserFactory(
            roles=[StaffRole.PARTNER],
            partner_organisation=organisation,
            name="Ivy Invited",
            password_hash=None,
        )
        partner = UserFactory(roles=[StaffRole.PARTNER], partner_organisation=organisation)
        role = RoleFactory()
        mentor = MentorProfileFactory(tracks=[role.track])
        mentee = hired(role, full_name="Jordan Apprentice-Longname", phone="07700 900 123")
        assigned(mentee, mentor)
        unmentored = hired(role)
        share = partners.share_candidates(
            actor=hr,
            organisation=organisation,
            applications=[ApplicationFactory(role=role, assessment=True) for _ in range(2)],
            purpose="Assessment day, 12 January: give feedback on each candidate you meet",
            due_on=clock.today() + timedelta(days=7),
            criteria=["Problem solving", "Working with others"],
            fields=list(fields.SHAREABLE),
        )
        db.session.commit()
        return {
            "email": hr.email,
            "secret": hr.totp_secret,
            "organisation": organisation.id,
            "share": share.id,
            "shared": share.candidates[0].id,
            "mentors_hr": (mentors_hr.email, mentors_hr.totp_secret),
            "partner": partner.email,
            "mentor": mentor.user.email,
            "mentor_id": mentor.user_id,
            "mentee": mentee.id,
            "unmentored": unmentored.id,
        }


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(base_url=live_server, viewport={"width": 375, "height": 800})
    page = context.new_page()
    yield page
    context.close()


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 375


def test_hr_partner_pages_fit_a_phone_and_pass_axe(phone, sharing):
    page = phone
    s = sharing
    sign_in_staff(page, s["email"], s["secret"])
    pages = [
        ("/staff/partners/organisations", "Partner organisations"),
        (f"/staff/partners/organisations/{s['organisation']}", LONG_NAME),
        (f"/staff/partners/organisations/{s['organisation']}/edit", "Change the name"),
        ("/staff/partners/organisations/new", "Add a partner organisation"),
        ("/staff/shares", "Employer partners and shared candidates"),
        (f"/staff/shares/{s['share']}", "Assessment day"),
        (f"/staff/shares/{s['share']}/end", "Stop sharing these candidates"),
        (
            f"/staff/shares/{s['share']}/candidates/{s['shared']}/unshare",
            re.compile(r"^Stop sharing \w{4}-\w{4}"),
        ),
    ]
    for path, heading in pages:
        page.goto(path)
        expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible()
        assert serious_axe_violations(page) == [], path
        assert _fits(page), f"{path} is wider than the phone"

    # A mistake on the organisation form: the summary, the message by the field, the title.
    page.goto("/staff/partners/organisations/new")
    page.get_by_label("Organisation name").fill(LONG_NAME.upper())
    page.get_by_role("button", name="Add organisation").click()
    expect(page).to_have_title(re.compile(r"^Error: Add a partner organisation"))
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text(f"There is already a partner organisation called {LONG_NAME}")
    summary.get_by_role("link").click()
    expect(page.get_by_label("Organisation name")).to_be_focused()
    expect(page.locator("#name-error")).to_contain_text("There is already")
    assert serious_axe_violations(page) == []
    assert _fits(page)


def _check(page, pages) -> None:
    for path, heading in pages:
        page.goto(path)
        expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible()
        assert serious_axe_violations(page) == [], path
        assert _fits(page), f"{path} is wider than the phone"


def test_mentoring_pages_fit_a_phone_and_pass_axe(phone, sharing):
    s = sharing
    sign_in_staff(phone, *s["mentors_hr"])
    _check(
        phone,
        [
            ("/staff/mentors", "Mentors"),
            (f"/staff/mentors/{s['mentor_id']}", re.compile("mentor profile")),
            ("/staff/apprentices", "Apprentices and their mentors"),
            (f"/staff/apprentices/{s['unmentored']}/mentor", re.compile("mentor")),
            (f"/staff/apprentices/{s['mentee']}/mentor", re.compile("mentor")),
        ],
    )


def test_a_mentors_pages_fit_a_phone_and_pass_axe(phone, sharing):
    s = sharing
    sign_in_staff(phone, s["mentor"], home="Your mentees")
    _check(
        phone,
        [
            ("/staff/mentees", "Your mentees"),
            (f"/staff/mentees/{s['mentee']}", "Jordan Apprentice-Longname"),
            (f"/staff/mentees/{s['mentee']}?kind=project", "Jordan Apprentice-Longname"),
        ],
    )


def test_the_partner_portal_fits_a_phone_and_passes_axe(phone, sharing):
    s = sharing
    sign_in_staff(phone, s["partner"], home="Candidates shared with you")
    _check(
        phone,
        [
            ("/partner/", re.compile("")),
            (f"/partner/shares/{s['share']}", re.compile("Assessment day")),
            (f"/partner/candidates/{s['shared']}", re.compile("^Candidate ")),
        ],
    )

"""In headless Chromium, end to end (issue 7): HR adds an employer partner to the list of
organisations, invites someone from it, and shares
three candidates with its organisation, and gives a hired apprentice the suggested mentor;
the partner signs in from the invitation and gives feedback on every candidate; HR is told
that all feedback is in; the hiring manager sees the feedback on the candidate's page; the
mentor sees the apprentice on their dashboard. Every email arrives exactly once, and no page
on the way has a serious or critical axe-core violation.

Nothing is faked, as in the other journeys: a committed database of the module's own, a
private Redis, a real Celery worker delivering the outbox to an SMTP server on loopback, and
the app served by werkzeug on the address it puts in the links it emails.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import timedelta

import pyotp
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.journey_stack import (
    AxeLog,
    emails_to,
    running_stack,
    text_of,
    wait_for_email,
)
from tests.factories import PASSWORD, ApplicantFactory, ApplicationFactory, UserFactory
from tests.mail import SmtpServer, quiet
from tests.mentoring.factories import MentorProfileFactory, hired
from tracker import clock
from tracker.accounts.models import StaffRole
from tracker.catalogue.models import Role, Track
from tracker.extensions import db

pytestmark = pytest.mark.browser

SERVICE_NAME = "ICT and digital apprenticeships"
ROLE_SLUG = "data-analyst-apprentice"
ORGANISATION = "Dalston Digital"
PARTNER_NAME = "Pat Partner"
APPRENTICE = "Jordan Apprentice"
MENTOR = "Morgan Lee"
# What a partner must never see of the candidates shared with them.
SECRET_PHONE = "07700 900 789"
SECRET_POSTCODE = "ZZ1 9QQ"


@pytest.fixture(scope="module")
def smtp_server():
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def stack(smtp_server, tmp_path_factory):
    with running_stack(
        smtp_server, tmp_path_factory.mktemp("partner_journey"), "partners"
    ) as running:
        yield running


@pytest.fixture(scope="module")
def live_server(stack):
    """The journey's server (named so the browser conftest's ``page`` drives it)."""
    return stack.base_url


@dataclass
class Scenario:
    hr_email: str
    hr_secret: str
    manager_email: str
    mentor_email: str
    partner_email: str
    apprentice_email: str
    role_id: int
    candidates: list[tuple[int, str]]  # (application id, reference)
    apprentice_id: int


@pytest.fixture(scope="module")
def scenario(stack):
    """HR, a hiring manager, three candidates at assessment for the data analyst role, a hired
    apprentice who agreed to share their contact details, and two mentors: one who knows the
    role's track and one who does not."""
    token = uuid.uuid4().hex[:8]
    with stack.app.app_context():
        role = db.session.scalars(select(Role).where(Role.slug == ROLE_SLUG)).one()
        other_track = db.session.scalars(select(Track).where(Track.id != role.track_id)).first()
        hr = UserFactory(roles=[StaffRole.ADMIN], email=f"hr.{token}@example.gov.uk")
        manager = UserFactory(
            roles=[StaffRole.HIRING_MANAGER],
            tracks=[role.track],
            email=f"manager.{token}@example.gov.uk",
        )
        candidates = [
            ApplicationFactory(
                applicant=ApplicantFactory(email=f"candidate{n}.{token}@example.com"),
                role=role,
                assessment=True,
                full_name=f"Candidate Number{n}",
                phone=SECRET_PHONE,
                postcode=SECRET_POSTCODE,
            )
            for n in range(3)
        ]
        apprentice = hired(
            role,
            consent=True,
            full_name=APPRENTICE,
            applicant=ApplicantFactory(email=f"jordan.{token}@example.com"),
        )
        MentorProfileFactory(
            tracks=[other_track],
            capacity=5,
            user=UserFactory(
                roles=[StaffRole.MENTOR], name="Avery Other", email=f"avery.{token}@example.gov.uk"
            ),
        )
        mentor = MentorProfileFactory(
            tracks=[role.track],
            capacity=2,
            user=UserFactory(
                roles=[StaffRole.MENTOR], name=MENTOR, email=f"morgan.{token}@example.gov.uk"
            ),
        )
        db.session.commit()
        found = Scenario(
            hr_email=hr.email,
            hr_secret=hr.totp_secret,
            manager_email=manager.email,
            mentor_email=mentor.user.email,
            partner_email=f"pat.{token}@dalston.example.com",
            apprentice_email=apprentice.applicant.email,
            role_id=role.id,
            candidates=[(c.id, c.reference) for c in candidates],
            apprentice_id=apprentice.id,
        )
        db.session.remove()
        return found


_USED_STEPS: dict[str, set[int]] = {}


def _unused_code(secret: str) -> str:
    """A security code this run has not used: each code works once, and HR signs in twice,
    often within one 30-second step; the next step's code is allowed for clock drift."""
    totp = pyotp.TOTP(secret)
    used = _USED_STEPS.setdefault(secret, set())
    step = totp.timecode(clock.utcnow())
    while step in used:
        step += 1
    used.add(step)
    return totp.at(step * 30)


def sign_in(page, email: str, secret: str | None = None, home: str = "What needs doing") -> None:
    """Sign in and wait for the person's landing page (partners and mentors have their own)."""
    page.goto("/staff/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    if secret:
        page.get_by_label("Security code").fill(_unused_code(secret))
        page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1, name=home)).to_be_visible()


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You have signed out.")).to_be_visible()


def test_hr_shares_a_partner_gives_feedback_and_a_mentor_meets_their_apprentice(
    page, live_server, stack, smtp_server, scenario
):
    """Given candidates at assessment, a hired apprentice and two mentors,
    when HR invites a partner, shares the candidates and assigns the suggested mentor, and
    the partner signs in from the invitation and gives feedback on each candidate,
    then HR hears once that all feedback is in, the hiring manager reads the feedback beside
    the scores and on the timeline, the mentor sees the apprentice with their contact details,
    each email arrives once, and axe-core finds nothing serious on any page."""
    s = scenario
    axe = AxeLog()
    page.set_default_timeout(10_000)
    references = [reference for _, reference in s.candidates]

    # HR adds the employer partner to the list of organisations, then invites someone from it.
    sign_in(page, s.hr_email, s.hr_secret)
    page.goto("/staff/partners/organisations")
    axe.check(page, "partner organisations, none yet")
    page.get_by_role("button", name="Add an organisation").click()
    page.get_by_role("button", name="Add organisation").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error: Add a partner organisation"))
    axe.check(page, "add an organisation, with errors")
    page.get_by_label("Organisation name").fill(f"  {ORGANISATION} ")
    page.get_by_role("button", name="Add organisation").click()
    expect(page.get_by_text(f"{ORGANISATION} is added.")).to_be_visible()
    expect(page.get_by_text(f"Nobody from {ORGANISATION} has been invited yet.")).to_be_visible()
    axe.check(page, "partner organisation, nobody invited")
    page.get_by_role("button", name="Invite a user from this organisation").click()
    page.get_by_label("Full name").fill(PARTNER_NAME)
    page.get_by_label("Email address").fill(s.partner_email)
    page.get_by_label("Employer partner", exact=True).check()
    # The invitation chooses from the managed list, with this organisation preselected.
    expect(
        page.get_by_label("Employer partner's organisation").locator("option:checked")
    ).to_have_text(ORGANISATION)
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text(f"Invitation sent to {s.partner_email}")).to_be_visible()

    # HR ticks the three candidates at assessment and shares them.
    page.goto(f"/staff/roles/{s.role_id}/candidates?status=assessment")
    for reference in references:
        page.get_by_label(f"Select {reference}").check()
    page.get_by_role("button", name="Share with an employer partner").click()
    expect(
        page.get_by_role("heading", level=1, name="Share candidates with an employer partner")
    ).to_be_visible()
    axe.check(page, "share form")
    page.get_by_role("button", name="Share the candidates").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    axe.check(page, "share form, with errors")
    page.get_by_label("Employer partner", exact=True).select_option(label=ORGANISATION)
    page.get_by_label("What are you asking them to do?").fill("Assessment day at Dalston Digital")
    due = clock.today() + timedelta(days=7)
    page.locator("#due_on-day").fill(str(due.day))
    page.locator("#due_on-month").fill(str(due.month))
    page.locator("#due_on-year").fill(str(due.year))
    page.get_by_label("Name", exact=True).check()
    page.get_by_role("button", name="Share the candidates").click()
    expect(page.get_by_text(f"3 candidates shared with {ORGANISATION}")).to_be_visible()
    expect(page.get_by_text("Waiting for feedback")).to_have_count(3)
    axe.check(page, "share, waiting")

    # HR gives the hired apprentice the suggested mentor (the one who knows the track).
    page.get_by_role("link", name="Apprentices", exact=True).click()
    expect(
        page.get_by_role("heading", level=1, name="Apprentices and their mentors")
    ).to_be_visible()
    axe.check(page, "apprentices, one without a mentor")
    page.goto(f"/staff/apprentices/{s.apprentice_id}/mentor")
    suggested = page.get_by_label(MENTOR)
    expect(suggested).to_be_checked()
    expect(page.get_by_text("Suggested")).to_be_visible()
    axe.check(page, "assign a mentor")
    page.get_by_role("button", name="Assign mentor").click()
    expect(page.get_by_text(f"{MENTOR} is now {APPRENTICE}'s mentor.")).to_be_visible()
    axe.check(page, "apprentices, all with a mentor")
    sign_out(page)

    # The partner sets a password from the invitation, signs in and sees the share.
    invitation = wait_for_email(
        stack, smtp_server, s.partner_email, "You have been invited", "the partner's invitation"
    )[0]
    shared = wait_for_email(
        stack, smtp_server, s.partner_email, f"3 candidates shared with {ORGANISATION}", "share"
    )[0]
    assert "Assessment day at Dalston Digital" in text_of(shared)
    link = re.search(rf"{re.escape(live_server)}/\S+", text_of(invitation)).group(0)
    page.goto(link)
    expect(page.get_by_role("heading", level=1, name="Create your password")).to_be_visible()
    page.get_by_label("New password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm new password").fill(PASSWORD)
    page.get_by_role("button", name="Save password").click()
    # Signed in at once, on their home page.
    expect(page.get_by_text("Your password is saved.")).to_be_visible()
    expect(page.get_by_role("heading", level=1, name="Candidates shared with you")).to_be_visible()
    axe.check(page, "partner's landing page")
    page.get_by_role("link", name="Assessment day at Dalston Digital").first.click()
    expect(page.get_by_text("You have given feedback on 0 of 3 candidates.")).to_be_visible()
    axe.check(page, "partner's share")

    for number, reference in enumerate(references):
        page.get_by_role("link", name=re.compile(rf"^{reference}")).click()
        expect(page.get_by_role("heading", level=1, name=re.compile(reference))).to_be_visible()
        # The share allowed names; never contact details.
        expect(page.get_by_text(f"Candidate Number{number}").first).to_be_visible()
        expect(page.get_by_text(SECRET_PHONE)).to_have_count(0)
        expect(page.get_by_text(SECRET_POSTCODE)).to_have_count(0)
        if number == 0:
            page.get_by_role("button", name="Save feedback").click()
            expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
            axe.check(page, "partner feedback, with errors")
        groups = page.get_by_role("group", name=re.compile(r"^\d+\. "))
        assert groups.count() >= 1, "no criteria to score"
        for i in range(groups.count()):
            groups.nth(i).get_by_label("4: Strongly demonstrated", exact=True).check()
        page.get_by_role("group", name="Overall, would you recommend this candidate?").get_by_label(
            "Recommend", exact=True
        ).check()
        page.get_by_label("Comments (optional)").fill(f"Led the group task well ({reference})")
        if number == 0:
            axe.check(page, "partner feedback form")
        page.get_by_role("button", name="Save feedback").click()
        expect(page.get_by_text(f"Feedback on {reference} saved.")).to_be_visible()
    expect(page.get_by_text("You have given feedback on 3 of 3 candidates.")).to_be_visible()
    sign_out(page)

    # HR is told once that all the feedback is in, and stops sharing after confirming what
    # that does; cancelling first changes nothing.
    wait_for_email(
        stack, smtp_server, s.hr_email, f"All feedback is in from {ORGANISATION}", "HR's note"
    )
    sign_in(page, s.hr_email, s.hr_secret)
    page.goto("/staff/partners/organisations")
    page.get_by_role("link", name=ORGANISATION).click()
    expect(page.get_by_role("cell", name=re.compile(PARTNER_NAME))).to_be_visible()
    axe.check(page, "partner organisation with a user and a share")
    page.get_by_role("link", name="Assessment day at Dalston Digital").click()
    page.get_by_role("link", name="Stop sharing", exact=True).click()
    expect(page.locator("#what-happens")).to_contain_text(
        f"{ORGANISATION} loses access to 3 candidates at once"
    )
    expect(page.locator("#what-happens")).to_contain_text(f"1 partner user at {ORGANISATION}")
    expect(page.get_by_text("No email is sent.")).to_be_visible()
    axe.check(page, "stop sharing, confirm")
    page.get_by_role("link", name="Cancel").click()
    expect(page.get_by_text("Open: the partner can give and change feedback")).to_be_visible()
    page.get_by_role("link", name="Stop sharing", exact=True).click()
    page.get_by_role("button", name="Yes, stop sharing 3 candidates").click()
    expect(page.get_by_text(f"{ORGANISATION} can no longer see these candidates.")).to_be_visible()
    sign_out(page)

    # The hiring manager reads it beside the scores and on the timeline.
    first_id, first_reference = s.candidates[0]
    sign_in(page, s.manager_email)
    page.goto(f"/staff/applications/{first_id}?section=scores")
    expect(page.get_by_role("heading", name="Feedback from employer partners")).to_be_visible()
    expect(page.get_by_role("heading", name=f"{ORGANISATION}: Recommend")).to_be_visible()
    expect(page.get_by_text(f"Led the group task well ({first_reference})")).to_be_visible()
    axe.check(page, "application scores with partner feedback")
    page.goto(f"/staff/applications/{first_id}?section=timeline")
    expect(
        page.locator("#timeline + ol").get_by_text(f"Feedback from {ORGANISATION}: Recommend")
    ).to_be_visible()
    axe.check(page, "application with partner feedback")
    sign_out(page)

    # The mentor sees the apprentice, with the contact details they agreed to share.
    introduction = wait_for_email(
        stack, smtp_server, s.mentor_email, f"Your new mentee: {APPRENTICE}", "introduction"
    )[0]
    assert s.apprentice_email in text_of(introduction)
    wait_for_email(
        stack, smtp_server, s.apprentice_email, f"Meet your mentor: {MENTOR}", "mentor email"
    )
    sign_in(page, s.mentor_email, home="Your mentees")
    page.goto("/staff/")
    expect(page.get_by_text("You mentor 1 apprentice.")).to_be_visible()
    page.get_by_role("link", name="See your mentees and their log").click()
    expect(page.get_by_role("heading", level=1, name="Your mentees")).to_be_visible()
    expect(page.get_by_role("link", name=APPRENTICE)).to_be_visible()
    expect(page.get_by_text(s.apprentice_email)).to_be_visible()
    axe.check(page, "mentor's mentees")
    page.get_by_role("link", name=APPRENTICE).click()
    expect(page.get_by_role("heading", level=1, name=APPRENTICE)).to_be_visible()
    axe.check(page, "mentee")
    sign_out(page)

    # Each email once, still once after the sweeper runs again.
    stack.sweep_outbox()
    stack.sweep_outbox()
    quiet(stack.app, smtp_server)  # what the sweeps enqueued, or a duplicate, would be in now
    once = {
        s.partner_email: ["You have been invited", f"3 candidates shared with {ORGANISATION}"],
        s.hr_email: [f"All feedback is in from {ORGANISATION}"],
        s.mentor_email: [f"Your new mentee: {APPRENTICE}"],
        s.apprentice_email: [f"Meet your mentor: {MENTOR}"],
    }
    for address, subjects in once.items():
        for subject in subjects:
            assert len(emails_to(smtp_server, address, subject)) == 1, (address, subject)
    assert not emails_to(smtp_server, s.partner_email, "Reminder"), "no reminder was due"

    assert not axe.found, f"axe-core found serious problems:\n{axe.report()}"
    assert len(axe.checked) >= 17

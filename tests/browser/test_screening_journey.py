"""In headless Chromium, end to end (issue 6): a hiring manager sifts a candidate name-blind,
scores them and invites them to an assessment; the candidate books a time from the link in
the email; the manager invites them to interview and makes an offer; the candidate accepts;
the manager marks every condition met and the candidate is hired. Each email to the
candidate arrives exactly once, and no staff page on the way (nor the candidate's booking
and offer pages) has a serious or critical axe-core violation.

Nothing is faked, as in test_applicant_journey: a committed database of the module's own, a
private Redis, a real Celery worker delivering the outbox to an SMTP server on loopback, and
the app served by werkzeug on the address it puts in the links it emails.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import timedelta

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
from tracker import clock
from tracker.accounts.models import StaffRole
from tracker.catalogue.models import Role
from tracker.extensions import db

pytestmark = pytest.mark.browser

SERVICE_NAME = "ICT and digital apprenticeships"
ROLE_SLUG = "data-analyst-apprentice"
FULL_NAME = "Robin Candidate"
SIGN_IN_SUBJECT = f"Your sign-in link for {SERVICE_NAME}"


@pytest.fixture(scope="module")
def smtp_server():
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def stack(smtp_server, tmp_path_factory):
    with running_stack(
        smtp_server, tmp_path_factory.mktemp("screening_journey"), "screening"
    ) as running:
        yield running


@pytest.fixture(scope="module")
def live_server(stack):
    """The journey's server. Named like the browser conftest's fixture on purpose: the ``page``
    fixture then drives this server, and tests/conftest.py knows that a test using it works on
    committed data (no rolled-back transaction)."""
    return stack.base_url


@dataclass
class Scenario:
    manager_email: str
    candidate_email: str
    role_id: int
    role_title: str
    application_id: int
    reference: str


@pytest.fixture(scope="module")
def scenario(stack):
    """A submitted application for the data analyst role, and a manager for its track."""
    token = uuid.uuid4().hex[:8]
    with stack.app.app_context():
        role = db.session.scalars(select(Role).where(Role.slug == ROLE_SLUG)).one()
        manager = UserFactory(
            roles=[StaffRole.HIRING_MANAGER],
            tracks=[role.track],
            email=f"manager.{token}@example.gov.uk",
        )
        application = ApplicationFactory(
            applicant=ApplicantFactory(email=f"robin.{token}@example.com"),
            role=role,
            submitted=True,
            full_name=FULL_NAME,
        )
        db.session.commit()
        found = Scenario(
            manager_email=manager.email,
            candidate_email=application.applicant.email,
            role_id=role.id,
            role_title=role.title,
            application_id=application.id,
            reference=application.reference,
        )
        db.session.remove()
        return found


def stage_of(page):
    """The value of the 'Stage' row at the top of a staff application page."""
    return (
        page.locator(".govuk-summary-list__row")
        .filter(has=page.locator("dt", has_text=re.compile(r"^\s*Stage\s*$")))
        .locator("dd")
    )


def move(page, label: str, reference: str, now: str) -> None:
    """Choose a move in the 'What happens next?' radios and save it."""
    page.get_by_role("group", name="What happens next?").get_by_label(label, exact=True).check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text(f"{reference} is now: {now}.")).to_be_visible()
    expect(page.locator(".govuk-error-summary, .govuk-notification-banner--error")).to_have_count(0)


def test_a_candidate_goes_from_sift_to_hired_with_one_email_each(
    page, browser, live_server, stack, smtp_server, scenario
):
    """Given a submitted application, a manager for its role, a real SMTP server and worker,
    when the manager sifts it name-blind, scores it and invites the candidate to an
    assessment, the candidate books a time from the emailed link, the manager invites them
    to interview and makes an offer, the candidate accepts and the manager marks every
    condition met,
    then the candidate is hired, each stage's email arrives exactly once (and stays once
    after the outbox sweeper runs), and no page checked has a serious or critical axe-core
    violation."""
    s = scenario
    axe = AxeLog()
    page.set_default_timeout(10_000)
    application_url = f"{live_server}/staff/applications/{s.application_id}"
    booking_link = f"{live_server}/applications/{s.application_id}/booking"

    # The manager signs in (a hiring manager needs no security code).
    page.goto("/staff/sign-in")
    page.get_by_label("Email address").fill(s.manager_email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name="What needs doing")).to_be_visible()
    axe.check(page, "staff home")

    # The role's candidates, then the candidate, by reference: name-blind.
    page.goto(f"/staff/roles/{s.role_id}/candidates")
    expect(page.get_by_role("link", name=s.reference)).to_be_visible()
    expect(page.get_by_text(FULL_NAME)).to_have_count(0)
    axe.check(page, "candidates")
    page.get_by_role("link", name=s.reference).click()
    expect(page).to_have_url(application_url)
    expect(page.get_by_role("heading", level=1, name=f"Application {s.reference}")).to_be_visible()
    expect(stage_of(page)).to_have_text("New")
    expect(page.get_by_text(FULL_NAME)).to_have_count(0)
    axe.check(page, "application, new (name-blind)")

    move(page, "Start the sift", s.reference, "in sift")
    expect(stage_of(page)).to_have_text("In sift")
    expect(page.get_by_text(FULL_NAME)).to_have_count(0)
    axe.check(page, "application, in sift (name-blind)")

    # Score every criterion 3 ("Demonstrated").
    groups = page.get_by_role("group", name=re.compile(r"^\d+\. "))
    assert groups.count() >= 1, "no scorecard criteria on the page"
    for i in range(groups.count()):
        groups.nth(i).get_by_label("3: Demonstrated", exact=True).check()
    page.get_by_role("button", name="Submit your scores").click()
    expect(page.get_by_text("Your scores are submitted.")).to_be_visible()
    # The scores open beside the decision; the summary at the top says the same.
    expect(page.get_by_text("1 reviewer, average 3.0 out of 4", exact=True)).to_be_visible()
    expect(page.get_by_text(FULL_NAME)).to_have_count(0)
    axe.check(page, "application, scored")

    move(page, "Invite to assessment", s.reference, "assessment")
    expect(stage_of(page)).to_have_text("Assessment")
    # Through the sift: the name is shown now.
    expect(page.get_by_text(FULL_NAME).first).to_be_visible()
    axe.check(page, "application, assessment (named)")

    # An assessment time, ten days ahead.
    day = clock.today() + timedelta(days=10)
    page.goto(f"/staff/roles/{s.role_id}/slots")
    expect(
        page.get_by_role("heading", level=1, name="Assessment and interview times")
    ).to_be_visible()
    axe.check(page, "slots, none yet")
    page.get_by_role("group", name="What is it?").get_by_label("Assessment", exact=True).check()
    page.locator("#day-day").fill(str(day.day))
    page.locator("#day-month").fill(str(day.month))
    page.locator("#day-year").fill(str(day.year))
    page.get_by_label("Start time (24-hour clock)").fill("10:00")
    page.get_by_label("Length in minutes").fill("60")
    page.get_by_label("Where (an address, or a video call link)").fill(
        "Committee room 2, Town Hall"
    )
    page.get_by_label("How many candidates can book this time").fill("2")
    page.get_by_role("button", name="Add the slot").click()
    expect(page.get_by_text("Slot added.")).to_be_visible()
    expect(page.get_by_role("cell", name="0 of 2")).to_be_visible()
    axe.check(page, "slots, one added")

    # The candidate, in a browser of their own, follows the link in the invitation.
    [invitation] = wait_for_email(
        stack,
        smtp_server,
        s.candidate_email,
        f"You are invited to an assessment: {s.role_title}",
        what="the invitation to assessment",
    )
    links = re.findall(r"https?://\S+/applications/\d+/booking\b", text_of(invitation))
    assert links == [booking_link], text_of(invitation)

    candidate_context = browser.new_context(base_url=live_server)
    try:
        candidate = candidate_context.new_page()
        candidate.set_default_timeout(10_000)

        # Signed out: off to the applicant sign-in, then a link by email.
        candidate.goto(booking_link)
        expect(candidate).to_have_url(f"{live_server}/applicant/sign-in")
        candidate.get_by_label("Email address").fill(s.candidate_email)
        candidate.get_by_role("button", name="Send me a link").click()
        expect(candidate.get_by_role("heading", level=1, name="Check your email")).to_be_visible()
        [sign_in_email] = wait_for_email(
            stack, smtp_server, s.candidate_email, SIGN_IN_SUBJECT, what="the sign-in email"
        )
        [sign_in_link] = re.findall(r"https?://\S+/applicant/sign-in/\S+", text_of(sign_in_email))
        assert sign_in_link.startswith(f"{live_server}/applicant/sign-in/"), sign_in_link
        candidate.goto(sign_in_link)
        expect(candidate).to_have_url(f"{live_server}/applicant/sign-in/continue")
        candidate.get_by_role("button", name="Continue").click()
        # Signed in, the candidate is taken back to the page the email linked to.
        expect(candidate).to_have_url(booking_link)

        # Book the time.
        expect(
            candidate.get_by_role("heading", level=1, name="Choose a time for your assessment")
        ).to_be_visible()
        axe.check(candidate, "candidate: choose a time")
        times = candidate.get_by_role("group", name="Choose a time").get_by_role("radio")
        expect(times).to_have_count(1)
        times.first.check()
        candidate.get_by_role("button", name="Book this time").click()
        expect(candidate.get_by_text("Your time is booked.")).to_be_visible()
        expect(candidate.get_by_role("heading", level=1, name="Your assessment")).to_be_visible()
        expect(candidate.get_by_text("Committee room 2, Town Hall")).to_be_visible()
        axe.check(candidate, "candidate: booked")
        wait_for_email(
            stack,
            smtp_server,
            s.candidate_email,
            "Your assessment is booked: ",
            what="the booking confirmation",
        )

        # The manager sees the booking, invites to interview, then makes an offer.
        page.goto(f"/staff/roles/{s.role_id}/slots")
        expect(page.get_by_role("cell", name="1 of 2")).to_be_visible()
        page.goto(application_url)
        move(page, "Invite to interview", s.reference, "interview")
        expect(stage_of(page)).to_have_text("Interview")
        axe.check(page, "application, interview")
        wait_for_email(
            stack,
            smtp_server,
            s.candidate_email,
            f"You are invited to an interview: {s.role_title}",
            what="the invitation to interview",
        )

        starts_on = clock.today() + timedelta(days=60)
        page.get_by_role("group", name="What happens next?").get_by_label(
            "Make an offer", exact=True
        ).check()
        page.locator("#starts_on-day").fill(str(starts_on.day))
        page.locator("#starts_on-month").fill(str(starts_on.month))
        page.locator("#starts_on-year").fill(str(starts_on.year))
        page.get_by_role("button", name="Save", exact=True).click()
        expect(page.get_by_text(f"{s.reference} is now: offered.")).to_be_visible()
        expect(stage_of(page)).to_have_text("Offered")
        expect(page.get_by_text("Waiting for the candidate to accept.")).to_be_visible()
        axe.check(page, "application, offered")
        wait_for_email(
            stack,
            smtp_server,
            s.candidate_email,
            f"We would like to offer you the apprenticeship: {s.role_title}",
            what="the offer email",
        )

        # The candidate accepts from their dashboard.
        candidate.goto("/applications")
        candidate.get_by_role("link", name=re.compile(r"^Answer our offer")).click()
        expect(
            candidate.get_by_role(
                "heading", level=1, name="We would like to offer you this apprenticeship"
            )
        ).to_be_visible()
        axe.check(candidate, "candidate: our offer")
        candidate.get_by_label("Yes, I accept the offer").check()
        candidate.get_by_label("Yes, my mentor can have them").check()
        candidate.get_by_role("button", name="Send my answer").click()
        expect(candidate).to_have_url(f"{live_server}/applications")
        expect(candidate.get_by_text("You have accepted our offer.")).to_be_visible()
        expect(candidate.get_by_text("Offer accepted", exact=True)).to_be_visible()
        wait_for_email(
            stack,
            smtp_server,
            s.candidate_email,
            f"You have accepted our offer: {s.role_title}",
            what="the offer accepted email",
        )
    finally:
        candidate_context.close()

    # The manager marks each condition met; the last one hires the apprentice.
    page.goto(application_url)
    expect(stage_of(page)).to_have_text("Pre-employment checks")
    buttons = page.get_by_role("button", name=re.compile(r"^Mark as met"))
    expect(buttons).to_have_count(3)
    axe.check(page, "application, pre-employment checks")
    for remaining in (2, 1):
        buttons.first.click()
        expect(page.get_by_text("Condition recorded.")).to_be_visible()
        expect(buttons).to_have_count(remaining)
    buttons.first.click()
    expect(page.get_by_text(f"Every condition is met: {s.reference} is hired.")).to_be_visible()
    expect(stage_of(page)).to_have_text("Hired")
    expect(buttons).to_have_count(0)
    axe.check(page, "application, hired")
    wait_for_email(
        stack,
        smtp_server,
        s.candidate_email,
        f"Welcome to the team: {s.role_title}",
        what="the welcome (hired) email",
    )

    # Each email arrived once, and stays once after the outbox sweeper runs twice.
    stack.sweep_outbox()
    quiet(stack.app, smtp_server)  # what the sweep enqueued, or a duplicate, would be in now
    stack.sweep_outbox()
    quiet(stack.app, smtp_server)
    expected = [
        SIGN_IN_SUBJECT,
        f"You are invited to an assessment: {s.role_title}",
        "Your assessment is booked: ",
        f"You are invited to an interview: {s.role_title}",
        f"We would like to offer you the apprenticeship: {s.role_title}",
        f"You have accepted our offer: {s.role_title}",
        f"Welcome to the team: {s.role_title}",
    ]
    counts = {
        subject: len(emails_to(smtp_server, s.candidate_email, subject)) for subject in expected
    }
    received = [" ".join(m["Subject"].split()) for m in smtp_server.recorder.to(s.candidate_email)]
    email_problems = [
        f"{count} emails starting {subject!r}, not 1"
        for subject, count in counts.items()
        if count != 1
    ]
    if len(received) != len(expected):
        email_problems.append(f"{len(received)} emails in all, not {len(expected)}")
    problems = [
        *(
            [
                "Emails to the candidate:\n- "
                + "\n- ".join(email_problems)
                + f"\nReceived: {received}"
            ]
            if email_problems
            else []
        ),
        *(["Serious or critical axe-core violations:\n" + axe.report()] if axe.found else []),
    ]
    assert not problems, "\n\n".join(problems)

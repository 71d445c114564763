"""In headless Chromium, end to end: a new applicant finds a role, signs in through the link
emailed to a real SMTP server on loopback, completes every section, submits and sees the
reference; the confirmation email arrives exactly once, and no page of the journey has a
serious or critical axe-core violation.

Nothing is faked: a committed database of the module's own, a private Redis (broker and rate
limits), a real Celery worker delivering the outbox over SMTP, and the app served by werkzeug
with the real CSP, on an address it also puts in the links it emails.
"""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.journey_stack import (
    AxeLog,
    emails_to,
    running_stack,
    text_of,
    wait_for_email,
)
from tests.mail import SmtpServer, quiet
from tracker import clock

pytestmark = pytest.mark.browser

SERVICE_NAME = "ICT and digital apprenticeships"
SIGN_IN_SUBJECT = f"Your sign-in link for {SERVICE_NAME}"
REFERENCE = re.compile(r"^[A-Z2-9]{4}-[A-Z2-9]{4}$")
PHONE_WIDTH = 375
# With the typographic apostrophe a phone keyboard types.
FULL_NAME = "Alex O\u2019Brien-Smith"
# A minimal but well-formed one-page PDF: what an applicant's CV upload looks like.
CV_PDF = (
    b"%PDF-1.4\n"
    b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n"
    b"%%EOF\n"
)


@pytest.fixture(scope="module")
def smtp_server():
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def stack(smtp_server, tmp_path_factory):
    with running_stack(smtp_server, tmp_path_factory.mktemp("journey"), "journey") as running:
        yield running


@pytest.fixture(scope="module")
def live_server(stack):
    """The journey's server. Named like the browser conftest's fixture on purpose: the ``page``
    fixture then drives this server, and tests/conftest.py knows that a test using it works on
    committed data (no rolled-back transaction)."""
    return stack.base_url


def open_section(page, title: str) -> None:
    page.get_by_role("link", name=title, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(re.escape(title)))


def save_and_continue(page) -> None:
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1, name="Your application")).to_be_visible()


def answer(page, question: str | re.Pattern, option: str) -> None:
    """Choose an option in the radios whose fieldset legend is the question."""
    page.get_by_role("group", name=question).get_by_label(option, exact=True).check()


def assert_confirmed_exactly_once(stack, smtp_server, email, title, reference) -> None:
    """One confirmation naming the reference arrives, and is still one after the outbox
    sweeper has run twice; the sign-in link was sent once too."""
    [confirmation] = wait_for_email(
        stack, smtp_server, email, reference, what="the confirmation email"
    )
    # Python's email package folds a long Subject before its first word; unfolded, the
    # value starts with that folding space, which mail clients do not show.
    subject = confirmation["Subject"].strip()
    assert subject == f"Application received: {title} (reference {reference})"
    assert f"Your reference is {reference}." in text_of(confirmation)
    assert f"{stack.base_url}/applications" in text_of(confirmation)
    stack.sweep_outbox()
    quiet(stack.app, smtp_server)  # what the sweep enqueued, or a duplicate, would be in now
    stack.sweep_outbox()
    quiet(stack.app, smtp_server)
    assert len(emails_to(smtp_server, email, reference)) == 1
    assert len(emails_to(smtp_server, email, SIGN_IN_SUBJECT)) == 1
    assert len(smtp_server.recorder.to(email)) == 2


def test_a_new_applicant_applies_and_gets_one_confirmation_email(
    page, live_server, stack, smtp_server
):
    """Given the public list of open roles, a real SMTP server and a real worker,
    when a new applicant picks a role, signs in with the emailed link, completes every
    section in the browser and submits,
    then they see the reference, exactly one confirmation email naming it arrives (and stays
    one), and no page on the way has a serious or critical accessibility violation."""
    email = f"journey.{uuid.uuid4().hex[:8]}@example.com"
    axe = AxeLog()
    page.set_default_timeout(10_000)

    # Find a role.
    page.goto("/roles")
    axe.check(page, "roles list")
    first_role = page.locator(".app-role-list__item h3 a").first
    title = first_role.inner_text().strip()
    first_role.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    slug = page.url.rstrip("/").rsplit("/", 1)[-1]
    axe.check(page, "role page")

    # Anonymous applicants are asked to sign in, for this role.
    page.get_by_role("button", name="Apply for this role").or_(
        page.get_by_role("link", name="Apply for this role")
    ).click()
    expect(page).to_have_url(f"{live_server}/applicant/sign-in?role={slug}")
    expect(page.get_by_role("heading", level=1, name="Sign in to apply")).to_be_visible()
    axe.check(page, "sign in")

    page.get_by_role("button", name="Send me a link").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page).to_have_title(re.compile("^Error: "))
    axe.check(page, "sign in, with an error")

    page.get_by_label("Email address").fill(email)
    page.get_by_role("button", name="Send me a link").click()
    expect(page.get_by_role("heading", level=1, name="Check your email")).to_be_visible()
    expect(page.get_by_text(email)).to_be_visible()
    axe.check(page, "check your email")

    # The link arrives by email, and points at this server.
    [sign_in_email] = wait_for_email(
        stack, smtp_server, email, SIGN_IN_SUBJECT, what="the sign-in email"
    )
    links = re.findall(r"https?://\S+/applicant/sign-in/\S+", text_of(sign_in_email))
    assert len(links) == 1, text_of(sign_in_email)
    link = links[0]
    assert link.startswith(f"{live_server}/applicant/sign-in/"), link
    token = link.rsplit("/", 1)[-1]

    # Following it takes the token out of the address, then asks for a click.
    page.goto(link)
    expect(page).to_have_url(f"{live_server}/applicant/sign-in/continue")
    assert token not in page.url
    expect(
        page.get_by_role("heading", level=1, name="Continue to your application")
    ).to_be_visible()
    axe.check(page, "continue to sign in")
    page.get_by_role("button", name="Continue").click()

    # The link remembered the role: the applicant lands on its start page.
    expect(page).to_have_url(f"{live_server}/roles/{slug}/apply")
    expect(page.get_by_role("heading", level=1, name=f"Apply for {title}")).to_be_visible()
    axe.check(page, "start page")
    page.get_by_role("button", name="Start your application").click()

    expect(page.get_by_role("heading", level=1, name="Your application")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"^{re.escape(live_server)}/applications/\d+$"))
    task_list_url = page.url
    expect(page.get_by_text("You have completed 0 of 6 required sections")).to_be_visible()
    axe.check(page, "task list")

    # Personal details: first an empty form, to see the errors.
    open_section(page, "Personal details")
    axe.check(page, "personal details")
    page.get_by_role("button", name="Save and continue").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page).to_have_title(re.compile("^Error: "))
    axe.check(page, "personal details, with errors")
    summary_links = summary.get_by_role("link")
    assert summary_links.count() >= 6, summary.inner_text()
    broken = [
        f"{summary_links.nth(i).inner_text()} -> {href}"
        for i in range(summary_links.count())
        if not (href := summary_links.nth(i).get_attribute("href") or "").startswith("#")
        or page.locator(f"[id='{href[1:]}']").count() != 1
    ]
    assert broken == [], "error summary links that lead to no field: " + "; ".join(broken)
    summary.get_by_role("link", name="Enter your full name").click()
    expect(page.get_by_label("Full name")).to_be_focused()

    page.get_by_label("Full name").fill(FULL_NAME)
    page.get_by_label("Day").fill("14")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill(str(clock.today().year - 18))
    page.get_by_label("Address line 1").fill("1 High Street")
    page.get_by_label("Town or city").fill("Exampleton")
    page.get_by_label("Postcode").fill("sw1a1aa")
    page.get_by_label("Phone number").fill("07911 123456")
    answer(page, "How should we contact you?", "Email")
    save_and_continue(page)

    open_section(page, "Eligibility")
    axe.check(page, "eligibility")
    answer(page, "Do you have the right to work in the UK?", "Yes")
    answer(page, re.compile("lived in the UK or the European Economic Area"), "Yes")
    answer(page, re.compile("full-time education"), "No")
    answer(page, re.compile("qualification at level"), "No")
    answer(page, re.compile("Do you live in"), "Yes")
    save_and_continue(page)

    open_section(page, "Qualifications")
    axe.check(page, "qualifications")
    answer(page, "What is your highest English qualification?", re.compile("Level 2 or above"))
    answer(page, "What is your highest maths qualification?", re.compile("Level 1 "))
    page.get_by_label("Other qualifications (optional)").fill(
        "GCSE Computer Science, grade 6, 2024"
    )
    save_and_continue(page)

    # The role's questions, one to a page, each asked as a question with the criterion it
    # is scored against beside it, and its own word count.
    page.get_by_role("link", name="Questions about this role", exact=True).click()
    caption = page.locator(".govuk-caption-l")
    expect(caption).to_contain_text("Question 1 of ")
    total = int(re.search(r"Question 1 of (\d+)", caption.inner_text()).group(1))
    for number in range(1, total + 1):
        expect(caption).to_contain_text(f"Question {number} of {total}")
        question = page.get_by_role("heading", level=1)
        expect(question).to_have_text(re.compile(r"^\s*Tell us about a time"))
        criterion = page.locator(".govuk-inset-text")
        expect(criterion).to_contain_text("We will score your answer against this:")
        if number == 1:
            axe.check(page, "a question about this role")
            page.get_by_role("button", name="Save and continue").click()
            expect(page.locator(".govuk-error-summary")).to_be_visible()
            expect(page).to_have_title(re.compile("^Error: Question 1 of "))
            axe.check(page, "a question about this role, with an error")
        box = page.get_by_role("textbox", name=question.inner_text().strip())
        scored = criterion.inner_text().split(":", 1)[1].strip().rstrip(".")
        box.fill(f"At college I showed this when I led a team project: {scored}.")
        # GOV.UK's character count, counting words as they are typed.
        expect(page.locator(".govuk-character-count__status")).to_contain_text("words remaining")
        page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1, name="Your application")).to_be_visible()
    expect(page.get_by_text(f"{total} of {total} questions answered")).to_be_visible()

    open_section(page, "CV")
    axe.check(page, "CV")
    page.get_by_label("Upload a file").set_input_files(
        {"name": "Alex CV.pdf", "mimeType": "application/pdf", "buffer": CV_PDF}
    )
    page.get_by_role("button", name="Upload and continue").click()
    expect(page.get_by_role("heading", level=1, name="Your application")).to_be_visible()

    open_section(page, "Adjustments for interviews")
    axe.check(page, "adjustments")
    answer(page, re.compile("Do you need any adjustments"), "Yes")
    page.get_by_label("What adjustments or support do you need?").fill("Questions in writing")
    save_and_continue(page)

    open_section(page, "Disability Confident scheme")
    axe.check(page, "disability confident")
    answer(page, "Do you consider yourself to have a disability?", "Yes")
    answer(page, "Do you want to apply under the Disability Confident scheme?", "Yes")
    save_and_continue(page)

    open_section(page, "Equality monitoring")
    axe.check(page, "equality monitoring")
    answer(page, "What is your sex?", "Female")
    answer(page, "What is your ethnic group?", "Mixed or multiple ethnic groups")
    save_and_continue(page)

    # Every section done; the task list also works on a phone.
    expect(page.get_by_text("You have completed 6 of 6 required sections")).to_be_visible()
    axe.check(page, "task list, completed")
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
    page.reload()
    axe.check(page, f"task list at {PHONE_WIDTH}px")
    overflow = page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= PHONE_WIDTH, f"the task list scrolls sideways on a phone: {overflow}px"
    page.set_viewport_size({"width": 1280, "height": 800})

    # Check, declare and submit.
    page.get_by_role("button", name="Check your answers").or_(
        page.get_by_role("link", name="Check your answers")
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check your answers before submitting your application"
    )
    for answered in (FULL_NAME, "Questions in writing", "Alex CV.pdf"):
        expect(page.get_by_text(answered).first).to_be_visible()
    axe.check(page, "check your answers")
    page.get_by_label("I confirm that the information in this application is true").check()
    page.get_by_role("button", name="Submit application").click()

    panel = page.locator(".govuk-panel")
    expect(panel.get_by_role("heading", name="Application submitted")).to_be_visible()
    reference = panel.locator("strong").inner_text().strip()
    assert REFERENCE.match(reference), reference
    axe.check(page, "application submitted")

    page.get_by_role("link", name="go to your applications").click()
    expect(page).to_have_url(f"{live_server}/applications")
    expect(page.get_by_text(title).first).to_be_visible()
    axe.check(page, "your applications")

    # The submitted application is no longer a draft to edit: its address shows a copy.
    page.goto(task_list_url)
    expect(page).to_have_url(f"{task_list_url}/view")
    axe.check(page, "copy of the application")

    # Both outcomes are reported together: a missing email should not hide an axe finding.
    try:
        assert_confirmed_exactly_once(stack, smtp_server, email, title, reference)
    except AssertionError as problem:
        email_problem = str(problem)
    else:
        email_problem = ""
    problems = [
        *([f"The confirmation email: {email_problem}"] if email_problem else []),
        *(["Serious or critical axe-core violations:\n" + axe.report()] if axe.found else []),
    ]
    assert not problems, "\n\n".join(problems)


def _offered_applicant(stack) -> tuple[str, str, str]:
    """An applicant with an offer to answer, and a sign-in link of theirs: (email, role
    title, the link's address)."""
    from datetime import timedelta

    from tests.factories import ApplicantFactory, ApplicationFactory
    from tracker.accounts.tokens import new_token, token_hash
    from tracker.applicants.models import SignInLink
    from tracker.extensions import db
    from tracker.offers.models import Offer

    email = f"offer.{uuid.uuid4().hex[:8]}@example.com"
    token = new_token()
    with stack.app.app_context():
        application = ApplicationFactory(applicant=ApplicantFactory(email=email), offered=True)
        db.session.add(
            Offer(
                application_id=application.id,
                starts_on=clock.today() + timedelta(days=60),
                made_at=clock.utcnow(),
                made_by="hr@example.gov.uk",
            )
        )
        db.session.add(
            SignInLink(
                email=email,
                token_hash=token_hash(token),
                created_at=clock.utcnow(),
                expires_at=clock.utcnow() + timedelta(minutes=30),
            )
        )
        db.session.commit()
        title = application.role.title
    return email, title, f"/applicant/sign-in/{token}"


def test_an_applicant_declines_an_offer_only_after_confirming(
    page, live_server, stack, smtp_server
):
    """Given an applicant with an offer, when they choose "No" and then go back from the
    confirmation page, nothing changes; when they confirm, the offer is declined and exactly
    one email says so. The mentor question shows only under "Yes, I accept"."""
    email, title, link = _offered_applicant(stack)
    axe = AxeLog()
    page.set_default_timeout(10_000)
    page.goto(link)
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("link", name=re.compile("Answer our offer")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "We would like to offer you this apprenticeship"
    )
    mentor = page.get_by_role(
        "group", name="Can we give your mentor your email address and phone number?"
    )
    expect(mentor).to_be_hidden()
    answer(page, "Do you accept our offer?", "Yes, I accept the offer")
    expect(mentor).to_be_visible()
    axe.check(page, "the offer, accepting")
    answer(page, "Do you accept our offer?", "No, I decline the offer")
    expect(mentor).to_be_hidden()
    page.get_by_role("button", name="Send my answer").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Are you sure you want to decline our offer?"
    )
    expect(page.get_by_text("You cannot undo this.")).to_be_visible()
    page.get_by_text("The email we will send you").click()
    expect(page.get_by_text(f"You have declined our offer: {title}")).to_be_visible()
    axe.check(page, "confirm declining the offer")
    page.get_by_role("link", name="Go back").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "We would like to offer you this apprenticeship"
    )
    assert emails_to(smtp_server, email, "You have declined our offer") == []

    answer(page, "Do you accept our offer?", "No, I decline the offer")
    page.get_by_role("button", name="Send my answer").click()
    page.get_by_role("button", name="Yes, decline the offer").click()
    expect(page).to_have_url(f"{live_server}/applications")
    expect(page.get_by_text("You have declined our offer.")).to_be_visible()
    axe.check(page, "your applications, after declining")

    [declined] = wait_for_email(
        stack, smtp_server, email, "You have declined our offer", what="the declined email"
    )
    assert title in text_of(declined)
    quiet(stack.app, smtp_server)  # a duplicate, if any, would be in by now
    assert len(emails_to(smtp_server, email, "You have declined our offer")) == 1
    assert not axe.found, "Serious or critical axe-core violations:\n" + axe.report()

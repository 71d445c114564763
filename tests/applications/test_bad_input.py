"""Bad input in every field of every applicant form, through the real pages.

Given an applicant's form filled in correctly except for one field, when they submit it with
that field empty, too long, malformed, in the future, not one of the options, or with unsafe
characters, then the page comes back with a GOV.UK error summary whose link leads to that field, and
nothing from the submission is saved. A Hypothesis test then posts arbitrary text to every
field of every form: no response is ever a server error, and each is either a page of errors
with nothing saved or a redirect that saved exactly that form's section.
"""

from __future__ import annotations

import html as html_lib
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from tests.applications.journey import ADULT, SECTION_ANSWERS
from tests.factories import ApplicationFactory
from tests.helpers import csrf_token
from tracker import clock
from tracker.applicants.models import SignInLink
from tracker.applications import drafts
from tracker.applications.models import (
    Application,
    ApplicationAnswer,
    CvDocument,
    EqualityAnswers,
)
from tracker.audit.models import AuditEvent
from tracker.extensions import db, limiter
from tracker.forms.text import unusual_character
from tracker.notifications.models import Email

SCRIPT = "<script>alert(1)</script>"
RLO = "Ali\u202ece"  # a right-to-left override, which makes text display reversed
ISOLATE = "A\u2068B"  # a first-strong isolate, which reorders the text after it
NUL = "A\x00B"
NEXT_YEAR = str(clock.today().year + 1)
WORDS_251 = " ".join(["word"] * 251)

# Section forms: the form's address under /applications/<id>/ and the section it completes.
SECTIONS = {
    "personal-details": "personal_details",
    "eligibility": "eligibility",
    "qualifications": "qualifications",
    # The role's two questions, one to a page: each page saves its own answer.
    "questions/1": "questions",
    "questions/2": "questions",
    "adjustments": "adjustments",
    "disability-confident": "disability_confident",
    "equality": "equality",
}
FORMS = [*SECTIONS, "check", "withdraw", "sign-in"]

# Columns a successful submission of each form may change, beyond its section's own fields.
BOOKKEEPING = {"completed_sections", "updated_at"}
SUBMISSION = {
    "status",
    "status_changed_at",
    "reference",
    "submitted_at",
    "updated_at",
    "declaration_confirmed_at",
    "version",
    "eligibility_findings",
    "needs_hr_check",
}
WITHDRAWAL = {
    "status",
    "status_changed_at",
    "withdrawn_at",
    "updated_at",
    "withdrawal_reason",
    "withdrawal_details",
    "version",
}


@pytest.fixture(autouse=True)
def _no_rate_limits(monkeypatch):
    """Hundreds of posts from one address would meet the per-address limits, which are
    tested elsewhere; here they would only count this file's own requests."""
    monkeypatch.setattr(limiter, "enabled", False)


# --- The forms under test ------------------------------------------------------------------


@dataclass
class Target:
    """One form, ready to post: where, as whom, its valid answers, and how to see its effect."""

    form: str
    path: str
    client: object
    valid: dict
    application_id: int | None = None
    criteria: list = field(default_factory=list)
    # One CSRF token serves a browser's whole session: fetched once per client, not per post.
    tokens: dict = field(default_factory=dict)

    def field_name(self, name: str) -> str:
        """Question fields are named by criterion id: 'answer_1' means the first question."""
        if name.startswith("answer_") and self.criteria:
            return f"answer_{self.criteria[int(name.removeprefix('answer_')) - 1].id}"
        return name

    def post(self, data: dict):
        if id(self.client) not in self.tokens:
            self.tokens[id(self.client)] = csrf_token(self.client, self.path)
        token = self.tokens[id(self.client)]
        response = self.client.post(self.path, data={"csrf_token": token, **data})
        # A real request ends by discarding what it did not commit; the test's session lives
        # on across requests, so do the same before looking at the database.
        db.session.rollback()
        return response


def valid_answers(form: str, application: Application | None) -> dict:
    if form in SECTION_ANSWERS:
        return dict(SECTION_ANSWERS[form])
    if form.startswith("questions/"):
        criterion = application.role.essential_criteria[int(form.removeprefix("questions/")) - 1]
        return {f"answer_{criterion.id}": f"At college I showed this: {criterion.text}."}
    if form == "check":
        return {"confirm": "y"}
    if form == "withdraw":
        return {"reason": "other_job", "details": ""}
    if form == "sign-in":
        return {"email": f"new-{uuid.uuid4().hex[:8]}@example.com"}
    raise AssertionError(form)


def make_target(form: str, applicant, anonymous) -> Target:
    """A fresh application for the form (so earlier examples cannot affect this one)."""
    if form == "sign-in":
        return Target(form, "/applicant/sign-in", anonymous, valid_answers(form, None))
    traits = {"check": {"complete": True}, "withdraw": {"submitted": True}}.get(form, {})
    application = ApplicationFactory(applicant=applicant, **traits)
    if form.startswith("questions/"):
        # The other question answered already: saving this one completes the section.
        asked = form.removeprefix("questions/")
        for number, criterion in enumerate(application.role.essential_criteria, start=1):
            if str(number) != asked:
                drafts.save_answer(
                    applicant=applicant,
                    application=application,
                    criterion_id=criterion.id,
                    answer=f"At college I showed this: {criterion.text}.",
                )
    # Committed inside the test's transaction, as a request's own rollback would lose it.
    db.session.commit()
    return Target(
        form,
        f"/applications/{application.id}/{form}",
        None,
        valid_answers(form, application),
        application.id,
        list(application.role.essential_criteria),
    )


@pytest.fixture
def target_for(client, signed_in, app) -> Callable[[str], Target]:
    anonymous = app.test_client()
    tokens: dict = {}

    def make(form: str) -> Target:
        target = make_target(form, signed_in, anonymous)
        if target.client is None:
            target.client = client
        target.tokens = tokens
        return target

    return make


def state(target: Target) -> dict:
    """Everything a submission of this form could change."""
    db.session.expire_all()
    counts = {
        model.__name__: db.session.scalar(select(func.count()).select_from(model))
        for model in (Email, AuditEvent, SignInLink)
    }
    if target.application_id is None:
        return {"counts": counts}
    table = Application.__table__
    row = db.session.execute(select(table).where(table.c.id == target.application_id))
    answers = db.session.execute(
        select(ApplicationAnswer.criterion_id, ApplicationAnswer.answer)
        .where(ApplicationAnswer.application_id == target.application_id)
        .order_by(ApplicationAnswer.criterion_id)
    ).all()
    equality = db.session.scalar(
        select(EqualityAnswers).where(EqualityAnswers.application_id == target.application_id)
    )
    cvs = db.session.scalar(
        select(func.count())
        .select_from(CvDocument)
        .where(CvDocument.application_id == target.application_id)
    )
    return {
        "counts": counts,
        "application": dict(row.mappings().one()),
        "answers": [tuple(a) for a in answers],
        "equality": None
        if equality is None
        else {name: getattr(equality, name) for name in drafts.EQUALITY_FIELDS},
        "cvs": cvs,
    }


# --- What a refused submission looks like ---------------------------------------------------

_SUMMARY = re.compile(r'<div class="govuk-error-summary".*?</ul>', re.DOTALL)
_SUMMARY_LINK = re.compile(r'<a href="#([^"]*)">(.*?)</a>', re.DOTALL)


def summary_links(page: str) -> list[tuple[str, str]]:
    """The error summary's (target id, message) pairs; fails if there is no summary."""
    found = _SUMMARY.search(page)
    assert found, "no GOV.UK error summary on the page"
    return [
        (target, " ".join(html_lib.unescape(text).split()))
        for target, text in _SUMMARY_LINK.findall(found.group(0))
    ]


def has_element_with_id(page: str, element_id: str) -> bool:
    return re.search(rf'\sid="{re.escape(element_id)}"', page) is not None


def assert_refused(target: Target, response, before: dict, field_id: str, message: str) -> None:
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page[:2000]
    assert "There is a problem" in page
    assert "<title>Error:" in page
    links = summary_links(page)
    # Only the bad field is wrong, and the summary leads to it.
    assert [target_id for target_id, _ in links] == [field_id], links
    assert message in links[0][1], links
    assert has_element_with_id(page, field_id), f"nothing on the page has id={field_id!r}"
    # What was typed is shown back safely, never as markup.
    assert SCRIPT not in page
    assert state(target) == before, "the refused submission changed something"


# --- Bad values, field by field --------------------------------------------------------------


def case(form, name, value, message, *, also=None, id=None):
    """One bad value for one field; `also` changes other fields to reach a form-level rule."""
    return pytest.param(form, name, value, message, also or {}, id=id or f"{form}-{name}")


PERSONAL = "personal-details"
BAD_VALUES = [
    # Personal details
    case(PERSONAL, "full_name", "", "Enter your full name", id="name-empty"),
    case(PERSONAL, "full_name", "   ", "Enter your full name", id="name-spaces"),
    case(PERSONAL, "full_name", "A" * 101, "Full name must be 100 characters or fewer",
         id="name-too-long"),
    case(PERSONAL, "full_name", SCRIPT, "Full name must only include letters",
         id="name-markup"),
    case(PERSONAL, "full_name", "&lt;b&gt;Alex", "Full name must only include letters",
         id="name-entity"),
    case(PERSONAL, "full_name", RLO, "hidden or unusual characters", id="name-bidi"),
    case(PERSONAL, "full_name", ISOLATE, "hidden or unusual characters",
         id="name-isolate"),
    case(PERSONAL, "full_name", "Alex\x07", "hidden or unusual characters", id="name-bell"),
    case(PERSONAL, "full_name", "Alex 2nd", "Full name must only include letters",
         id="name-digits"),
    case(PERSONAL, "date_of_birth", ["", "", ""], "Enter your date of birth", id="dob-empty"),
    case(PERSONAL, "date_of_birth", ["31", "2", "2000"], "Date of birth must be a real date",
         id="dob-31-feb"),
    case(PERSONAL, "date_of_birth", ["aa", "bb", "cccc"], "Date of birth must be a real date",
         id="dob-letters"),
    case(PERSONAL, "date_of_birth", ["14", "13", "2000"], "Date of birth must be a real date",
         id="dob-month-13"),
    case(PERSONAL, "date_of_birth", ["\uff11", "3", "2000"], "Date of birth must be a real date",
         id="dob-fullwidth-digit"),
    case(PERSONAL, "date_of_birth", ["14", "3", ""], "Date of birth must include a year",
         id="dob-no-year"),
    case(PERSONAL, "date_of_birth", ["", "", "2000"], "Date of birth must include a day and month",
         id="dob-partial"),
    case(PERSONAL, "date_of_birth", ["14", "3", "99"], "Year must include 4 numbers",
         id="dob-short-year"),
    case(PERSONAL, "date_of_birth", ["1", "1", NEXT_YEAR], "Date of birth must be in the past",
         id="dob-future"),
    case(PERSONAL, "date_of_birth", ["1", "1", "1850"], "Date of birth must be 1900 or later",
         id="dob-too-old"),
    case(PERSONAL, "date_of_birth", ["14", "3", str(ADULT), "5"],
         "Date of birth must be a real date", id="dob-four-parts"),
    case(PERSONAL, "address_line_1", "", "Enter address line 1", id="address-empty"),
    case(PERSONAL, "address_line_1", "x" * 101, "Address line 1 must be 100 characters or fewer",
         id="address-too-long"),
    case(PERSONAL, "address_line_2", "y" * 101, "must be 100 characters or fewer",
         id="address-2-too-long"),
    case(PERSONAL, "town", "", "Enter town or city", id="town-empty"),
    case(PERSONAL, "town", "T" * 61, "Town or city must be 60 characters or fewer",
         id="town-too-long"),
    case(PERSONAL, "town", "Town\u2066", "hidden or unusual characters", id="town-isolate"),
    case(PERSONAL, "postcode", "", "Enter your postcode", id="postcode-empty"),
    case(PERSONAL, "postcode", "ABC 123", "Enter a real postcode", id="postcode-malformed"),
    case(PERSONAL, "postcode", "QA1 1AA", "Enter a real postcode", id="postcode-bad-letter"),
    case(PERSONAL, "postcode", "SW1A 1AA SW1A", "Postcode must be 10 characters or fewer",
         id="postcode-too-long"),
    case(PERSONAL, "postcode", "\uff33W1A 1AA", "Enter a real postcode", id="postcode-fullwidth"),
    case(PERSONAL, "phone", "", "Enter your phone number", id="phone-empty"),
    case(PERSONAL, "phone", "12ab", "Enter a phone number", id="phone-letters"),
    case(PERSONAL, "phone", "123", "Enter a phone number", id="phone-too-short"),
    case(PERSONAL, "phone", "0" * 21, "Phone number must be 20 characters or fewer",
         id="phone-too-long"),
    case(PERSONAL, "phone", "07911 123456 ext 2", "Enter a phone number", id="phone-extension"),
    case(PERSONAL, "preferred_contact", "", "Select how you would like us to contact you",
         id="contact-empty"),
    case(PERSONAL, "preferred_contact", "fax", "Select one of the options", id="contact-unknown"),
    case(PERSONAL, "preferred_contact", SCRIPT, "Select one of the options",
         id="contact-markup"),
    # Eligibility
    *[
        case("eligibility", name, "", message, id=f"{name}-empty")
        for name, message in [
            ("right_to_work", "Select whether you have the right to work in the UK"),
            ("lived_in_uk_or_eea_3_years", "Select whether you have lived in the UK or EEA"),
            ("full_time_education", "Select whether you will be in full-time education"),
            ("qualification_in_same_subject", "Select whether you have a qualification"),
            ("lives_in_area", "Select whether you live in the area"),
        ]
    ],
    case("eligibility", "right_to_work", "maybe", "Select one of the options",
         id="right_to_work-unknown"),
    case("eligibility", "lives_in_area", SCRIPT, "Select one of the options",
         id="lives_in_area-markup"),
    case("eligibility", "full_time_education", "no\u200b", "Select one of the options",
         id="full_time_education-zero-width"),
    # Qualifications
    case("qualifications", "english_level", "", "Select your highest English qualification",
         id="english-empty"),
    case("qualifications", "maths_level", "level_9", "Select one of the options",
         id="maths-unknown"),
    case("qualifications", "other_qualifications", "G" * 2001,
         "Other qualifications must be 2000 characters or fewer", id="other-too-long"),
    case("qualifications", "other_qualifications", "GCSE\u202e", "hidden or unusual characters",
         id="other-bidi"),
    # Questions
    case("questions/1", "answer_1", "", "Enter your answer to question 1", id="answer-empty"),
    case("questions/1", "answer_1", " \n\t ", "Enter your answer to question 1",
         id="answer-whitespace"),
    case("questions/2", "answer_2", "a" * 5001,
         "Your answer to question 2 must be 5000 characters or fewer", id="answer-too-long"),
    case("questions/1", "answer_1", WORDS_251,
         "Your answer to question 1 must be 250 words or fewer", id="answer-too-many-words"),
    case("questions/1", "answer_1", "I led\u202d a club", "hidden or unusual characters",
         id="answer-override"),
    # Adjustments
    case("adjustments", "needs_adjustments", "",
         "Select yes if you need adjustments or support", id="needs-empty"),
    case("adjustments", "needs_adjustments", "maybe", "Select one of the options",
         id="needs-unknown"),
    case("adjustments", "adjustments", "", "Enter the adjustments or support you need",
         also={"needs_adjustments": "yes"}, id="adjustments-missing"),
    case("adjustments", "adjustments", "x" * 2001, "Adjustments must be 2000 characters or fewer",
         id="adjustments-too-long"),
    case("adjustments", "adjustments", RLO, "hidden or unusual characters",
         id="adjustments-bidi"),
    # Disability Confident
    case("disability-confident", "declares_disability", "",
         "Select whether you consider yourself to have a disability", id="declares-empty"),
    case("disability-confident", "declares_disability", "perhaps", "Select one of the options",
         id="declares-unknown"),
    case("disability-confident", "disability_confident", "",
         "Select whether you want to apply under the scheme", id="scheme-missing"),
    case("disability-confident", "disability_confident", SCRIPT, "Select one of the options",
         id="scheme-markup"),
    # Equality monitoring: every question is optional, but only its own answers are taken.
    *[
        case("equality", name, value, "Select one of the options", id=f"{name}-{label}")
        for name, value, label in [
            ("sex", "unknown", "unknown"),
            ("gender_same_as_birth", SCRIPT, "markup"),
            ("sexual_orientation", "x" * 200, "too-long"),
            ("ethnicity", "mixed\u200b", "zero-width"),
            ("religion", "Sikh", "label-not-code"),
            ("disability", " yes", "padded"),
            ("care_experienced", RLO, "bidi"),
            ("free_school_meals", "YES", "wrong-case"),
        ]
    ],
    # The declaration
    case("check", "confirm", "", "Confirm that the information is true and complete",
         id="confirm-empty"),
    case("check", "confirm", "false", "Confirm that the information is true and complete",
         id="confirm-false"),
    # Withdrawing
    case("withdraw", "reason", "", "Select why you are withdrawing", id="reason-empty"),
    case("withdraw", "reason", "bored", "Select one of the options", id="reason-unknown"),
    # Found by the arbitrary-input test: a required choice of only spaces is no answer.
    case("withdraw", "reason", "\r", "Select why you are withdrawing", id="reason-return"),
    case("withdraw", "reason", "\x85 ", "Select why you are withdrawing", id="reason-spaces"),
    case("withdraw", "details", "", "Tell us your reason for withdrawing",
         also={"reason": "other"}, id="details-missing"),
    case("withdraw", "details", "d" * 1001, "Details must be 1000 characters or fewer",
         id="details-too-long"),
    case("withdraw", "details", ISOLATE, "hidden or unusual characters",
         id="details-isolate"),
    # Asking for a sign-in link
    case("sign-in", "email", "", "Enter your email address", id="email-empty"),
    case("sign-in", "email", "not-an-email", "Enter an email address in the correct format",
         id="email-malformed"),
    case("sign-in", "email", "name@", "Enter an email address in the correct format",
         id="email-no-domain"),
    case("sign-in", "email", "a" * 310 + "@example.com",
         "Email address must be 320 characters or fewer", id="email-too-long"),
    case("sign-in", "email", f"{SCRIPT}@example.com",
         "Enter an email address in the correct format", id="email-markup"),
    case("sign-in", "email", "ali\u202ece@example.com",
         "Enter an email address in the correct format", id="email-bidi"),
    case("sign-in", "email", "a\u200bb@example.com",
         "Enter an email address in the correct format", id="email-zero-width"),
]  # fmt: skip


def test_every_form_is_covered():
    covered = {param.values[0] for param in BAD_VALUES}
    assert covered == set(FORMS)


@pytest.mark.slow  # every field of every form
@pytest.mark.parametrize(("form", "name", "value", "message", "also"), BAD_VALUES)
def test_bad_input_is_refused_with_a_linked_error_and_nothing_saved(
    target_for, form, name, value, message, also
):
    target = target_for(form)
    field_name = target.field_name(name)
    data = {**target.valid, **also, field_name: value}
    before = state(target)

    response = target.post(data)

    # A date's errors lead to its first box (its day), as GOV.UK advises.
    anchor = f"{field_name}-day" if field_name == "date_of_birth" else field_name
    assert_refused(target, response, before, anchor, message)


@pytest.mark.slow  # every field of every form
@pytest.mark.parametrize("form", FORMS)
def test_the_valid_answers_used_above_are_accepted(target_for, form):
    """The control for the test above: with no bad field, each form is accepted."""
    target = target_for(form)
    before = state(target)

    response = target.post(target.valid)

    assert response.status_code in (200, 302)
    if form == "sign-in":
        assert "Check your email" in response.get_data(as_text=True)
    else:
        assert response.status_code == 302
    assert state(target) != before


@pytest.mark.parametrize("form", FORMS)
def test_a_nul_character_is_refused_before_the_form_and_nothing_saved(target_for, form):
    target = target_for(form)
    name = next(iter(target.valid))
    before = state(target)

    response = target.post({**target.valid, name: NUL})

    # The app's own guard refuses NUL outright (PostgreSQL cannot store it), with its page.
    assert response.status_code == 400
    assert "govuk-template" in response.get_data(as_text=True)
    assert state(target) == before


def test_an_unchosen_equality_question_is_fine_but_nothing_else_is_saved(target_for):
    """Equality questions are optional: leaving one out is not an error."""
    target = target_for("equality")
    response = target.post({"sex": "female"})
    assert response.status_code == 302
    after = state(target)
    assert after["equality"]["sex"] == "female"
    assert after["equality"]["religion"] is None


def test_an_equality_answer_of_only_spaces_is_no_answer(target_for):
    """Found by the arbitrary-input test below: U+0085 is a space to Python, so Optional()
    let it through as an answer and it was saved."""
    target = target_for("equality")
    response = target.post({"sex": "\x85", "religion": " ", "care_experienced": "yes"})
    assert response.status_code == 302
    after = state(target)
    assert after["equality"]["sex"] is None
    assert after["equality"]["religion"] is None
    assert after["equality"]["care_experienced"] == "yes"


# --- Arbitrary input to every field -----------------------------------------------------------

# Every field each form reads, beyond those in its valid answers.
EXTRA_FIELDS = {
    "qualifications": ["other_qualifications"],
    "equality": [*drafts.EQUALITY_FIELDS, "skip"],
    "withdraw": ["details"],
    "check": [],
}


def field_values(target: Target) -> st.SearchStrategy[dict]:
    """The form's valid answers with some fields (often none, so that saving is exercised
    too) left out or replaced by arbitrary text."""
    names = list(dict.fromkeys([*target.valid, *EXTRA_FIELDS.get(target.form, [])]))

    def arbitrary(name: str) -> st.SearchStrategy:
        if name == "date_of_birth":
            return st.lists(st.text(max_size=6), max_size=4) | st.text()
        return st.text()

    @st.composite
    def values(draw) -> dict:
        fuzzed = draw(st.sets(st.sampled_from(names)), label="fields given arbitrary text")
        result = {}
        for name in names:
            if name in fuzzed:
                value = draw(st.none() | arbitrary(name), label=name)
            else:
                value = target.valid.get(name)
            if value is not None:
                result[name] = value
        return result

    return values()


def changed_columns(before: dict, after: dict) -> set[str]:
    return {k for k, v in before["application"].items() if after["application"][k] != v}


def assert_clean(values) -> None:
    """Text that got saved carries no unsafe characters (markup is text, escaped when shown)."""
    for value in values:
        if isinstance(value, str):
            assert unusual_character(value, multiline=True) is None, repr(value)


def assert_saved_exactly_the_section(target: Target, before: dict, after: dict) -> None:
    form = target.form
    changed = changed_columns(before, after)
    if form in SECTIONS:
        section = SECTIONS[form]
        assert section in after["application"]["completed_sections"]
        allowed = BOOKKEEPING | set(drafts.CARRIED.get(section, ()))
        assert changed <= allowed, changed - allowed
        assert after["cvs"] == before["cvs"]
        assert after["counts"]["Email"] == before["counts"]["Email"]
        if section != "questions":
            assert after["answers"] == before["answers"]
        else:
            assert len(after["answers"]) == len(target.criteria)
            assert_clean(answer for _, answer in after["answers"])
        if form != "equality":
            assert after["equality"] == before["equality"]
        elif after["equality"] is not None:
            assert_clean(after["equality"].values())
        assert_clean(after["application"][name] for name in changed)
    elif form == "check":
        assert after["application"]["status"].value == "submitted"
        assert changed <= SUBMISSION, changed - SUBMISSION
        assert after["counts"]["Email"] == before["counts"]["Email"] + 1
    elif form == "withdraw":
        assert after["application"]["status"].value == "withdrawn"
        assert changed <= WITHDRAWAL, changed - WITHDRAWAL
        assert after["counts"]["Email"] == before["counts"]["Email"] + 1
        assert_clean([after["application"]["withdrawal_details"]])
    else:
        raise AssertionError(f"{form} should not redirect")


def check_response(target: Target, response, before: dict) -> str:
    """Check one response to arbitrary input; return what happened, for the statistics."""
    assert response.status_code < 500, response.get_data(as_text=True)[:2000]
    after = state(target)
    page = response.get_data(as_text=True)
    if target.form == "sign-in" and response.status_code == 200 and "Check your email" in page:
        # Asking for a link is answered with a page, not a redirect: one link, one email.
        assert after["counts"]["SignInLink"] == before["counts"]["SignInLink"] + 1
        assert after["counts"]["Email"] == before["counts"]["Email"] + 1
        return "saved"
    if response.status_code == 302:
        assert_saved_exactly_the_section(target, before, after)
        return "saved"
    assert response.status_code in (200, 400, 422), response.status_code
    if response.status_code == 200:
        links = summary_links(page)
        assert links, "an error summary with no errors in it"
        for target_id, _message in links:
            assert has_element_with_id(page, target_id), target_id
    assert after == before, "a refused submission changed something"
    return f"refused with {response.status_code}"


@pytest.fixture
def reusable(target_for) -> Callable[[str], Target]:
    """The form's target, made afresh only after a submission was saved: a refused one
    changed nothing, so the next example can use the same application (and so run faster)."""
    kept: dict[str, Target] = {}

    def get(form: str, *, renew: bool = False) -> Target:
        if renew or form not in kept:
            kept[form] = target_for(form)
        return kept[form]

    get.kept = kept
    return get


@pytest.mark.slow  # generated input
@pytest.mark.parametrize("form", FORMS)
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_arbitrary_input_never_gets_a_server_error(reusable, form, data):
    target = reusable(form)
    values = data.draw(field_values(target), label="form")
    before = state(target)

    response = target.post(values)

    outcome = check_response(target, response, before)
    event(outcome)
    if outcome == "saved":
        reusable(form, renew=True)

"""Nothing typed is lost to one error.

Given any form an applicant or a member of staff fills in, with every field answered and
exactly one of them wrong, when it is submitted, then the page comes back with that error
and with everything else as the user typed or chose it: text boxes, text areas, radios,
checkboxes and selects. The forms are a table: a new form is added with its valid answers
and one bad value for each field that can be wrong, and every field is tried in turn.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest

from tests.applications.conftest import sign_in_applicant
from tests.applications.journey import ADULT
from tests.applications.keeping import lost_values, shown_values
from tests.applications.test_cv import upload
from tests.factories import (
    PASSWORD,
    ApplicationFactory,
    PartnerOrganisationFactory,
    RoleFactory,
    UserFactory,
)
from tests.helpers import csrf_token, sign_in_as
from tests.mentoring.factories import MentorProfileFactory, assigned, hired
from tracker import clock
from tracker.accounts.models import StaffRole
from tracker.applications.states import Status
from tracker.extensions import db, limiter
from tracker.offers import services as offers
from tracker.partners import fields as share_fields
from tracker.partners import services as partner_services
from tracker.screening import scorecards

SCRIPT = "<script>alert(1)</script>"
NEXT_YEAR = str(clock.today().year + 1)


@dataclass
class Page:
    """A form to fill in: where it is, who fills it in, its answers, and what can be wrong."""

    name: str
    # Makes what the form needs and signs the right person in; returns the form's path, or
    # the page's path and the path its form posts to.
    open: Callable[[dict], str | tuple[str, str]]
    valid: Callable[[dict], dict]
    bad: Callable[[dict], dict]
    # Fields the page deliberately does not show back (a password).
    never_shown: frozenset = field(default_factory=frozenset)
    # For fields named by ids made in the test (a question's, a criterion's): names for the
    # bad answers, in the order bad() gives them.
    positions: tuple[str, ...] = ()
    # A form that asks (GET) rather than changes (POST), such as a search.
    method: str = "post"
    # Where the form says it goes, if not where it was submitted (a button's formaction).
    action: str | None = None


# --- Applicant forms ---------------------------------------------------------------------


def _applicant_page(suffix: str, **traits) -> Callable[[dict], str]:
    def open_page(env: dict) -> str:
        sign_in_applicant(env["client"], env["applicant"])
        application = ApplicationFactory(applicant=env["applicant"], role=env["role"], **traits)
        db.session.commit()
        env["application"] = application
        return f"/applications/{application.id}/{suffix}"

    return open_page


# The role's questions are asked one to a page, each with its own answer box.
def _answers(env: dict) -> dict:
    first, _ = env["role"].essential_criteria
    return {f"answer_{first.id}": "At college I ran the coding club: if (x<y) swap."}


def _bad_answers(env: dict) -> dict:
    first, _ = env["role"].essential_criteria
    return {f"answer_{first.id}": " ".join(["word"] * 251)}


def _second_answer(env: dict) -> dict:
    _, second = env["role"].essential_criteria
    return {f"answer_{second.id}": "We built a website together \U0001f469\u200d\U0001f4bb"}


def _second_bad_answer(env: dict) -> dict:
    _, second = env["role"].essential_criteria
    return {f"answer_{second.id}": ""}


EQUALITY = {
    "sex": "female",
    "gender_same_as_birth": "yes",
    "sexual_orientation": "bisexual",
    "ethnicity": "mixed",
    "religion": "sikh",
    "disability": "no",
    "care_experienced": "yes",
    "free_school_meals": "no",
}

APPLICANT_PAGES = [
    Page(
        "personal-details",
        _applicant_page("personal-details"),
        lambda env: {
            "full_name": "Alex O\u2019Brien-Smith",
            "date_of_birth": ["14", "3", str(ADULT)],
            "address_line_1": "Flat <2>, 1 High Street",
            "address_line_2": "Old Town",
            "town": "Exampleton",
            "postcode": "SW1A 1AA",
            "phone": "07911 123456",
            "preferred_contact": "phone",
            "heard_about": "social_media",
        },
        lambda env: {
            "full_name": "Alex 2nd",
            "date_of_birth": ["31", "2", "2000"],
            "address_line_1": "x" * 101,
            "address_line_2": "y" * 101,
            "town": "",
            "postcode": "ABC 123",
            "phone": "123",
            "preferred_contact": "fax",
            "heard_about": "television",
        },
    ),
    Page(
        "eligibility",
        _applicant_page("eligibility"),
        lambda env: {
            "right_to_work": "yes",
            "lived_in_uk_or_eea_3_years": "not_sure",
            "full_time_education": "no",
            "qualification_in_same_subject": "no",
            "lives_in_area": "yes",
        },
        lambda env: {
            "right_to_work": "",
            "lived_in_uk_or_eea_3_years": "maybe",
            "full_time_education": "",
            "qualification_in_same_subject": "perhaps",
            "lives_in_area": "",
        },
    ),
    Page(
        "qualifications",
        _applicant_page("qualifications"),
        lambda env: {
            "english_level": "level_2_or_above",
            "maths_level": "level_1",
            "other_qualifications": "GCSE Computer Science, grade 6\n\nBTEC IT <Distinction>",
        },
        lambda env: {
            "english_level": "",
            "maths_level": "level_9",
            "other_qualifications": "G" * 2001,
        },
    ),
    Page(
        "questions",
        _applicant_page("questions/1"),
        _answers,
        _bad_answers,
        positions=("too-many-words",),
    ),
    Page(
        "question-2",
        _applicant_page("questions/2"),
        _second_answer,
        _second_bad_answer,
        positions=("empty",),
    ),
    Page(
        "adjustments",
        _applicant_page("adjustments"),
        lambda env: {"needs_adjustments": "yes", "adjustments": "Questions in writing"},
        lambda env: {"needs_adjustments": "maybe", "adjustments": "x" * 2001},
    ),
    Page(
        "disability-confident",
        _applicant_page("disability-confident"),
        lambda env: {"declares_disability": "yes", "disability_confident": "yes"},
        lambda env: {"declares_disability": "perhaps", "disability_confident": ""},
    ),
    Page(
        "equality",
        _applicant_page("equality"),
        lambda env: dict(EQUALITY),
        lambda env: dict.fromkeys(EQUALITY, "not-an-option"),
    ),
    Page(
        "withdraw",
        _applicant_page("withdraw", submitted=True),
        lambda env: {"reason": "other", "details": "I am moving to Cardiff <soon>"},
        lambda env: {"reason": "bored", "details": "d" * 1001},
    ),
    Page(
        "offer",
        _applicant_page("offer", offered=True),
        lambda env: {"response": "accept", "mentor_contact": "no"},
        lambda env: {"response": "maybe", "mentor_contact": ""},
    ),
]


# --- Staff forms -------------------------------------------------------------------------


def _staff(env: dict, *roles: StaffRole, **values):
    user = UserFactory(roles=list(roles), **values)
    env["staff"] = user
    return user


def _signed_in(env: dict, user) -> None:
    db.session.commit()
    sign_in_as(env["client"], user)


def _day(days_from_today: int) -> list[str]:
    day = clock.today() + timedelta(days=days_from_today)
    return [str(day.day), str(day.month), str(day.year)]


def _open_slots(env: dict) -> str:
    role = env["role"]
    manager = _staff(env, StaffRole.HIRING_MANAGER, tracks=[role.track])
    _signed_in(env, manager)
    return f"/staff/roles/{role.id}/slots"


def _open_mentor_profile(env: dict) -> str:
    hr = _staff(env, StaffRole.ADMIN)
    mentor = UserFactory(roles=[StaffRole.MENTOR])
    _signed_in(env, hr)
    return f"/staff/mentors/{mentor.id}"


def _open_mentee_log(env: dict) -> str:
    profile = MentorProfileFactory(tracks=[env["role"].track])
    apprentice = hired(env["role"])
    assigned(apprentice, profile)
    _signed_in(env, profile.user)
    return f"/staff/mentees/{apprentice.id}"


def _open_invite(env: dict) -> str:
    env["organisation"] = PartnerOrganisationFactory()
    _signed_in(env, _staff(env, StaffRole.ADMIN))
    return "/admin/users/invite"


def _open_access(env: dict) -> str:
    env["organisation"] = PartnerOrganisationFactory()
    target = UserFactory(roles=[StaffRole.MENTOR])
    _signed_in(env, _staff(env, StaffRole.ADMIN))
    return f"/admin/users/{target.id}"


STAFF_PAGES = [
    Page(
        "slots",
        _open_slots,
        lambda env: {
            "kind": "assessment",
            "day": _day(10),
            "time": "10:30",
            "minutes": "45",
            "place": "Committee room 2, Town Hall <ground floor>",
            "capacity": "3",
            "panel": [str(env["staff"].id)],
        },
        lambda env: {
            "kind": "lunch",
            "day": ["31", "2", NEXT_YEAR],
            "time": "25:99",
            "minutes": "2",
            "place": "",
            "capacity": "0",
        },
    ),
    Page(
        "mentor-profile",
        _open_mentor_profile,
        lambda env: {
            "about": "Service desk lead, Local Tech Ltd",
            "tracks": [str(env["role"].track.id)],
            "capacity": "3",
        },
        lambda env: {"about": "", "tracks": ["999999"], "capacity": "two"},
    ),
    Page(
        "mentee-log",
        _open_mentee_log,
        lambda env: {
            "kind": "check_in",
            "status": "held",
            "occurred_on": _day(0),
            "note": "We talked about <div> layouts and x < y.",
        },
        lambda env: {"status": "complete", "occurred_on": ["31", "2", "2026"], "note": ""},
    ),
    Page(
        "invite",
        _open_invite,
        lambda env: {
            "name": "Ada Lovelace",
            "email": "ada@example.gov.uk",
            "roles": ["hiring_manager", "partner"],
            "tracks": [str(env["role"].track.id)],
            "partner_organisation": str(env["organisation"].id),
        },
        lambda env: {
            "name": "",
            "email": "not-an-email",
            "roles": [],
            "partner_organisation": "987654",  # not on the list
        },
    ),
    Page(
        "access",
        _open_access,
        lambda env: {
            "roles": ["partner", "mentor"],
            "partner_organisation": str(env["organisation"].id),
        },
        lambda env: {"roles": [], "partner_organisation": "987654"},
    ),
]


def _open_share(env: dict) -> tuple[str, str]:
    env["candidate"] = ApplicationFactory(role=env["role"], sift=True)
    env["organisation"] = PartnerOrganisationFactory()
    UserFactory(roles=[StaffRole.PARTNER], partner_organisation=env["organisation"])
    _signed_in(env, _staff(env, StaffRole.ADMIN))
    return "/staff/shares", "/staff/shares/new"


def _open_partner_feedback(env: dict) -> str:
    organisation = PartnerOrganisationFactory()
    partner = UserFactory(roles=[StaffRole.PARTNER], partner_organisation=organisation)
    candidate = ApplicationFactory(role=env["role"], assessment=True)
    share = partner_services.share_candidates(
        actor=UserFactory(roles=[StaffRole.ADMIN]),
        organisation=organisation,
        applications=[candidate],
        purpose="Assessment day, 12 January",
        due_on=clock.today() + timedelta(days=10),
        criteria=["Problem solving", "Working with others"],
        fields=list(share_fields.DEFAULT),
    )
    env["share"] = share
    _signed_in(env, partner)
    return f"/partner/candidates/{share.candidates[0].id}"


def _feedback(env: dict) -> dict:
    first, second = env["share"].criteria
    return {
        f"score_{first.id}": "4",
        f"score_{second.id}": "2",
        "recommendation": "recommend",
        "comments": "Asked great questions <3",
    }


def _bad_feedback(env: dict) -> dict:
    first, second = env["share"].criteria
    return {f"score_{first.id}": "", f"score_{second.id}": "5", "comments": "x" * 2001}


def _open_candidate(suffix: str, status: Status = Status.SIFT) -> Callable:
    def open_page(env: dict) -> tuple[str, str]:
        role = env["role"]
        env["candidate"] = ApplicationFactory(role=role, submitted=True, stage=status)
        _signed_in(env, _staff(env, StaffRole.HIRING_MANAGER, tracks=[role.track]))
        page = f"/staff/applications/{env['candidate'].id}"
        return page, f"{page}/{suffix}"

    return open_page


def _open_reveal(env: dict) -> tuple[str, str]:
    """HR, on a candidate in the sift, asks to see who applied."""
    env["candidate"] = ApplicationFactory(role=env["role"], sift=True)
    _signed_in(env, _staff(env, StaffRole.ADMIN))
    page = f"/staff/applications/{env['candidate'].id}"
    return page, f"{page}/reveal"


def _scores(env: dict) -> dict:
    data = {}
    for number, (_, criterion) in enumerate(scorecards.criteria_for(env["candidate"]), 1):
        data[f"score_{criterion.id}"] = str(number % 4 + 1)
        data[f"evidence_{criterion.id}"] = f"Answer {number} gave a clear example <b>."
    return data


def _bad_scores(env: dict) -> dict:
    first, second = [c for _, c in scorecards.criteria_for(env["candidate"])][:2]
    return {f"score_{first.id}": "5", f"evidence_{second.id}": "x" * 1001}


def _open_bulk_move(env: dict) -> str:
    role = env["role"]
    env["candidate"] = ApplicationFactory(role=role, submitted=True)
    _signed_in(env, _staff(env, StaffRole.HIRING_MANAGER, tracks=[role.track]))
    return f"/staff/roles/{role.id}/candidates"


STAFF_PAGES += [
    Page(
        "share",
        _open_share,
        lambda env: {
            "offered": [str(env["candidate"].id)],
            "application_ids": [str(env["candidate"].id)],
            "organisation": str(env["organisation"].id),
            "purpose": "Assessment day, 12 January <in person>",
            "due_on": _day(7),
            "criteria": "Problem solving\nWorking with others",
            "fields": [share_fields.ANSWERS],
        },
        lambda env: {
            "application_ids": [],
            "organisation": "0",
            "purpose": "",
            "due_on": ["31", "2", NEXT_YEAR],
            "criteria": "Same\nsame",
            "fields": ["date_of_birth"],
        },
    ),
    Page(
        "partner-feedback",
        _open_partner_feedback,
        _feedback,
        _bad_feedback,
        positions=("score-empty", "score-5", "comments"),
    ),
    Page(
        "move",
        _open_candidate("move"),
        lambda env: {
            "version": str(env["candidate"].version),
            "event": "reject",
            "reasons": ["stronger_candidates"],
            "feedback": "Strong on teamwork; say more about x < y next time.",
        },
        lambda env: {"event": "hire", "reasons": ["bored"], "feedback": "f" * 2001},
    ),
    Page(
        "scorecard",
        _open_candidate("scorecard"),
        _scores,
        _bad_scores,
        positions=("score-5", "evidence-too-long"),
    ),
    Page(
        "reveal-identity",
        _open_reveal,
        lambda env: {"reason": "To phone them about <their> right to work"},
        lambda env: {"reason": "r" * 501},
    ),
    Page(
        "note",
        _open_candidate("notes"),
        lambda env: {"text": "Strong answers <b>"},
        lambda env: {"text": "n" * 2001},
    ),
    Page(
        "bulk-move",
        _open_bulk_move,
        lambda env: {
            "application_ids": [str(env["candidate"].id)],
            "event": "reject",
            "reasons": ["stronger_candidates"],
            "feedback": "Thank you for applying <3",
        },
        lambda env: {
            "application_ids": [],
            "event": "",
            "reasons": ["bored"],
            "feedback": "f" * 2001,
        },
    ),
]


def _open_anonymous(path: str) -> Callable[[dict], str]:
    return lambda env: path


def _open_staff_sign_in(env: dict) -> str:
    env["staff"] = UserFactory(roles=[StaffRole.HIRING_MANAGER])
    db.session.commit()
    return "/staff/sign-in"


def _open_data_requests(env: dict) -> str:
    _signed_in(env, _staff(env, StaffRole.ADMIN))
    return "/staff/data-requests"


def _open_assign_mentor(env: dict) -> str:
    env["mentor"] = MentorProfileFactory(tracks=[env["role"].track])
    apprentice = hired(env["role"])
    # A change of mentor, which asks why.
    env["current"] = assigned(apprentice, MentorProfileFactory(tracks=[env["role"].track]))
    _signed_in(env, _staff(env, StaffRole.ADMIN))
    return f"/staff/apprentices/{apprentice.id}/mentor"


def _open_condition(env: dict) -> tuple[str, str]:
    page, _ = _open_candidate("conditions", Status.PRE_EMPLOYMENT_CHECKS)(env)
    offers.record_offer(
        actor=env["staff"],
        application=env["candidate"],
        starts_on=clock.today() + timedelta(days=30),
    )
    db.session.commit()
    return page, f"{page}/conditions/references"


def _open_shortlist(env: dict) -> str:
    role = env["role"]
    ApplicationFactory(role=role, sift=True)
    _signed_in(env, _staff(env, StaffRole.HIRING_MANAGER, tracks=[role.track]))
    return "/staff/exports/shortlist"


# Forms of one or two fields: what is kept is the wrong answer itself, or the other field.
STAFF_PAGES += [
    Page(
        "shortlist",
        _open_shortlist,
        lambda env: {
            "role_id": str(env["role"].id),
            "status": "sift",
            "columns": ["reference", "stage"],
            "format": "csv",
        },
        lambda env: {"status": "draft", "columns": [], "format": "pdf"},
        method="get",
        action="/staff/exports/shortlist/download",
    ),
    Page(
        "condition",
        _open_condition,
        lambda env: {"note": "Two references received <by email>"},
        lambda env: {"note": "n" * 501},
    ),
    Page(
        "applicant-sign-in",
        _open_anonymous("/applicant/sign-in"),
        lambda env: {"email": "new-applicant@example.com"},
        lambda env: {"email": "new-applicant@example"},
    ),
    Page(
        "staff-sign-in",
        _open_staff_sign_in,
        lambda env: {"email": env["staff"].email, "password": PASSWORD},
        lambda env: {"password": "not the password"},
        never_shown=frozenset({"password"}),
    ),
    Page(
        "forgotten-password",
        _open_anonymous("/staff/password/forgotten"),
        lambda env: {"email": "someone@example.gov.uk"},
        lambda env: {"email": "someone@"},
    ),
    Page(
        "data-request",
        _open_data_requests,
        lambda env: {"email": env["applicant"].email},
        lambda env: {"email": "applicant@"},
    ),
    Page(
        "assign-mentor",
        _open_assign_mentor,
        lambda env: {
            "mentor": str(env["mentor"].id),
            "current": str(env["current"].id),
            "reason": "Works near the apprentice's team",
        },
        lambda env: {"mentor": "999999", "reason": "r" * 501},
    ),
]

PAGES = {page.name: page for page in [*APPLICANT_PAGES, *STAFF_PAGES]}


def _submit(client, page: Page, form_page: str, path: str, values: dict):
    if page.method == "get":
        return client.get(path, query_string=values)
    data = {"csrf_token": csrf_token(client, form_page), **values}
    return client.post(path, data=data, follow_redirects=True)


def _paths(opened: str | tuple[str, str]) -> tuple[str, str]:
    return (opened, opened) if isinstance(opened, str) else opened


def _cases():
    """Every (page, field that can be wrong), named for the report."""
    env = {"role": None}
    for page in PAGES.values():
        for name in _bad_field_names(page, env):
            yield pytest.param(page.name, name, id=f"{page.name}-{name}")


def _bad_field_names(page: Page, env: dict) -> list[str]:
    return list(page.positions) or list(page.bad(env))


@pytest.fixture(autouse=True)
def _no_rate_limits(monkeypatch):
    """Each case signs someone in; the sign-in limits are tested on their own."""
    monkeypatch.setattr(limiter, "enabled", False)


@pytest.fixture
def env(client, applicant):
    role = RoleFactory(criteria=["You enjoy solving problems", "You work well with others"])
    return {"client": client, "applicant": applicant, "role": role}


@pytest.mark.slow  # every field of every form
@pytest.mark.parametrize(("page_name", "bad_field"), list(_cases()))
def test_one_wrong_answer_keeps_everything_else_typed(env, page_name, bad_field):
    page = PAGES[page_name]
    form_page, path = _paths(page.open(env))
    valid, bad = page.valid(env), page.bad(env)
    if page.positions:
        bad_field = list(bad)[page.positions.index(bad_field)]
    posted = {**valid, bad_field: bad[bad_field]}
    client = env["client"]

    response = _submit(client, page, form_page, path, posted)
    db.session.rollback()

    html = response.get_data(as_text=True)
    assert response.status_code == 200, (response.status_code, response.location)
    assert "There is a problem" in html
    lost = lost_values(
        html,
        posted,
        invalid=bad_field,
        skip=page.never_shown,
        action=page.action or path,
        page_path=path,
    )
    assert lost == {}
    # What was typed is shown as text, never as markup.
    assert SCRIPT not in html


@pytest.mark.slow  # every field of every form
@pytest.mark.parametrize("page_name", list(PAGES))
def test_the_valid_answers_above_are_accepted(env, page_name):
    """The control for the test above: each page's valid answers are saved, so the errors
    it meets are the one wrong field's."""
    page = PAGES[page_name]
    form_page, path = _paths(page.open(env))
    client = env["client"]
    response = _submit(client, page, form_page, path, page.valid(env))

    html = response.get_data(as_text=True)
    assert response.status_code == 200, html[:3000]
    assert "There is a problem" not in html and "govuk-error-message" not in html, html[:5000]


def test_the_page_reader_sees_what_a_browser_would_send():
    page = """<form><input type="text" name="a" value="x &lt;1&gt;"><input name="b" value="y">
    <input type="radio" name="r" value="1"><input type="radio" name="r" value="2" checked>
    <input type="checkbox" name="c" value="p" checked><input type="checkbox" name="c" value="q">
    <input type="password" name="pw" value=""><input type="file" name="f">
    <textarea name="t">
line one
line &lt;two&gt;</textarea>
    <select name="s"><option value="1">One</option><option value="2" selected>Two</option>
    </select></form>"""

    values, files = shown_values(page)

    assert values == {
        "a": ["x <1>"],
        "b": ["y"],
        "r": ["2"],
        "c": ["p"],
        "t": ["line one\nline <two>"],
        "s": ["2"],
    }
    assert files == ["f"]


def test_a_refused_file_says_it_must_be_chosen_again(client, signed_in, role):
    """A browser cannot be given a file back, so the page says the file was not kept."""
    application = ApplicationFactory(applicant=signed_in, role=role)
    db.session.commit()

    response = upload(client, application.id, b"not a document", filename="cv.exe")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The selected file must be a PDF, DOCX or ODT" in html
    assert "Your file was not saved. Choose it again, or choose another file." in html
    _values, files = shown_values(html)
    assert files == ["cv"]
    # Asked to choose a file, having chosen none, there is nothing to choose again.
    skipped = client.get(f"/applications/{application.id}/cv").get_data(as_text=True)
    assert "Choose it again" not in skipped


def test_only_the_form_that_was_posted_is_read():
    page = """<form action="/sign-out" method="post"><input name="note" value="x"></form>
    <form action="/notes#add" method="post"><input name="note" value="kept"></form>"""

    assert lost_values(page, {"note": "kept"}, invalid="", action="/notes") == {}
    assert lost_values(page, {"note": "x"}, invalid="", action="/notes") == {
        "note": {"typed": ["x"], "shown": ["kept"]}
    }

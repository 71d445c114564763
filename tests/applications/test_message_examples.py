"""Every example an error message gives passes the validator that gave it.

Given any field of any form in the app, when its error message suggests an answer ('like
01632 960 001', 'like name@example.com', 'like 10:00 or 14:30'), then typing that answer
into the field is accepted. The forms and their messages are found, not listed, so a new
form's messages are checked too: messages held by validators and fields are read, and
messages raised in code are found by submitting nonsense.
"""

from __future__ import annotations

import importlib
import pkgutil
import re

import pytest
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict

import tracker
from tracker.mentoring.models import LogKind

# 'like X', 'like X, Y or Z', 'for example X', 'e.g. X', up to the end of the sentence; not
# the verb ('how you would like us to contact you').
_EXAMPLES = re.compile(r"\b(?<!would )(?:like|for example,?|e\.g\.,?)\s+(.+?)\.?$", re.IGNORECASE)
_SEPARATORS = re.compile(r",\s*|\s+or\s+")
# Attributes that are not error messages: hints and labels give examples of other kinds.
_NOT_MESSAGES = {"description", "label", "name", "short_name", "id", "type", "default"}
NONSENSE = ["?", "x", "-1", "99999999999999999999999"]


def app_forms() -> list[type[FlaskForm]]:
    """Every form class in the app's packages (each domain keeps them in forms.py)."""
    for package in pkgutil.iter_modules(tracker.__path__, "tracker."):
        if package.ispkg:
            try:
                importlib.import_module(f"{package.name}.forms")
            except ModuleNotFoundError as error:
                if error.name != f"{package.name}.forms":
                    raise
    found, pending = [], list(FlaskForm.__subclasses__())
    while pending:
        form = pending.pop()
        pending.extend(form.__subclasses__())
        if form.__module__.startswith("tracker.") and form not in found:
            found.append(form)
    return sorted(found, key=lambda form: f"{form.__module__}.{form.__qualname__}")


# Forms a view prepares before validating, as their views do (with nothing to choose from).
PREPARE = {
    "ShortlistForm": lambda form: form.offer(
        roles=[], tracks=[], campaigns=[], criteria=[], permissions=frozenset()
    ),
}


# Forms whose views pass them arguments.
ARGUMENTS = {"LogEntryForm": lambda: {"log_kind": next(iter(LogKind))}}


def _form(form_class: type[FlaskForm], values: dict) -> FlaskForm:
    arguments = ARGUMENTS.get(form_class.__qualname__, dict)()
    form = form_class(formdata=MultiDict(values), meta={"csrf": False}, **arguments)
    PREPARE.get(form_class.__qualname__, lambda form: None)(form)
    for field in form:
        # Views fill in choices that come from the database; none are needed here.
        if getattr(field, "choices", ()) is None:
            field.choices = []
    return form


def _held_messages(field) -> list[str]:
    holders = [field, *field.validators]
    return [
        value
        for holder in holders
        for name, value in vars(holder).items()
        if isinstance(value, str) and name not in _NOT_MESSAGES
    ]


def _raised_messages(form_class: type[FlaskForm], name: str) -> list[str]:
    messages = []
    for nonsense in NONSENSE:
        form = _form(form_class, {name: nonsense})
        form.validate()
        messages.extend(str(message) for message in form.errors.get(name, []))
    return messages


def examples_in(message: str) -> list[str]:
    found = _EXAMPLES.search(message)
    if not found:
        return []
    return [example.strip() for example in _SEPARATORS.split(found.group(1)) if example.strip()]


def message_examples(app) -> list[tuple[str, str, str, str]]:
    """(form, field, message, example) for every example in every message."""
    cases = []
    with app.test_request_context():
        for form_class in app_forms():
            for field in _form(form_class, {}):
                messages = dict.fromkeys(
                    [*_held_messages(field), *_raised_messages(form_class, field.name)]
                )
                for message in messages:
                    for example in examples_in(message):
                        cases.append((form_class.__qualname__, field.name, message, example))
    return cases


def test_examples_are_split_as_a_reader_would_read_them():
    assert examples_in("Enter a phone number, like 01632 960 001, 07700 900 982 or 0808") == [
        "01632 960 001",
        "07700 900 982",
        "0808",
    ]
    assert examples_in("Enter a time like 10:00 or 14:30") == ["10:00", "14:30"]
    assert examples_in("Enter your name") == []
    assert examples_in("Select how you would like us to contact you") == []


def test_the_messages_with_examples_are_all_found(app):
    found = {(form, field) for form, field, _, _ in message_examples(app)}

    # The ones known when this test was written; any new one is checked as well.
    assert {
        ("PersonalDetailsForm", "phone"),
        ("PersonalDetailsForm", "postcode"),
        ("EmailLinkForm", "email"),
        ("ForgotPasswordForm", "email"),
        ("InviteForm", "email"),
        ("FindApplicantForm", "email"),
        ("SlotForm", "time"),
        ("MentorProfileForm", "capacity"),
    } <= found


def test_every_example_in_an_error_message_is_accepted_by_its_field(app):
    refused = []
    with app.test_request_context():
        by_name = {form.__qualname__: form for form in app_forms()}
        for form_name, name, message, example in message_examples(app):
            form = _form(by_name[form_name], {name: example})
            form.validate()
            if form.errors.get(name):
                refused.append((form_name, name, message, example, form.errors[name]))

    assert refused == [], "an error message suggests an answer its own field refuses"


@pytest.mark.parametrize("example", ["01632 960 001", "07700 900 982", "+44 808 157 0192"])
def test_the_phone_examples_save_the_personal_details(app, example):
    from tracker.applications.forms import PersonalDetailsForm

    with app.test_request_context():
        form = _form(PersonalDetailsForm, {"phone": example})
        form.validate()
        assert "phone" not in form.errors

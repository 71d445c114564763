"""Tests for the application form validators: cleaning, GOV.UK messages and date input.

Forms here are plain ``wtforms.Form`` so no app, request or CSRF token is needed; only the
widget rendering test uses the app, because the GOV.UK widgets render Jinja templates.
"""

from __future__ import annotations

import contextlib
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict
from wtforms import Form, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Optional,
    StopValidation,
    ValidationError,
)

from tracker.applications import validators
from tracker.applications.validators import (
    GovDateField,
    PersonName,
    PhoneNumber,
    Postcode,
    SafeText,
    WordLimit,
    clean_text,
    contains_markup,
    normalise_phone,
    normalise_postcode,
    unusual_character,
    word_count,
)

PHONE_MESSAGE = "Enter a phone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192"
POSTCODE_MESSAGE = "Enter a real postcode, like AA1 1AA"
UNUSUAL_MESSAGE = (
    "Full name must not include hidden or unusual characters \u2013 "
    "try typing it in rather than copying and pasting"
)
MARKUP_MESSAGE = "Full name must not include HTML or code, such as < and > around words"
NAME_MESSAGE = "Full name must only include letters a to z, hyphens, spaces and apostrophes"

# Hypothesis runs many examples per test; its example database and deadline add nothing
# here, and the suite's autouse rollback fixture is irrelevant to these pure checks.
PROPERTY_SETTINGS = settings(
    database=None,
    deadline=None,
    max_examples=300,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


# --- clean_text ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("  Zoë   Smith  ", "Zoë Smith"),
        ("Zoe\u0308", "Zoë"),  # a separate combining diaeresis is composed (NFC)
        ("Jean\t\tLuc", "Jean Luc"),
        ("line one\r\nline two\nthree", "line one line two three"),
        ("no\u00a0break\u3000space", "no break space"),
        ("", ""),
        ("   ", ""),
        ("Bob\x1f", "Bob\x1f"),  # left for unusual_character to refuse, not hidden
    ],
)
def test_clean_text_single_line(value: str, expected: str) -> None:
    assert clean_text(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("  first  line   \r\nsecond\t\tline  ", "first line\nsecond line"),
        ("para one\n\n\n\n\n\npara two", "para one\n\n\npara two"),
        ("para one\n\n\npara two", "para one\n\n\npara two"),
        ("one\rtwo", "one\ntwo"),
        ("a  \n   \n b", "a\n\n b"),
        ("\n\n  text\n\n", "text"),
    ],
)
def test_clean_text_multiline(value: str, expected: str) -> None:
    assert clean_text(value, multiline=True) == expected


@PROPERTY_SETTINGS
@given(value=st.text(), multiline=st.booleans())
def test_clean_text_is_idempotent(value: str, multiline: bool) -> None:
    once = clean_text(value, multiline=multiline)
    assert clean_text(once, multiline=multiline) == once


# --- unusual_character --------------------------------------------------------------------


@pytest.mark.parametrize(
    "character",
    [
        "\x00",  # NUL, which PostgreSQL cannot store
        "\x07",  # bell
        "\x1b",  # escape
        "\x7f",  # delete
        "\u200b",  # zero-width space
        "\u200e",  # left-to-right mark
        "\u202e",  # right-to-left override
        "\u2066",  # left-to-right isolate
        "\ufeff",  # byte order mark
        "\u00ad",  # soft hyphen
        "\U000e0041",  # tag character
        "\ue000",  # private use
        "\U000f0000",  # supplementary private use
        "\ud800",  # lone surrogate
        "\u0378",  # unassigned
        "\uffff",  # noncharacter
    ],
)
def test_unusual_characters_are_found(character: str) -> None:
    assert unusual_character(f"Bob{character}by") == character
    assert unusual_character(f"Bob{character}by", multiline=True) == character


@pytest.mark.parametrize(
    "value", ["Zoë", "Siobhán", "Łukasz", "李", "Ørjan O\u2019Brien", "😀", "a < b", ""]
)
def test_ordinary_text_has_no_unusual_characters(value: str) -> None:
    assert unusual_character(value) is None


def test_newlines_and_tabs_are_unusual_only_in_single_line_text() -> None:
    assert unusual_character("one\ntwo") == "\n"
    assert unusual_character("one\ttwo") == "\t"
    assert unusual_character("one\ntwo\tthree", multiline=True) is None
    assert unusual_character("one\r\ntwo", multiline=True) == "\r"


# --- contains_markup ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "<script>alert(1)</script>",
        "<b>bold</b>",
        "<img src=x onerror=alert(1)>",
        "<IMG SRC=x>",
        "</p>",
        "<!-- comment -->",
        "<!DOCTYPE html>",
        "<?xml version='1.0'?>",
        "<svg/onload=alert(1)>",
        "&#60;script&#62;",
        "&#x3C;script&#x3E;",
        "&lt;script&gt;",
        "Fish &amp; chips",
    ],
)
def test_markup_is_recognised(value: str) -> None:
    assert contains_markup(value)


@pytest.mark.parametrize(
    "value",
    ["3 < 5", "<3", "I <3 coding", "5 > 3", "a < b > c", "Marks & Spencer", "R&D", "&", "#1"],
)
def test_ordinary_symbols_are_not_markup(value: str) -> None:
    assert not contains_markup(value)


# --- normalise_postcode -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("sw1a1aa", "SW1A 1AA"),
        ("SW1A 1AA", "SW1A 1AA"),
        ("  sw1a   1aa ", "SW1A 1AA"),
        ("SW1 A1AA", "SW1A 1AA"),
        ("SW1A\u00a01AA", "SW1A 1AA"),
        ("EC1A 1BB", "EC1A 1BB"),
        ("W1A 0AX", "W1A 0AX"),
        ("M1 1AE", "M1 1AE"),
        ("B33 8TH", "B33 8TH"),
        ("CR2 6XH", "CR2 6XH"),
        ("DN55 1PT", "DN55 1PT"),
        ("gir 0aa", "GIR 0AA"),
    ],
)
def test_valid_postcodes_are_normalised(value: str, expected: str) -> None:
    assert normalise_postcode(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "",
        "ABC",
        "12345",
        "SW1A 1AAA",
        "SW1A",
        "<b>SW1A</b>",
        "<b>SW1A 1AA</b>",
        "Q1 1AA",  # Q never starts a postcode
        "SW1A 1CA",  # C is never an inward letter
        "SW1A-1AA",
        "\uff33\uff371A 1AA",  # full-width letters
        "ﬀ1 1AA",  # a ligature that uppercases to 'FF'
        "SW1A 1AA\x00",
    ],
)
def test_invalid_postcodes_are_refused(value: str) -> None:
    assert normalise_postcode(value) is None


# --- normalise_phone ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("07911 123456", "07911 123456"),
        ("07911123456", "07911 123456"),
        ("+44 7911 123456", "07911 123456"),
        ("+447911123456", "07911 123456"),
        ("+44 (0)7911 123456", "07911 123456"),
        ("0044 7911 123456", "07911 123456"),
        ("07911-123-456", "07911 123456"),
        (" 020 7946 0000 ", "020 7946 0000"),
        ("(020) 7946 0000", "020 7946 0000"),
        ("+44 808 157 0192", "0808 157 0192"),
        ("07797 123456", "07797 123456"),  # Jersey shares +44, so stays national
        ("+1 202 555 0143", "+1 202-555-0143"),  # valid elsewhere: international format
        ("+353 85 123 4567", "+353 85 123 4567"),
    ],
)
def test_valid_phone_numbers_are_normalised(value: str, expected: str) -> None:
    assert normalise_phone(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "",
        "abc",
        "123",
        "0770090098212345",
        "0800 FLOWERS",  # letters are refused, not turned into digits
        "07911 123456 ext 12",
        "07911 123456#",
        "+44 7911 123456 0000000",  # over 20 characters
        "\uff10\uff17\uff19\uff11\uff11 \uff11\uff12\uff13\uff14\uff15\uff16",  # full-width
        "<b>07911 123456</b>",
        "07911\x00123456",
        # Ofcom's ranges for TV and film reach nobody, and libphonenumber says so.
        "07700 900982",
        "01632 960001",
    ],
)
def test_invalid_phone_numbers_are_refused(value: str) -> None:
    assert normalise_phone(value) is None


# --- word_count ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [("", 0), ("   ", 0), ("one", 1), ("one two", 2), (" one\n\ntwo\tthree ", 3), ("a - b", 3)],
)
def test_word_count(value: str, expected: int) -> None:
    assert word_count(value) == expected


# --- WTForms validators -------------------------------------------------------------------


class ApplicantForm(Form):
    full_name = StringField(
        "Full name",
        validators=[
            InputRequired("Enter your full name"),
            SafeText(label="Full name", max_length=100),
            PersonName(label="Full name"),
        ],
    )
    postcode = StringField(
        "Postcode",
        validators=[
            InputRequired("Enter your postcode"),
            SafeText(label="Postcode", max_length=20),
            Postcode(),
        ],
    )
    phone = StringField("Phone number", validators=[Optional(), PhoneNumber()])
    statement = TextAreaField(
        "Personal statement",
        validators=[
            Optional(),
            SafeText(label="Personal statement", max_length=500, multiline=True),
            WordLimit(label="Personal statement", limit=10),
        ],
    )


VALID_ANSWERS = {
    "full_name": "Zoë Smith",
    "postcode": "SW1A 1AA",
    "phone": "07911 123456",
    "statement": "I like fixing things.",
}


def submit(**answers: str) -> ApplicantForm:
    form = ApplicantForm(formdata=MultiDict({**VALID_ANSWERS, **answers}))
    form.validate()
    return form


def test_good_answers_are_accepted_and_normalised() -> None:
    form = submit(
        full_name="  Zoe\u0308   Smith ",
        postcode="sw1a1aa",
        phone="+44 (0)7911 123456",
        statement="  I like\t\tfixing things.  \r\n\r\n\r\n\r\n\r\nAnd people. ",
    )

    assert form.errors == {}
    assert form.full_name.data == "Zoë Smith"
    assert form.postcode.data == "SW1A 1AA"
    assert form.phone.data == "07911 123456"
    assert form.statement.data == "I like fixing things.\n\n\nAnd people."


@pytest.mark.parametrize(
    "name",
    [
        "Zoë",
        "Siobhán Ní Bhriain",
        "Łukasz Żółć",
        "李小龍",
        "Björk Guðmundsdóttir",
        "Nguyễn Thị Minh Khai",
        "Jean-Luc",
        "O'Brien",
        "O\u2019Brien",
        "St. John Smith",
        "Αλέξανδρος",
        "Владимир",
        "محمد",
        "x" * 100,
    ],
)
def test_names_in_any_script_are_accepted(name: str) -> None:
    form = submit(full_name=name)
    assert form.errors == {}
    assert form.full_name.data == name


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Enter your full name"),
        ("   ", "Enter your full name"),  # InputRequired alone would let spaces through
        ("\t\r\n", "Enter your full name"),
        ("x" * 101, "Full name must be 100 characters or fewer"),
        ("<script>alert(1)</script>", MARKUP_MESSAGE),
        ("<b>Bob</b>", MARKUP_MESSAGE),
        ("<img src=x onerror=alert(1)>", MARKUP_MESSAGE),
        ("Fish &amp; Chips", MARKUP_MESSAGE),
        ("Bob\x00", UNUSUAL_MESSAGE),
        ("\u202eBob", UNUSUAL_MESSAGE),
        ("Bo\u200bb", UNUSUAL_MESSAGE),
        ("\ufeffBob", UNUSUAL_MESSAGE),
        ("Bob\ue000", UNUSUAL_MESSAGE),
        ("Bob\u0378", UNUSUAL_MESSAGE),
        ("Bob\ud800", UNUSUAL_MESSAGE),
        ("Bob\x1f", UNUSUAL_MESSAGE),
        ("Bob2", NAME_MESSAGE),
        ("Bob!", NAME_MESSAGE),
        ("Bob 😀", NAME_MESSAGE),
        ("3 < 5", NAME_MESSAGE),
        ("Bob_Smith", NAME_MESSAGE),
        ("-", NAME_MESSAGE),
        ("'.", NAME_MESSAGE),
    ],
)
def test_bad_names_get_one_clear_message(name: str, message: str) -> None:
    form = submit(full_name=name)
    # One message per field, as GOV.UK forms show: later validators don't pile on.
    assert form.errors == {"full_name": [message]}


@pytest.mark.parametrize("postcode", ["ABC", "12345", "SW1A 1AAA", "Q1 1AA"])
def test_bad_postcodes_are_refused(postcode: str) -> None:
    assert submit(postcode=postcode).errors == {"postcode": [POSTCODE_MESSAGE]}


@pytest.mark.parametrize(
    ("postcode", "message"),
    [
        ("", "Enter your postcode"),
        ("  ", "Enter your postcode"),
        ("<b>SW1A</b>", "Postcode must not include HTML or code, such as < and > around words"),
    ],
)
def test_postcode_messages(postcode: str, message: str) -> None:
    assert submit(postcode=postcode).errors == {"postcode": [message]}


@pytest.mark.parametrize("phone", ["abc", "123", "0770090098212345", "0800 FLOWERS"])
def test_bad_phone_numbers_are_refused(phone: str) -> None:
    assert submit(phone=phone).errors == {"phone": [PHONE_MESSAGE]}


def test_optional_fields_can_be_left_empty() -> None:
    form = submit(phone="", statement="")
    assert form.errors == {}
    assert form.phone.data == ""
    assert form.statement.data == ""


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        (" ".join(["word"] * 11), "Personal statement must be 10 words or fewer"),
        ("x" * 501, "Personal statement must be 500 characters or fewer"),
        (
            "I can do <b>anything</b>",
            "Personal statement must not include HTML or code, such as < and > around words",
        ),
        (
            "Hello\x00",
            "Personal statement must not include hidden or unusual characters \u2013 "
            "try typing it in rather than copying and pasting",
        ),
    ],
)
def test_statement_messages(statement: str, message: str) -> None:
    assert submit(statement=statement).errors == {"statement": [message]}


def test_statement_keeps_line_breaks_and_counts_words_after_cleaning() -> None:
    form = submit(statement=" ".join(["word"] * 10) + "\n\n\t  ")
    assert form.errors == {}
    assert form.statement.data == " ".join(["word"] * 10)


class FakeField:
    """Just enough of a WTForms field to call a validator directly, as a service might."""

    def __init__(self, data: object) -> None:
        self.data = data
        self.validators: list[object] = []
        self.errors: list[str] = []


@pytest.mark.parametrize(
    ("validator", "data"),
    [
        (SafeText(label="Name", max_length=3), "Bobby"),
        (PersonName(label="Name"), "Bob1"),
        (Postcode(), "ABC"),
        (PhoneNumber(), "abc"),
        (WordLimit(label="Answer", limit=1), "two words"),
    ],
)
def test_failures_are_validation_errors(validator: object, data: str) -> None:
    with pytest.raises(ValidationError):
        validator(None, FakeField(data))  # type: ignore[operator]


@pytest.mark.parametrize(
    "validator",
    [
        SafeText(label="Name", max_length=3),
        PersonName(label="Name"),
        Postcode(),
        PhoneNumber(),
        WordLimit(label="Answer", limit=1),
    ],
)
@pytest.mark.parametrize("data", [None, ""])
def test_empty_and_missing_data_are_left_alone(validator: object, data: str | None) -> None:
    field = FakeField(data)
    validator(None, field)  # type: ignore[operator]
    assert field.data == data


def test_messages_can_be_overridden() -> None:
    cases = [
        (SafeText(label="Name", max_length=3, too_long_message="Too long"), "Bobby"),
        (SafeText(label="Name", max_length=9, markup_message="No HTML"), "<b>"),
        (SafeText(label="Name", max_length=9, unusual_message="Odd"), "a\u200bb"),
        (PersonName(label="Name", message="Letters only"), "B0b"),
        (Postcode(message="Bad postcode"), "ABC"),
        (PhoneNumber(message="Bad phone"), "abc"),
        (WordLimit(label="Answer", limit=1, message="Too many words"), "two words"),
    ]
    messages = []
    for validator, data in cases:
        with pytest.raises(ValidationError) as raised:
            validator(None, FakeField(data))
        messages.append(str(raised.value))
    expected = ["Too long", "No HTML", "Odd", "Letters only", "Bad postcode"]
    assert messages == [*expected, "Bad phone", "Too many words"]


def test_markup_can_be_allowed() -> None:
    field = FakeField("  <b>bold</b>  ")
    SafeText(label="Notes", max_length=50, allow_markup=True)(None, field)
    assert field.data == "<b>bold</b>"


def test_spaces_only_are_refused_with_data_required_too() -> None:
    class NameForm(Form):
        name = StringField(
            validators=[SafeText(label="Name", max_length=10), DataRequired("Enter your name")]
        )

    form = NameForm(formdata=MultiDict({"name": "  \t "}))
    assert not form.validate()
    assert form.errors == {"name": ["Enter your name"]}


# Characters that exercise every rule, mixed with arbitrary text below so Hypothesis finds
# the interesting combinations far more often than from the whole of Unicode.
TRICKY = st.sampled_from(
    [
        *"<>&#;/!?abZé李'\u2019-. \t\r\n\x00\x1f\u200b\u202e\ufeff\ue000\u0378\u0308\u00a0",
        *["&amp;", "&#60;", "<b>", "<script>", "\ud800"],
    ]
)
NAME_INPUT = st.one_of(st.text(), st.lists(TRICKY, max_size=30).map("".join))


class NameForm(Form):
    full_name = StringField(
        "Full name",
        validators=[SafeText(label="Full name", max_length=100), PersonName(label="Full name")],
    )


@PROPERTY_SETTINGS
@given(text=NAME_INPUT)
def test_names_are_either_refused_or_safe(text: str) -> None:
    form = NameForm(formdata=MultiDict({"full_name": text}))

    if not form.validate():
        assert len(form.full_name.errors) == 1
        return
    name = form.full_name.data
    assert unusual_character(name) is None
    assert not contains_markup(name)
    assert len(name) <= 100
    assert name == clean_text(name)


@PROPERTY_SETTINGS
@given(text=NAME_INPUT)
def test_validators_raise_only_validation_errors(text: str) -> None:
    for validator in [
        SafeText(label="Full name", max_length=100),
        PersonName(label="Full name"),
        Postcode(),
        PhoneNumber(),
        WordLimit(label="Answer", limit=5),
    ]:
        # StopValidation too: WTForms' own contract allows it, though these raise
        # InvalidInput, which is both.
        with contextlib.suppress(ValidationError, StopValidation):
            validator(None, FakeField(text))


# --- GovDateField -------------------------------------------------------------------------

TODAY = date(2025, 6, 15)


class DateForm(Form):
    dob = GovDateField("Date of birth", not_after_today=True)
    start = GovDateField("Start date", what="Start date", required=False, earliest_year=2020)


@pytest.fixture
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> date:
    monkeypatch.setattr(validators, "today", lambda: TODAY)
    return TODAY


def submit_dates(dob: list[str] | None, start: list[str] | None = None) -> DateForm:
    pairs = [("dob", part) for part in dob or []] + [("start", part) for part in start or []]
    form = DateForm(formdata=MultiDict(pairs))
    form.validate()
    return form


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (["15", "6", "2000"], date(2000, 6, 15)),
        ([" 1 ", "02", " 2004 "], date(2004, 2, 1)),
        (["29", "2", "2024"], date(2024, 2, 29)),
        (["01", "01", "1900"], date(1900, 1, 1)),
        (["15", "6", "2025"], TODAY),  # today is not after today
    ],
)
def test_real_dates_are_accepted(fixed_today: date, parts: list[str], expected: date) -> None:
    form = submit_dates(parts)
    assert form.errors == {}
    assert form.dob.data == expected


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (["", "", ""], "Enter your date of birth"),
        ([" ", "  ", ""], "Enter your date of birth"),
        (["", "6", "2000"], "Date of birth must include a day"),
        (["15", "", "2000"], "Date of birth must include a month"),
        (["15", "6", ""], "Date of birth must include a year"),
        (["", "", "2000"], "Date of birth must include a day and month"),
        (["", "6", ""], "Date of birth must include a day and year"),
        (["15", "", ""], "Date of birth must include a month and year"),
        (["29", "2", "2023"], "Date of birth must be a real date"),
        (["31", "4", "2000"], "Date of birth must be a real date"),
        (["0", "1", "2000"], "Date of birth must be a real date"),
        (["1", "13", "2000"], "Date of birth must be a real date"),
        (["1", "1", "0000"], "Date of birth must be a real date"),
        (["a", "b", "c"], "Date of birth must be a real date"),
        (["15th", "6", "2000"], "Date of birth must be a real date"),
        (["15", "June", "2000"], "Date of birth must be a real date"),
        (["15", "6", "two thousand"], "Date of birth must be a real date"),
        (["-1", "6", "2000"], "Date of birth must be a real date"),
        (["1.5", "6", "2000"], "Date of birth must be a real date"),
        (["015", "6", "2000"], "Date of birth must be a real date"),
        (["15", "6", "12345"], "Date of birth must be a real date"),
        (["\u0661\u0665", "6", "2000"], "Date of birth must be a real date"),  # Arabic-Indic 15
        (["\u00b2", "6", "2000"], "Date of birth must be a real date"),  # superscript two
        (["15", "6", "99"], "Year must include 4 numbers"),
        (["15", "6", "200"], "Year must include 4 numbers"),
        (["31", "12", "1899"], "Date of birth must be 1900 or later"),
        (["16", "6", "2025"], "Date of birth must be in the past"),
        (["1", "1", "3000"], "Date of birth must be in the past"),
    ],
)
def test_date_messages(fixed_today: date, parts: list[str], message: str) -> None:
    form = submit_dates(parts)
    assert form.errors == {"dob": [message]}
    assert form.dob.data is None


def test_what_names_the_date_in_messages(fixed_today: date) -> None:
    form = submit_dates(["15", "6", "2000"], start=["1", "1", "2019"])
    assert form.errors == {"start": ["Start date must be 2020 or later"]}

    form = submit_dates(["15", "6", "2000"], start=["", "1", "2021"])
    assert form.errors == {"start": ["Start date must include a day"]}


def test_a_date_that_is_not_required_can_be_left_empty(fixed_today: date) -> None:
    form = submit_dates(["15", "6", "2000"], start=["", "", ""])
    assert form.errors == {}
    assert form.start.data is None


def test_future_dates_are_allowed_unless_ruled_out(fixed_today: date) -> None:
    form = submit_dates(["15", "6", "2000"], start=["1", "9", "2030"])
    assert form.errors == {}
    assert form.start.data == date(2030, 9, 1)


def test_a_missing_date_is_treated_as_empty(fixed_today: date) -> None:
    form = submit_dates(None)
    assert form.errors == {"dob": ["Enter your date of birth"]}
    assert form.dob.raw_data == ["", "", ""]
    assert form.start.raw_data == ["", "", ""]


def test_fewer_than_three_parts_are_padded(fixed_today: date) -> None:
    form = submit_dates(["15"])
    assert form.errors == {"dob": ["Date of birth must include a month and year"]}
    assert form.dob.raw_data == ["15", "", ""]


def test_extra_parts_are_refused(fixed_today: date) -> None:
    form = submit_dates(["15", "6", "2000", "7"])
    assert form.errors == {"dob": ["Date of birth must be a real date"]}
    assert form.dob.raw_data == ["15", "6", "2000"]


def test_raw_parts_are_kept_to_fill_the_inputs_again(fixed_today: date) -> None:
    form = submit_dates(["31", "2", "2000"])
    assert form.dob.raw_data == ["31", "2", "2000"]
    assert form.dob._value() == "31 2 2000"


def test_a_stored_date_fills_the_inputs() -> None:
    form = DateForm(data={"dob": date(2001, 3, 4)})
    assert form.dob.raw_data is None
    assert form.dob._value() == "04 03 2001"


@pytest.mark.parametrize("validator", [InputRequired(), DataRequired(), Optional()])
def test_generic_required_validators_are_refused(validator: object) -> None:
    class BadForm(Form):
        dob = GovDateField("Date of birth", validators=[validator])

    with pytest.raises(TypeError, match="required=True"):
        BadForm()


def test_the_widget_puts_back_what_was_typed(app, fixed_today: date) -> None:
    form = submit_dates(["31", "2", "20x0"])

    with app.test_request_context():
        html = str(form.dob())

    assert "Date of birth must be a real date" in html
    assert 'name="dob"' in html
    for value in ["31", "2", "20x0"]:
        assert f'value="{value}"' in html


def test_the_widget_renders_when_nothing_was_sent(app, fixed_today: date) -> None:
    form = submit_dates(None)

    with app.test_request_context():
        html = str(form.dob())

    assert "Enter your date of birth" in html


DATE_PART = st.one_of(
    st.text(max_size=8),
    st.sampled_from(["", " ", "0", "1", "29", "31", "2", "12", "13", "1899", "2024", "99"]),
    st.integers(min_value=-1, max_value=99999).map(str),
)


@PROPERTY_SETTINGS
@given(parts=st.lists(DATE_PART, max_size=5))
def test_any_date_input_gives_a_date_or_a_message(parts: list[str]) -> None:
    form = DateForm(formdata=MultiDict([("dob", part) for part in parts]))

    valid = form.validate()

    assert isinstance(valid, bool)
    assert len(form.dob.raw_data) == 3
    if form.dob.errors:
        assert form.dob.data is None
        assert all(isinstance(message, str) and message for message in form.dob.errors)
    else:
        assert isinstance(form.dob.data, date)

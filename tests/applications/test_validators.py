"""Tests for the application form validators: cleaning, GOV.UK messages and date input.

Forms here are plain ``wtforms.Form`` so no app, request or CSRF token is needed; only the
widget rendering test uses the app, because the GOV.UK widgets render Jinja templates.
"""

from __future__ import annotations

import contextlib
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import example as hypothesis_example
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

from tracker.forms import fields
from tracker.forms.fields import GovDateField
from tracker.forms.text import (
    PHONE_EXAMPLES,
    clean_text,
    normalise_phone,
    normalise_postcode,
    unusual_character,
    word_count,
)
from tracker.forms.validators import PersonName, PhoneNumber, Postcode, SafeText, WordLimit

PHONE_MESSAGE = "Enter a phone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192"
POSTCODE_MESSAGE = "Enter a real postcode, like AA1 1AA"
UNUSUAL_MESSAGE = (
    "Full name must not include hidden or unusual characters \u2013 "
    "try typing it in rather than copying and pasting"
)
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


@pytest.mark.slow  # generated input
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
        # Invisible characters pasted from web pages and word processors are removed.
        ("Al\u200bex", "Alex"),
        ("\ufeffBob", "Bob"),
        ("co\u00adoperate", "cooperate"),
        ("word\u2060joiner", "wordjoiner"),
        ("Zoe\u200b\u0308", "Zoë"),  # the mark composes once the space between is gone
        # What joins emoji and shapes scripts is kept.
        ("\U0001f469\u200d\U0001f4bb", "\U0001f469\u200d\U0001f4bb"),
        (
            "\u0645\u06cc\u200c\u062e\u0648\u0627\u0645",
            "\u0645\u06cc\u200c\u062e\u0648\u0627\u0645",
        ),
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


@pytest.mark.slow  # generated input
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
        "\x1b",  # escape, which drives terminals
        "\x7f",  # delete
        "\x85",  # next line, a C1 control
        "\u202a",  # left-to-right embedding
        "\u202e",  # right-to-left override
        "\u2066",  # left-to-right isolate
        "\u2069",  # pop directional isolate
        "\u206a",  # inhibit symmetric swapping (deprecated)
        "\ufff9",  # interlinear annotation anchor, which hides text
        "\ud800",  # lone surrogate
        "\ufdd0",  # noncharacter
        "\uffff",  # noncharacter
        "\U0010fffe",  # noncharacter
    ],
)
def test_unsafe_characters_are_found(character: str) -> None:
    assert unusual_character(f"Bob{character}by") == character
    assert unusual_character(f"Bob{character}by", multiline=True) == character


@pytest.mark.parametrize(
    "value",
    [
        "Zoë",
        "Siobhán",
        "Łukasz",
        "李",
        "Ørjan O\u2019Brien",
        "😀",
        "a < b",
        "",
        "if (x<y) swap",
        "<script>alert(1)</script>",
        "Fish &amp; chips",
        "\U0001f469\u200d\U0001f4bb",  # woman technologist: an emoji ZWJ sequence
        "\U0001f468\u200d\U0001f469\u200d\U0001f467",  # family
        "\u2764\ufe0f",  # red heart with its emoji variation selector
        "\U0001f44b\U0001f3fd",  # waving hand, medium skin tone
        # The flag of Wales: a black flag and tag characters.
        "\U0001f3f4\U000e0067\U000e0062\U000e0077\U000e006c\U000e0073\U000e007f",
        "\U0001fa77",  # pink heart, newer than Python's Unicode tables
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0645",  # Persian, with a zero-width non-joiner
        "\u05e9\u05dc\u05d5\u05dd\u200f!",  # Hebrew with a right-to-left mark
        "\ue000",  # private use, as some keyboards' logos
        "\u200b\ufeff\u00ad",  # invisible, and removed by clean_text
    ],
)
def test_ordinary_text_has_no_unusual_characters(value: str) -> None:
    assert unusual_character(value) is None


def test_newlines_and_tabs_are_unusual_only_in_single_line_text() -> None:
    assert unusual_character("one\ntwo") == "\n"
    assert unusual_character("one\ttwo") == "\t"
    assert unusual_character("one\ntwo\tthree", multiline=True) is None
    assert unusual_character("one\r\ntwo", multiline=True) == "\r"


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
        # Ofcom's numbers for drama and examples, which libphonenumber calls invalid.
        ("07700 900 982", "07700 900982"),
        ("01632 960 001", "01632 960001"),
        ("020 7946 0999", "020 7946 0999"),
        ("0161 496 0000", "0161 496 0000"),
        ("029 2018 0123", "029 2018 0123"),
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
        # Just outside Ofcom's ranges for drama, where libphonenumber's rules apply.
        "07700 901982",
        "01632 961001",
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
            SafeText(label="Personal statement", max_length=500, multiline=True),
            Optional(),
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
        # Markup is not refused as markup, but '<' is no letter.
        ("<script>alert(1)</script>", NAME_MESSAGE),
        ("<b>Bob</b>", NAME_MESSAGE),
        ("Fish &amp; Chips", NAME_MESSAGE),
        ("Bob\x00", UNUSUAL_MESSAGE),
        ("\u202eBob", UNUSUAL_MESSAGE),
        ("Bob\u2066", UNUSUAL_MESSAGE),
        ("Bob\ue000", NAME_MESSAGE),
        ("Bob\u0378", NAME_MESSAGE),
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
        ("<b>SW1A</b>", POSTCODE_MESSAGE),
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
        (SafeText(label="Name", max_length=9, unusual_message="Odd"), "a\u202eb"),
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
    expected = ["Too long", "Odd", "Letters only", "Bad postcode"]
    assert messages == [*expected, "Bad phone", "Too many words"]


@pytest.mark.parametrize(
    "statement",
    [
        "if (x<y) swap",
        "I can do <b>anything</b>",
        "<script>alert(1)</script>",
        "I <3 coding & x > 2",
        "&lt;not an entity to us&gt;",
        "I\u2019m a Welsh speaker \U0001f3f4\U000e0067\U000e0062\U000e0077\U000e006c"
        "\U000e0073\U000e007f",
        "Team lead \U0001f469\u200d\U0001f4bb\u2764\ufe0f",
    ],
)
def test_ordinary_text_and_angle_brackets_are_kept_as_typed(statement: str) -> None:
    """Markup is stored as text and escaped where it is shown; refusing it refused code."""
    form = submit(statement=statement)
    assert form.errors == {}
    assert form.statement.data == statement


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
    monkeypatch.setattr(fields, "today", lambda: TODAY)
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


# --- What text is accepted, whatever its script, and what is refused ---------------------

# Letters, marks, numbers, punctuation, symbols and spaces of every script, with the format
# characters ordinary text uses: joiners in emoji and Indic or Persian words, emoji variation
# selectors, the marks that order Arabic and Hebrew, and the tags in the flags of Wales and
# Scotland.
ORDINARY_CHARACTER = st.one_of(
    st.characters(categories=("L", "M", "N", "P", "S", "Zs")),
    st.sampled_from(["\u200d", "\u200c", "\ufe0f", "\ufe0e", "\u200e", "\u200f", "\U000e0067"]),
)
ORDINARY_TEXT = st.text(ORDINARY_CHARACTER, min_size=1, max_size=60)
UNSAFE_CHARACTER = st.one_of(
    st.characters(categories=("Cc",)).filter(lambda c: c not in "\t\n\r"),
    st.sampled_from([*"\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069", "\ud800"]),
    st.sampled_from(["\ufdd0", "\ufffe", "\uffff", "\U0001fffe", "\U0010ffff", "\ufff9"]),
)
UNSAFE_MESSAGE = (
    "Answer must not include hidden or unusual characters \u2013 "
    "try typing it in rather than copying and pasting"
)


class AnswerForm(Form):
    answer = TextAreaField(
        validators=[SafeText(label="Answer", max_length=1000, multiline=True), Optional()]
    )
    title = StringField(validators=[SafeText(label="Answer", max_length=1000), Optional()])


@PROPERTY_SETTINGS
@given(text=ORDINARY_TEXT)
# Only spaces, in an optional field: kept as nothing, not as the spaces (SafeText cleans first).
@hypothesis_example(text=" ")
@hypothesis_example(text="\u00a0\u3000")
def test_ordinary_text_in_any_script_is_accepted(text: str) -> None:
    form = AnswerForm(formdata=MultiDict({"answer": text, "title": text}))

    assert form.validate(), form.errors
    assert form.answer.data == clean_text(text, multiline=True)
    assert form.title.data == clean_text(text)


@PROPERTY_SETTINGS
@given(before=st.text(ORDINARY_CHARACTER), unsafe=UNSAFE_CHARACTER, after=ORDINARY_TEXT)
def test_unsafe_characters_are_refused_wherever_they_are(
    before: str, unsafe: str, after: str
) -> None:
    text = before + unsafe + after
    form = AnswerForm(formdata=MultiDict({"answer": text, "title": text}))

    assert not form.validate()
    assert form.errors == {"answer": [UNSAFE_MESSAGE], "title": [UNSAFE_MESSAGE]}


def test_the_phone_examples_are_numbers_the_validator_accepts() -> None:
    assert PhoneNumber().message == PHONE_MESSAGE
    for example in PHONE_EXAMPLES:
        assert example in PHONE_MESSAGE
        assert normalise_phone(example) is not None, example
        assert submit(phone=example).errors == {}

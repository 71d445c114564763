"""Cleaning and validation for the fields applicants fill in.

Applicants are often first-time jobseekers typing on a phone, so every field:

- normalises harmless differences (extra spaces, lowercase postcodes, phone spacing), and
- rejects anything else with a GOV.UK-style message that says how to fix it.

The pure functions are used by the WTForms validators below and can be reused by services
(imports, staff edits) so the same rules apply whichever way data arrives.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Any

import phonenumbers
from govuk_frontend_wtf.wtforms_widgets import GovDateInput
from wtforms import DateField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Optional,
    StopValidation,
    ValidationError,
)

from tracker.clock import today

__all__ = [
    "GovDateField",
    "InvalidInput",
    "PersonName",
    "PhoneNumber",
    "Postcode",
    "SafeText",
    "WordLimit",
    "clean_text",
    "normalise_phone",
    "normalise_postcode",
    "unusual_character",
    "word_count",
]

# What a person types is accepted as Unicode text: letters and marks in any script, emoji
# (including the zero-width joiners and variation selectors that join 'woman' and 'laptop'
# into one picture, and the tag characters in the flags of Wales and Scotland), and '<', '>'
# and '&'. Markup is harmless because every page and email escapes what it shows. What is
# refused is what makes the text mean something other than what staff see, or cannot be
# stored:
# - control characters (PostgreSQL cannot store NUL; escape sequences drive terminals and
#   break spreadsheet exports), apart from newline and tab in multiline text;
# - bidirectional embeddings, overrides and isolates, which display text reordered
#   ('Trojan Source'); the left-to-right and right-to-left marks are ordinary in Arabic
#   and Hebrew and are allowed;
# - the deprecated format characters and interlinear annotations, which hide text;
# - surrogates (not characters at all) and noncharacters (reserved for software's own use).
# Unassigned code points are allowed: a phone's keyboard has emoji newer than Python's
# Unicode tables.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_HIDING_FORMAT = frozenset("\u206a\u206b\u206c\u206d\u206e\u206f\ufff9\ufffa\ufffb")

# Invisible characters that change nothing a reader sees but would make 'Al\u200bex' a
# different name from 'Alex' to a search: they arrive by copying from web pages and word
# processors, and are removed in cleaning rather than refused (the applicant cannot see them
# to take them out). Zero-width space, word joiner, byte order mark and soft hyphen.
_INVISIBLE = re.compile("[\u200b\u2060\ufeff\u00ad]")

# Line breaks a browser, a paste or another system might send, including Unicode's own.
_LINE_BREAKS = re.compile(r"\r\n|[\r\n\u2028\u2029]")

# Tabs and every Unicode space separator (Zs: no-break space from word processors,
# ideographic space from CJK keyboards) become an ordinary space.
_SPACES = re.compile(r"[\t\u0020\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")

# The Royal Mail format, without the space: outward code (A9, A99, A9A, AA9, AA99, AA9A)
# then inward code (9AA). Letter restrictions are Royal Mail's: Q, V and X never come first;
# I, J and Z never second; the inward letters never include C, I, K, M, O or V.
_POSTCODE = re.compile(
    r"GIR0AA"
    r"|[A-PR-UWYZ]"
    r"(?:[0-9]{1,2}|[A-HK-Y][0-9]{1,2}|[0-9][A-HJKPS-UW]|[A-HK-Y][0-9][ABEHMNPRV-Y])"
    r"[0-9][ABD-HJLNP-UW-Z]{2}"
)

# Digits with the punctuation people write phone numbers with. Anything else (letters for
# 0800 FLOWERS-style numbers, 'ext', '#') is refused rather than guessed at.
_PHONE_CHARACTERS = re.compile(r"\+?[0-9 ()\-.]+")
PHONE_MAX_LENGTH = 20

# Ofcom's numbers for TV, film and examples, as national significant numbers: 01632 960xxx,
# 07700 900xxx, 0808 157 0xxx, 0909 879 0xxx, 0306 999 0xxx and the geographic ranges
# (020 7946 0xxx, 0113 496 0xxx ...). libphonenumber calls them invalid, yet they are the
# examples GOV.UK prints, and nobody's real number: an error message suggesting one and then
# refusing it would be absurd, and suggesting a real number would invite calls to a stranger.
_OFCOM_DRAMA = re.compile(
    r"(?:1632960|7700900|8081570|9098790|3069990"
    r"|2079460|11[3-8]4960|1[2-6]14960|1914980|2920180|2476180|2896496|2392888|2380496)"
    r"[0-9]{3}"
)
# The examples our messages give, in the formats people use.
PHONE_EXAMPLES = ("01632 960 001", "07700 900 982", "+44 808 157 0192")

# Letters and marks in any script (Zoë, Siobhán, Łukasz, 李), plus the punctuation names use.
# \u2019 is the apostrophe phones' smart punctuation types.
_NAME_PUNCTUATION = frozenset(" -'\u2019.")

# Day, month and year as typed: ASCII digits only (str.isdigit also accepts '²' and other
# digits int() refuses or reads differently).
_DAY_OR_MONTH = re.compile(r"[0-9]{1,2}")
_YEAR = re.compile(r"[0-9]{1,4}")


class InvalidInput(ValidationError, StopValidation):
    """A validation failure that also stops the field's validator chain.

    It is a ``ValidationError`` (so callers and tests can catch it as one) and a
    ``StopValidation`` (so WTForms runs no later validators). GOV.UK forms show one message
    per field, and once ``SafeText`` has refused a control character there is nothing useful
    ``PersonName`` could add.
    """


# --- Pure functions -----------------------------------------------------------------------


def clean_text(value: str, *, multiline: bool = False) -> str:
    """Normalise what someone typed, without changing what they meant.

    Invisible zero-width characters are removed (see _INVISIBLE). NFC composes accents
    typed as separate marks (so 'Zoë' is always one form, and lengths match what people
    see). Single-line text becomes one line with single spaces; multiline text keeps its
    paragraphs but loses trailing spaces and long runs of blank lines.
    """
    # Removed before composing, so that a mark after a removed character composes too.
    value = unicodedata.normalize("NFC", _INVISIBLE.sub("", value))
    if not multiline:
        # strip(" ") rather than strip(): the latter would quietly drop some control
        # characters (such as \x1f) at the ends, which should be refused like any other.
        return _SPACES.sub(" ", _LINE_BREAKS.sub(" ", value)).strip(" ")

    lines = [_SPACES.sub(" ", line).rstrip(" ") for line in _LINE_BREAKS.split(value)]
    text = "\n".join(lines).strip(" \n")
    # At most two blank lines in a row, i.e. at most three line breaks.
    return re.sub(r"\n{4,}", "\n\n\n", text)


def unusual_character(value: str, *, multiline: bool = False) -> str | None:
    """Return the first character that is not safe to store and show, or None.

    Newlines and tabs are allowed only in multiline text.
    """
    allowed = "\n\t" if multiline else ""
    for character in value:
        if character in allowed:
            continue
        if _is_unsafe(character):
            return character
    return None


def _is_unsafe(character: str) -> bool:
    category = unicodedata.category(character)
    if category in ("Cc", "Cs"):
        return True
    if character in _BIDI_CONTROLS or character in _HIDING_FORMAT:
        return True
    code_point = ord(character)
    # Noncharacters: U+FDD0 to U+FDEF, and the last two code points of every plane.
    return 0xFDD0 <= code_point <= 0xFDEF or (code_point & 0xFFFE) == 0xFFFE


def normalise_postcode(value: str) -> str | None:
    """Return a UK postcode as 'SW1A 1AA', or None if it isn't in a valid format.

    Spaces anywhere and lowercase are accepted, as people type postcodes every which way.
    """
    compact = "".join(value.split())
    # Checked before upper(), which turns some non-ASCII letters into ASCII ('ﬀ' -> 'FF').
    if not compact.isascii():
        return None
    compact = compact.upper()
    if not _POSTCODE.fullmatch(compact):
        return None
    return f"{compact[:-3]} {compact[-3:]}"


def normalise_phone(value: str) -> str | None:
    """Return a phone number we can call, formatted for display, or None.

    UK numbers (including the Channel Islands and Isle of Man, which share +44) come back in
    national format ('07911 123456'); others in international format ('+1 202-555-0143').

    Validity is libphonenumber's, plus Ofcom's ranges reserved for drama and examples
    (07700 900xxx, 01632 960xxx, see _OFCOM_DRAMA), which our own messages suggest.
    """
    value = value.strip()
    if len(value) > PHONE_MAX_LENGTH or not _PHONE_CHARACTERS.fullmatch(value):
        return None
    try:
        number = phonenumbers.parse(value, "GB")
    except phonenumbers.NumberParseException:
        return None
    if not (phonenumbers.is_valid_number(number) or _is_ofcom_example(number)):
        return None
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 44
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)


def _is_ofcom_example(number: phonenumbers.PhoneNumber) -> bool:
    return number.country_code == 44 and bool(
        _OFCOM_DRAMA.fullmatch(phonenumbers.national_significant_number(number))
    )


def word_count(value: str) -> int:
    """Count words the way the GOV.UK character count component does: runs of non-spaces.

    Matching the component means the count a person sees while typing is the one we enforce.
    """
    return len(value.split())


# --- WTForms validators -------------------------------------------------------------------


def _stop_if_required_and_empty(field: Any) -> None:
    """Refuse text that was only spaces, if the field must be filled in.

    ``InputRequired`` runs before cleaning and accepts '   ' as input; once cleaned to ''
    the field would pass empty. So the required validator's own message is raised here.
    """
    for validator in field.validators:
        if isinstance(validator, InputRequired | DataRequired):
            message = validator.message or field.gettext("This field is required.")
            field.errors[:] = []
            raise StopValidation(message)


class SafeText:
    """Clean a text field, then refuse unsafe characters and overlong text.

    Markup is not refused: '<' and '>' are ordinary in what people write ('if (x<y) swap'),
    and what is stored is escaped wherever it is shown.

    Put it first: it replaces ``field.data`` with the cleaned text, so later validators and
    the view see what will be stored. Empty text is allowed; pair it with ``InputRequired``
    or ``Optional`` to decide whether the field must be filled in.
    """

    def __init__(
        self,
        *,
        label: str,
        max_length: int,
        multiline: bool = False,
        unusual_message: str | None = None,
        too_long_message: str | None = None,
    ) -> None:
        self.max_length = max_length
        self.multiline = multiline
        # People rarely type these characters; they arrive by copying and pasting, so the
        # message suggests typing instead.
        self.unusual_message = unusual_message or (
            f"{label} must not include hidden or unusual characters \u2013 "
            "try typing it in rather than copying and pasting"
        )
        self.too_long_message = too_long_message or (
            f"{label} must be {max_length} characters or fewer"
        )

    def __call__(self, form: Any, field: Any) -> None:
        if not isinstance(field.data, str):
            return
        field.data = clean_text(field.data, multiline=self.multiline)
        if not field.data:
            _stop_if_required_and_empty(field)
            return
        if unusual_character(field.data, multiline=self.multiline) is not None:
            raise InvalidInput(self.unusual_message)
        # Code points, as PostgreSQL counts them for VARCHAR(n), so what passes here fits.
        if len(field.data) > self.max_length:
            raise InvalidInput(self.too_long_message)


def is_person_name(value: str) -> bool:
    """True if every character is a letter, mark or name punctuation, with a letter somewhere.

    The letter check stops "-" or "." passing as a name.
    """
    has_letter = False
    for character in value:
        category = unicodedata.category(character)
        if category[0] == "L":
            has_letter = True
        elif category[0] != "M" and character not in _NAME_PUNCTUATION:
            return False
    return has_letter


class PersonName:
    """Refuse names with digits, symbols or other punctuation. Use after ``SafeText``."""

    def __init__(self, *, label: str, message: str | None = None) -> None:
        # GOV.UK's standard wording; accented and non-Latin letters are accepted all the same.
        self.message = message or (
            f"{label} must only include letters a to z, hyphens, spaces and apostrophes"
        )

    def __call__(self, form: Any, field: Any) -> None:
        if isinstance(field.data, str) and field.data and not is_person_name(field.data):
            raise InvalidInput(self.message)


class Postcode:
    """Normalise a UK postcode to 'SW1A 1AA' form or refuse it. Empty is left alone."""

    def __init__(self, message: str | None = None) -> None:
        self.message = message or "Enter a real postcode, like AA1 1AA"

    def __call__(self, form: Any, field: Any) -> None:
        if not isinstance(field.data, str):
            return
        if not field.data.strip():
            field.data = ""
            _stop_if_required_and_empty(field)
            return
        postcode = normalise_postcode(field.data)
        if postcode is None:
            raise InvalidInput(self.message)
        field.data = postcode


class PhoneNumber:
    """Normalise a phone number for display or refuse it. Empty is left alone."""

    def __init__(self, message: str | None = None) -> None:
        *others, last = PHONE_EXAMPLES
        self.message = message or f"Enter a phone number, like {', '.join(others)} or {last}"

    def __call__(self, form: Any, field: Any) -> None:
        if not isinstance(field.data, str):
            return
        if not field.data.strip():
            field.data = ""
            _stop_if_required_and_empty(field)
            return
        phone = normalise_phone(field.data)
        if phone is None:
            raise InvalidInput(self.message)
        field.data = phone


class WordLimit:
    """Refuse text with more than ``limit`` words."""

    def __init__(self, *, label: str, limit: int, message: str | None = None) -> None:
        self.limit = limit
        self.message = message or f"{label} must be {limit} words or fewer"

    def __call__(self, form: Any, field: Any) -> None:
        if isinstance(field.data, str) and word_count(field.data) > self.limit:
            raise InvalidInput(self.message)


# --- Dates --------------------------------------------------------------------------------


class GovDateField(DateField):
    """A date typed as day, month and year, with the GOV.UK date input's error messages.

    The three inputs share the field's name, so ``raw_data`` is ``[day, month, year]``; it is
    always kept as exactly three strings so the widget can put back what was typed.

    The field decides for itself whether it must be filled in (``required``), because the
    generic validators read only the first input (the day): ``InputRequired`` and
    ``Optional`` would judge '', '5', '2000' as empty, and all three would replace the
    specific message ('Date of birth must include a day') with a generic one. Passing them
    is therefore refused.
    """

    @property
    def error_anchor(self) -> str:
        """Where an error summary should take the reader: the day box, as GOV.UK advises."""
        return f"{self.id}-day"

    def __init__(
        self,
        label: str | None = None,
        *,
        what: str = "Date of birth",
        required: bool = True,
        not_after_today: bool = False,
        earliest_year: int = 1900,
        empty_message: str | None = None,
        widget: Any = None,
        validators: Any = None,
        **kwargs: Any,
    ) -> None:
        for validator in validators or ():
            if isinstance(validator, InputRequired | DataRequired | Optional):
                raise TypeError(
                    "GovDateField checks for an empty date itself: use required=True or "
                    f"required=False instead of {type(validator).__name__}"
                )
        super().__init__(
            label,
            validators,
            format="%d %m %Y",
            widget=widget or GovDateInput(),
            **kwargs,
        )
        self.what = what
        self.required = required
        self.not_after_today = not_after_today
        self.earliest_year = earliest_year
        self.empty_message = empty_message or f"Enter your {what.lower()}"

    def _value(self) -> str:
        if self.raw_data:
            return " ".join(self.raw_data)
        return self.data.strftime("%d %m %Y") if self.data else ""

    def process_formdata(self, valuelist: list[Any]) -> None:
        parts = [str(value) for value in valuelist]
        # Exactly three, so the widget can unpack them: a missing input arrives as fewer.
        self.raw_data = [*parts, "", "", ""][:3]
        self.data = None
        # More than three values means a tampered form; better refused than half-read.
        if any(part.strip() for part in parts[3:]):
            raise ValueError(f"{self.what} must be a real date")
        self.data = self._parse(*(part.strip() for part in self.raw_data))

    def _parse(self, day: str, month: str, year: str) -> date | None:
        """Turn the stripped parts into a date, or raise ValueError with the message to show.

        Messages come in GOV.UK's order of priority: missing parts, then parts that cannot
        be right, then a real date that breaks this field's rules.
        """
        missing = [
            name for name, part in (("day", day), ("month", month), ("year", year)) if not part
        ]
        if len(missing) == 3:
            if self.required:
                raise ValueError(self.empty_message)
            return None
        if missing:
            raise ValueError(f"{self.what} must include a {' and '.join(missing)}")

        real_date_message = f"{self.what} must be a real date"
        if not (_DAY_OR_MONTH.fullmatch(day) and _DAY_OR_MONTH.fullmatch(month)):
            raise ValueError(real_date_message)
        if not _YEAR.fullmatch(year):
            raise ValueError(real_date_message)
        if len(year) != 4:
            raise ValueError("Year must include 4 numbers")
        try:
            value = date(int(year), int(month), int(day))
        except ValueError:
            # 31 February, month 13, day 0, year 0000.
            raise ValueError(real_date_message) from None

        if value.year < self.earliest_year:
            raise ValueError(f"{self.what} must be {self.earliest_year} or later")
        if self.not_after_today and value > today():
            raise ValueError(f"{self.what} must be in the past")
        return value

"""Cleaning and checking what people type, as pure functions.

Applicants are often first-time jobseekers typing on a phone, so every field:

- normalises harmless differences (extra spaces, lowercase postcodes, phone spacing), and
- rejects anything else with a GOV.UK-style message that says how to fix it.

The WTForms validators (tracker.forms.validators) use these, and services (imports, staff
edits) can too, so the same rules apply whichever way data arrives.
"""

from __future__ import annotations

import re
import unicodedata

import phonenumbers

__all__ = [
    "PHONE_EXAMPLES",
    "PHONE_MAX_LENGTH",
    "clean_text",
    "is_person_name",
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

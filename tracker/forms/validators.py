"""WTForms validators for the fields people fill in: each cleans what was typed, then
refuses what it cannot accept with a GOV.UK-style message that says how to fix it.

The rules themselves are the pure functions of tracker.forms.text.
"""

from __future__ import annotations

from typing import Any

from wtforms.validators import DataRequired, InputRequired, StopValidation, ValidationError

from tracker.forms.text import (
    PHONE_EXAMPLES,
    clean_text,
    is_person_name,
    normalise_phone,
    normalise_postcode,
    unusual_character,
    word_count,
)

__all__ = [
    "InvalidInput",
    "PersonName",
    "PhoneNumber",
    "Postcode",
    "SafeText",
    "WordLimit",
]


class InvalidInput(ValidationError, StopValidation):
    """A validation failure that also stops the field's validator chain.

    It is a ``ValidationError`` (so callers and tests can catch it as one) and a
    ``StopValidation`` (so WTForms runs no later validators). GOV.UK forms show one message
    per field, and once ``SafeText`` has refused a control character there is nothing useful
    ``PersonName`` could add.
    """


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


class _Normalised:
    """Rewrite the field's text to its one written form, or refuse it. Empty is left alone
    (as "", so that a required field says so)."""

    message: str

    def normalise(self, text: str) -> str | None:
        raise NotImplementedError

    def __call__(self, form: Any, field: Any) -> None:
        if not isinstance(field.data, str):
            return
        if not field.data.strip():
            field.data = ""
            _stop_if_required_and_empty(field)
            return
        normalised = self.normalise(field.data)
        if normalised is None:
            raise InvalidInput(self.message)
        field.data = normalised


class Postcode(_Normalised):
    """A UK postcode in 'SW1A 1AA' form."""

    def __init__(self, message: str | None = None) -> None:
        self.message = message or "Enter a real postcode, like AA1 1AA"

    def normalise(self, text: str) -> str | None:
        return normalise_postcode(text)


class PhoneNumber(_Normalised):
    """A phone number as it is shown."""

    def __init__(self, message: str | None = None) -> None:
        *others, last = PHONE_EXAMPLES
        self.message = message or f"Enter a phone number, like {', '.join(others)} or {last}"

    def normalise(self, text: str) -> str | None:
        return normalise_phone(text)


class WordLimit:
    """Refuse text with more than ``limit`` words."""

    def __init__(self, *, label: str, limit: int, message: str | None = None) -> None:
        self.limit = limit
        self.message = message or f"{label} must be {limit} words or fewer"

    def __call__(self, form: Any, field: Any) -> None:
        if isinstance(field.data, str) and word_count(field.data) > self.limit:
            raise InvalidInput(self.message)
